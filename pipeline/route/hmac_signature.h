#pragma once
// The signature a webhook receiver checks: HMAC-SHA256 over the exact request body, keyed by
// the webhook secret, sent as "X-Siftd-Signature: sha256=<lowercase hex>". Knows nothing of
// HTTP; the secret never leaves this function.

#include <string>
#include <string_view>

namespace pipeline {

inline constexpr std::string_view k_signature_header = "X-Siftd-Signature";

// HMAC-SHA256 of `body` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

// The header's value: "sha256=" followed by hmac_sha256_hex(secret, body).
std::string webhook_signature(std::string_view secret, std::string_view body);

}  // namespace pipeline
