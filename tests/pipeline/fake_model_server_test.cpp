// The fake server's script files, as siftd-fake-model --script reads them.

#include "tests/fakes/fake_model_server.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace fakes {
namespace {

TEST(FakeModelServer, reads_the_example_script) {
  std::string error;
  auto script =
      load_script(std::string(SIFTD_SOURCE_DIR) + "/tests/fakes/example_script.json", error);
  ASSERT_TRUE(script) << error;
  ASSERT_EQ(script->size(), 11u) << "repeat expands";
  EXPECT_EQ(script->front().fault, Fault::rate_limited);
  EXPECT_EQ(script->front().retry_after_s, 2);
  EXPECT_EQ((*script)[1].retry_delay, "1.5s");
  EXPECT_NE((*script)[5].content.find("ACME"), std::string::npos)
      << "an object content is kept as JSON text";
  EXPECT_EQ(script->back().fault, Fault::quota_per_day);
}

TEST(FakeModelServer, refuses_a_script_with_an_unknown_fault) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "bad.json", R"([{"fault": "explode"}])");
  std::string error;
  EXPECT_FALSE(load_script(dir / "bad.json", error));
  EXPECT_NE(error.find("explode"), std::string::npos);
  for (const auto fault :
       {Fault::none, Fault::slow, Fault::drop_connection, Fault::path_category}) {
    EXPECT_EQ(parse_fault(to_string(fault)), fault);
  }
}

}  // namespace
}  // namespace fakes
