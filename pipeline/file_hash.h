#pragma once
// SHA-256 of a file's content, streamed (OpenSSL EVP).

#include <string>

#include "pipeline/error.h"

namespace pipeline {

// Lower-case hex digest.
Result<std::string> sha256_file(const std::string& path);
std::string sha256_bytes(const std::string& bytes);

}  // namespace pipeline
