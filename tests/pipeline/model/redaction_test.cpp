// Redactor: credentials out of text that an endpoint or a model sent back.

#include "pipeline/model/redaction.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(Redactor, replaces_the_secrets_it_was_given_wherever_they_appear) {
  const Redactor redactor({"sk-live-0123456789", "short"});
  EXPECT_EQ(redactor.redact("key sk-live-0123456789 twice sk-live-0123456789!"),
            "key [redacted] twice [redacted]!");
  EXPECT_EQ(redactor.redact("a short word stays"), "a short word stays");
}

TEST(Redactor, blanks_bearer_tokens_and_api_key_values_it_was_not_told_about) {
  const Redactor redactor;
  EXPECT_EQ(redactor.redact("Authorization: Bearer abcdefgh12345678, next"),
            "Authorization: Bearer [redacted], next");
  EXPECT_EQ(redactor.redact(R"({"x-goog-api-key": "AIzaSy0123456789"})"),
            R"({"x-goog-api-key": "[redacted]"})");
  EXPECT_EQ(redactor.redact("X-Api-Key=abcdefgh1234 api_key: 'zyxwvuts9876'"),
            "X-Api-Key=[redacted] api_key: '[redacted]'");
  EXPECT_EQ(redactor.redact("https://host/v1/models?alt=json&key=AIzaSy0123456789"),
            "https://host/v1/models?alt=json&key=[redacted]");
}

TEST(Redactor, leaves_ordinary_words_alone) {
  const Redactor redactor;
  for (const std::string text :
       {"the bearer of good news", "set SIFTD_API_KEY, SIFTD_API_KEY_FILE or an api-key",
        "monkey=banana", "Bearer short"}) {
    EXPECT_EQ(redactor.redact(text), text);
  }
}

TEST(Redactor, knows_which_headers_carry_credentials) {
  EXPECT_TRUE(is_credential_header("Authorization"));
  EXPECT_TRUE(is_credential_header("x-goog-api-key"));
  EXPECT_TRUE(is_credential_header("X-Auth-Token"));
  EXPECT_FALSE(is_credential_header("HTTP-Referer"));
  EXPECT_FALSE(is_credential_header("X-Title"));
}

}  // namespace
}  // namespace pipeline
