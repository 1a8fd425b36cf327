#include "pipeline/route/hmac_signature.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

// RFC 4231's HMAC-SHA256 test cases 1 and 2.
TEST(HmacSignature, matches_the_rfc_4231_vectors) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 test case 6: a key longer than the block is hashed first.
TEST(HmacSignature, takes_a_key_longer_than_a_block) {
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSignature, header_value_names_the_algorithm_and_changes_with_the_body) {
  const std::string signature = webhook_signature("s3cret-key", R"({"id":"siftd-1"})");
  EXPECT_EQ(signature.rfind("sha256=", 0), 0u);
  EXPECT_EQ(signature.size(), 7u + 64u);
  EXPECT_NE(signature, webhook_signature("s3cret-key", R"({"id":"siftd-2"})"));
  EXPECT_NE(signature, webhook_signature("other-key!", R"({"id":"siftd-1"})"));
  EXPECT_EQ(signature.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace pipeline
