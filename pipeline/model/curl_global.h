#pragma once
// Initializes libcurl for the whole process. Exactly one lives in main() (and in each test or
// benchmark program that uses CurlLlmClient), before any thread starts.

namespace pipeline {

class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

}  // namespace pipeline
