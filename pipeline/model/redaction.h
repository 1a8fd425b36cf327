#pragma once
// Keeps credentials out of everything siftd logs or stores. An endpoint may echo a request's
// headers in an error body, and a model may repeat what it was sent: the API key itself, any
// "Bearer <token>", and the value after an api-key-like name (x-goog-api-key, x-api-key,
// api_key, a "key=" query parameter) become "[redacted]" before the text goes further.

#include <string>
#include <string_view>
#include <vector>

namespace pipeline {

inline constexpr std::string_view k_redacted = "[redacted]";

class Redactor {
 public:
  // `secrets` are replaced wherever they appear; ones shorter than 8 bytes are not secrets a
  // service would issue and are ignored (they would blank out ordinary words).
  explicit Redactor(std::vector<std::string> secrets = {});

  std::string redact(std::string_view text) const;
  bool empty() const { return m_secrets.empty(); }

 private:
  std::vector<std::string> m_secrets;
};

// Whether a header of this name carries a credential (Authorization, x-goog-api-key, ...).
bool is_credential_header(std::string_view name);

}  // namespace pipeline
