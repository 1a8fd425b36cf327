// The pipeline tests' main: libcurl is initialized once, before any test starts a thread.

#include <gtest/gtest.h>

#include "pipeline/model/curl_global.h"

int main(int argc, char** argv) {
  const pipeline::CurlGlobal curl;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
