#!/usr/bin/env bash
# Runs one libFuzzer target for a while:
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   scripts/fuzz.sh --list
#
# Configures and builds the fuzz preset (clang-16, ASan + UBSan) when needed (SIFTD_FUZZ_PRESET
# picks another preset that sets SIFTD_FUZZ, e.g. asan, whose build CI already has), copies the
# target's seeds (../shared/corpus, fixtures/, tests/fuzz/seeds/ and tests/fuzz/regressions/)
# into a temporary working corpus (the seed folders are never written to), and fuzzes for
# SECONDS. A crash, a hang or a broken property leaves its input in build/PRESET/findings/TARGET/
# and exits non-zero; the whole output is in build/PRESET/logs/TARGET.log. SIFTD_SHARED_DIR
# overrides where the shared corpus lives.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${SIFTD_SHARED_DIR:-$root/../shared}
targets=(probe image audio video pdf image_header worker_protocol config decision openai_reply gemini_reply
  retry labels)

if [[ "${1:-}" == --list ]]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
if (($# < 2)) || [[ ! " ${targets[*]} " == *" $1 "* ]] || [[ ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]   (targets: ${targets[*]})" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

# Seeds: folders and files whose contents start the working corpus.
media=$root/fixtures/media
case "$target" in
  probe) seeds=("$shared"/corpus/{image,audio,video,pdf} "$media") ;;
  image | image_header) seeds=("$shared/corpus/image" "$media"/*.{jpg,png,gif}) ;;
  audio) seeds=("$shared/corpus/audio" "$media"/*.{wav,mp3,flac}) ;;
  video) seeds=("$shared/corpus/video" "$media"/*.{mp4,webm}) ;;
  pdf) seeds=("$shared/corpus/pdf" "$media"/*.pdf) ;;
  config) seeds=("$root/tests/fuzz/seeds/config" "$root/systemd/siftd.toml.example") ;;
  labels) seeds=("$root/tests/fuzz/seeds/labels" "$root/fixtures/eval/labels.csv") ;;
  *) seeds=("$root/tests/fuzz/seeds/$target") ;;
esac
seeds+=("$root/tests/fuzz/regressions/$target")

# Per-target flags: media inputs are capped in size (larger seeds are cut, which makes good
# truncated inputs too); a run that takes longer than -timeout is reported as a hang.
flags=(-rss_limit_mb=2560)
case "$target" in
  probe | image_header) flags+=(-max_len=65536 -timeout=10) ;;
  image | audio | video | pdf) flags+=(-max_len=262144 -timeout=25) ;;
  config) flags+=(-max_len=8192 -timeout=10 "-dict=$root/tests/fuzz/dictionaries/toml.dict") ;;
  decision | openai_reply | retry)
    flags+=(-max_len=8192 -timeout=10 "-dict=$root/tests/fuzz/dictionaries/json.dict") ;;
  *) flags+=(-max_len=8192 -timeout=10) ;;
esac

preset=${SIFTD_FUZZ_PRESET:-fuzz}
build=$root/build/$preset
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" --target "fuzz_$target" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/siftd-fuzz-$target.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/tmp" "$build/findings/$target" "$build/logs"
copied=0
for seed in "${seeds[@]}"; do
  [[ -e "$seed" ]] || continue
  while IFS= read -r -d '' file; do
    cp "$file" "$work/corpus/$(printf '%s' "${file#"$root"/}" | tr '/' '_')"
    copied=$((copied + 1))
  done < <(find "$seed" -type f ! -name '*.md' ! -name '*.tsv' ! -name SHA256SUMS -print0)
done

# Symbolized stacks in the report; the sanitizers refuse the symlink names, so resolve it.
if symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer); then
  export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(readlink -f "$symbolizer")}
fi

# Allocations over 1 GiB fail (return null) as they would under the worker's RLIMIT_AS, so a
# decoder's own out-of-memory path runs instead of the fuzzer reporting the machine's limit.
log=$build/logs/$target.log
echo "fuzz: $target for ${seconds}s from $copied seeds (log: ${log#"$root"/})"
status=0
TMPDIR="$work/tmp" \
  ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:max_allocation_size_mb=1024} \
  LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$build/tests/fuzz/fuzz_$target" "$work/corpus" -max_total_time="$seconds" \
  -artifact_prefix="$build/findings/$target/" -print_final_stats=1 "${flags[@]}" "$@" \
  >"$log" 2>&1 || status=$?
grep -E '^stat::number_of_executed_units|^#[0-9]+.*(DONE|pulse)' "$log" | tail -2 | sed 's/^/fuzz: /'
if ((status != 0)); then
  echo "fuzz: $target FAILED (exit $status); the input is in ${build#"$root"/}/findings/$target/" >&2
  tail -n 60 "$log" >&2
fi
exit "$status"
