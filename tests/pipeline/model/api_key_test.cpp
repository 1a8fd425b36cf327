#include "pipeline/model/api_key.h"

#include <map>

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace pipeline {
namespace {

EnvironmentLookup environment(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ApiKey, comes_from_the_variable_first) {
  auto key = load_api_key(
      environment({{"SIFTD_API_KEY", " sk-env \n"}, {"SIFTD_API_KEY_FILE", "/nonexistent"}}));
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, "sk-env");
}

TEST(ApiKey, then_from_the_named_file_then_from_the_systemd_credential) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "key", "sk-file\n");
  siftd_test::write_file(dir / "credentials/api-key", "sk-credential\n");
  auto from_file = load_api_key(environment({{"SIFTD_API_KEY_FILE", dir / "key"}}));
  ASSERT_TRUE(from_file);
  EXPECT_EQ(*from_file, "sk-file");
  auto from_credential =
      load_api_key(environment({{"CREDENTIALS_DIRECTORY", dir / "credentials"}}));
  ASSERT_TRUE(from_credential);
  EXPECT_EQ(*from_credential, "sk-credential");
}

TEST(ApiKey, says_where_it_looked_when_there_is_none) {
  auto missing = load_api_key(environment({}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("SIFTD_API_KEY"), std::string::npos);
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "empty", "\n");
  EXPECT_FALSE(load_api_key(environment({{"SIFTD_API_KEY_FILE", dir / "empty"}})));
}

}  // namespace
}  // namespace pipeline
