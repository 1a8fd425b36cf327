#pragma once
// SHA-256 of a file's content, streamed (OpenSSL EVP).

#include <string>

#include "pipeline/error.h"

namespace pipeline {

// Lower-case hex digest.
Result<std::string> sha256_file(const std::string& path);
// Of what is left to read from an open file; `what` names it in errors.
Result<std::string> sha256_fd(int fd, const std::string& what);
std::string sha256_bytes(const std::string& bytes);

}  // namespace pipeline
