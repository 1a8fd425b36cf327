// siftd: watches folders and triages every file that lands there. See ARCHITECTURE.md.
#include "daemon/cli.h"
#include "pipeline/model/curl_global.h"

int main(int argc, char** argv) {
  const pipeline::CurlGlobal curl;  // before any thread starts
  return daemon_core::run_cli(argc, argv);
}
