#!/usr/bin/env bash
# Installs what is missing, builds siftd, and runs it in the foreground on ./inbox, routing
# into ./sorted with the offline `local` backend (no key, no network). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p inbox sorted
echo "siftd: drop files into $(pwd)/inbox; they land in $(pwd)/sorted. Ctrl-C stops."
exec build/release/daemon/siftd run --inbox ./inbox --out ./sorted --settle-ms 300 --log-format text
