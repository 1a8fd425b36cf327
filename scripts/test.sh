#!/usr/bin/env bash
# Installs what is missing, builds siftd with warnings as errors, runs every test and
# clang-tidy (at the lowest priority, beside the steps after it, so it fills the cores they
# leave idle); then builds it with clang under AddressSanitizer + UndefinedBehaviorSanitizer,
# runs the tests again and fuzzes each libFuzzer target briefly (the same build links them);
# then runs the threaded tests under ThreadSanitizer. SIFTD_SKIP_SANITIZERS=1 stops after the first suite;
# SIFTD_FUZZ_SECONDS sets the smoke length per fuzz target (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

step() { echo "== $1 ($(date -u +%H:%M:%S), ${SECONDS}s so far)"; }

step "formatting (clang-format, .clang-format)"
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

step "build (ci preset: -O2, -Werror)"
cmake --preset ci >/dev/null
cmake --build --preset ci
# clang-tidy runs at the lowest priority beside everything after the build, on the cores the
# tests leave idle while they wait on daemons and fuzzers; its verdict is read at the end.
step "clang-tidy started (.clang-tidy, every source of media/, pipeline/, daemon/)"
tidy_log=$(mktemp)
setsid nice -n 19 scripts/tidy.sh build/ci >"$tidy_log" 2>&1 &
tidy_pid=$!
# On any exit (a failed step included) its whole process group goes, and its log.
trap 'kill -- "-$tidy_pid" 2>/dev/null || true; rm -f "$tidy_log"' EXIT
step "tests"
ctest --preset ci

if [[ "${SIFTD_SKIP_SANITIZERS:-0}" != 1 ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  step "build (asan preset: clang-16, address,undefined, with the fuzz targets)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  step "tests under ASan + UBSan"
  ctest --preset asan
  step "fuzz smoke: each target for ${SIFTD_FUZZ_SECONDS:-10}s"
  for target in $(scripts/fuzz.sh --list); do
    # fuzz.sh sets the sanitizer options a fuzzer needs (no abort on a null allocation).
    env -u ASAN_OPTIONS -u UBSAN_OPTIONS SIFTD_FUZZ_PRESET=asan \
      scripts/fuzz.sh "$target" "${SIFTD_FUZZ_SECONDS:-10}"
  done

  step "build (tsan preset: the threaded tests only)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan --target pipeline_tests daemon_tests
  step "threaded tests under TSan"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp" \
    ctest --preset tsan
fi
step "clang-tidy verdict"
tidy_status=0
wait "$tidy_pid" || tidy_status=$?
cat "$tidy_log"
[[ $tidy_status == 0 ]] || exit "$tidy_status"
step "all passed"
