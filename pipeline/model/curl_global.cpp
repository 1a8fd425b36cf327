#include "pipeline/model/curl_global.h"

#include <curl/curl.h>

namespace pipeline {

CurlGlobal::CurlGlobal() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}
CurlGlobal::~CurlGlobal() {
  curl_global_cleanup();
}

}  // namespace pipeline
