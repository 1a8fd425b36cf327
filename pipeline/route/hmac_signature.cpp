#include "pipeline/route/hmac_signature.h"

#include <cstdlib>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pipeline {

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char* made =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  // HMAC fails only when OpenSSL cannot allocate or lacks SHA-256: not an expected failure.
  if (made == nullptr || length != 32) std::abort();
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(k_hex[digest[i] >> 4]);
    hex.push_back(k_hex[digest[i] & 0x0f]);
  }
  return hex;
}

std::string webhook_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, body);
}

}  // namespace pipeline
