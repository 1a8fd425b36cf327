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
            (std::vector<std::string>{"PATH=/usr/bin", "LANG=C.UTF-8", "LC_ALL=C", "TZ=UTC"}));
}

TEST(WorkerEnvironment, an_empty_environment_stays_empty) {
  const char* environment[] = {nullptr};
  EXPECT_TRUE(worker_environment(environment).empty());
  EXPECT_TRUE(worker_environment(nullptr).empty());
}

}  // namespace
}  // namespace media
