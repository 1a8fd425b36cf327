// siftd: watches folders and triages every file that lands there. See ARCHITECTURE.md.
#include "daemon/cli.h"

int main(int argc, char** argv) { return daemon_core::run_cli(argc, argv); }
