#!/usr/bin/env bash
# Installs what is missing, builds siftd with warnings as errors, and runs every test; then
# builds again under AddressSanitizer + UndefinedBehaviorSanitizer and runs the tests again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

echo "== formatting (clang-format, .clang-format)"
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

echo "== build (ci preset: RelWithDebInfo, -Werror)"
cmake --preset ci >/dev/null
cmake --build --preset ci
echo "== tests"
ctest --preset ci

if [[ "${SIFTD_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "== build (asan preset: address,undefined)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  echo "== tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan
fi
