#include "media/worker_environment.h"

#include <gtest/gtest.h>

namespace media {
namespace {

TEST(WorkerEnvironment, keeps_what_decoders_read_and_drops_secrets) {
  const char* environment[] = {"PATH=/usr/bin",
                               "LANG=C.UTF-8",
                               "LC_ALL=C",
                               "TZ=UTC",
                               "SIFTD_API_KEY=sk-secret",
                               "SIFTD_API_KEY_FILE=/run/key",
                               "CREDENTIALS_DIRECTORY=/run/credentials/siftd.service",
                               "AWS_SECRET_ACCESS_KEY=abc",
                               "HTTPS_PROXY=http://user:pass@proxy:3128",
                               "LD_PRELOAD=/tmp/evil.so",
                               "PATHOLOGICAL=1",
                               "NOEQUALS",
                               nullptr};
  EXPECT_EQ(worker_environment(environment),
            (std::vector<std::string>{"PATH=/usr/bin", "LANG=C.UTF-8", "LC_ALL=C", "TZ=UTC",
                                      "OMP_THREAD_LIMIT=1"}));
}

TEST(WorkerEnvironment, an_empty_environment_gets_only_the_openmp_thread_limit) {
  const char* environment[] = {nullptr};
  const std::vector<std::string> only_limit = {"OMP_THREAD_LIMIT=1"};
  EXPECT_EQ(worker_environment(environment), only_limit);
  EXPECT_EQ(worker_environment(nullptr), only_limit);
}

TEST(WorkerEnvironment, the_openmp_thread_limit_cannot_be_raised_from_outside) {
  const char* environment[] = {"OMP_THREAD_LIMIT=64", "OMP_NUM_THREADS=64", nullptr};
  EXPECT_EQ(worker_environment(environment), (std::vector<std::string>{"OMP_THREAD_LIMIT=1"}));
}

}  // namespace
}  // namespace media
