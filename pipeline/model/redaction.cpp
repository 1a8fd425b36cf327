#include "pipeline/model/redaction.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pipeline {
namespace {

// Shorter values after "Bearer" or "api_key=" are words, not tokens ("the bearer of").
constexpr std::size_t k_min_token = 8;

// Names whose value is a credential, lower case. "key" only counts as a query parameter.
constexpr std::array<std::string_view, 7> k_credential_names = {
    "x-goog-api-key", "x-api-key", "api-key", "api_key", "apikey", "access_token", "bearer"};

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool matches_at(std::string_view text, std::size_t at, std::string_view name) {
  if (text.size() - at < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (lower(text[at + i]) != name[i]) return false;
  }
  return true;
}

bool is_token_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte <= 0x20 || byte == 0x7F) return false;
  return std::string_view("\"'`,;&{}()<>\\[]").find(c) == std::string_view::npos;
}

// Where the value after a credential name starts: past quotes and spaces, one ':' or '='
// (none after "bearer", which a space separates from its token), and quotes and spaces again.
std::size_t value_start(std::string_view text, std::size_t at, bool needs_separator) {
  const auto skip = [&](std::size_t i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '"' ||
                               text[i] == '\'' || text[i] == '\\'))
      ++i;
    return i;
  };
  std::size_t i = skip(at);
  if (needs_separator) {
    if (i >= text.size() || (text[i] != ':' && text[i] != '=')) return std::string_view::npos;
    i = skip(i + 1);
  } else if (i == at) {
    return std::string_view::npos;
  }
  return i;
}

std::size_t token_end(std::string_view text, std::size_t at) {
  while (at < text.size() && is_token_char(text[at])) ++at;
  return at;
}

// Replaces the token after each credential name; the name itself stays, for the reader.
std::string redact_named_values(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    std::string_view name;
    for (const auto candidate : k_credential_names) {
      if (matches_at(text, at, candidate)) {
        name = candidate;
        break;
      }
    }
    const bool query_key =
        name.empty() && (text[at] == '?' || text[at] == '&') && matches_at(text, at + 1, "key=");
    if (name.empty() && !query_key) continue;
    const std::size_t after = query_key ? at + 5 : at + name.size();
    const std::size_t start = query_key ? after : value_start(text, after, name != "bearer");
    if (start == std::string_view::npos) continue;
    const std::size_t end = token_end(text, start);
    if (end - start < k_min_token) continue;
    out.append(text.substr(copied, start - copied));
    out.append(k_redacted);
    copied = end;
    at = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

void replace_all(std::string& text, std::string_view secret) {
  for (auto at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + k_redacted.size())) {
    text.replace(at, secret.size(), k_redacted);
  }
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
  for (auto& secret : secrets) {
    if (secret.size() >= k_min_token) m_secrets.push_back(std::move(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(m_secrets.begin(), m_secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : m_secrets) replace_all(out, secret);
  return redact_named_values(out);
}

bool is_credential_header(std::string_view name) {
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), lower);
  for (const std::string_view part : {"auth", "key", "token", "secret"}) {
    if (lowered.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace pipeline
