#!/usr/bin/env bash
# Runs clang-tidy-16 with the checked-in .clang-tidy over every source of media/, pipeline/ and
# daemon/ (not tests or benchmarks); any finding fails (WarningsAsErrors is '*'). Needs a
# configured build directory for compile_commands.json: the ci preset's, by default.
#
#   scripts/tidy.sh [BUILD_DIR]        (SIFTD_TIDY_JOBS: parallel runs, default every core)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
[[ -f "$build/compile_commands.json" ]] || cmake --preset ci >/dev/null
mapfile -t files < <(git ls-files 'media/*.cpp' 'pipeline/*.cpp' 'daemon/*.cpp')
log=$(mktemp)
commands=$(mktemp -d)
trap 'rm -rf "$log" "$commands"' EXIT
# The build's commands without its precompiled headers (see the script for why).
scripts/compile_commands_without_pch.py "$build" "$commands"
status=0
run-clang-tidy-16 -quiet -j "${SIFTD_TIDY_JOBS:-$(nproc)}" -p "$commands" "${files[@]/#/$PWD/}" >"$log" 2>&1 || status=$?
# Only the findings: not the per-file counts of suppressed warnings from system headers.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Running clang-tidy|^clang-tidy-16 .*-p=|^$' "$log" || true
echo "clang-tidy: ${#files[@]} files, exit status $status"
exit "$status"
