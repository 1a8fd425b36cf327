#!/bin/sh
# Times siftd on the upload formats of issue 15 beside the command-line tools people use for
# them: HEIC and AVIF (full decode against the embedded thumbnail, and heif-convert), camera
# RAW (the JPEG preview against a half-size decode; dcraw -e where installed) and OCR (per file;
# the tesseract CLI where installed). siftd's figure is the normalize time `siftd once` reports
# per file (worker already started, Tesseract loaded by the first file), best of 5 copies;
# a peer's is its whole command line, best of 5 runs.
# Usage: bench/run-upload-bench.sh [build dir]   (from the repository root; default build/ci)
set -eu
build=${1:-build/ci}
siftd="$build/daemon/siftd"
fixtures=fixtures/media
corpus=${SIFTD_SHARED_DIR:-../shared}/corpus/image/heif
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

config() {  # image_max_side ocr_ms
  printf '[limits]\nimage_max_side = %s\nocr_ms = %s\n' "$1" "$2" > "$work/siftd.toml"
}

# Best normalize time over 5 copies of one file, in ms.
siftd_ms() {
  for i in 1 2 3 4 5; do cp "$1" "$work/copy$i.${1##*.}"; done
  "$siftd" once --config "$work/siftd.toml" --backend local --log-level error \
      "$work"/copy*."${1##*.}" |
    python3 -c 'import json,sys; print(round(min(json.loads(l)["latency_ms"]["normalize"] for l in sys.stdin), 1))'
  rm -f "$work"/copy*
}

# Best wall time of a command over 5 runs, in ms.
command_ms() {
  best=""
  for i in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3"; }

# A peer's row, or "not installed" when its tool is missing.
peer_row() {  # file what command...
  file=$1 what=$2
  shift 2
  if command -v "$1" > /dev/null; then row "$file" "$what" "$(command_ms "$@")"
  else row "$file" "$what" "not installed"; fi
}

echo "| file | what | ms |"
echo "|---|---|---|"
config 384 3000
row "thumbnail.heic 1600x1200" "siftd, 512x384 thumbnail (image_max_side 384)" "$(siftd_ms $fixtures/thumbnail.heic)"
config 1024 3000
row "thumbnail.heic 1600x1200" "siftd, full decode (image_max_side 1024)" "$(siftd_ms $fixtures/thumbnail.heic)"
row "thumbnail.heic 1600x1200" "heif-convert to JPEG (full decode)" "$(command_ms heif-convert $fixtures/thumbnail.heic "$work/out.jpg")"
config 384 3000
row "sc_iphonex.heic 3024x4032 grid" "siftd (thumbnail 240x320 too small: full decode)" "$(siftd_ms "$corpus/sc_iphonex.heic")"
row "sc_iphonex.heic 3024x4032 grid" "heif-convert to JPEG" "$(command_ms heif-convert "$corpus/sc_iphonex.heic" "$work/out.jpg")"
row "pillow_hopper.avif 128x128" "siftd" "$(siftd_ms "$corpus/pillow_hopper.avif")"
row "pillow_hopper.avif 128x128" "heif-convert to JPEG" "$(command_ms heif-convert "$corpus/pillow_hopper.avif" "$work/out.jpg")"
row "camera.dng" "siftd, embedded 512x384 preview" "$(siftd_ms $fixtures/camera.dng)"
row "camera_raw_only.dng" "siftd, half-size decode" "$(siftd_ms $fixtures/camera_raw_only.dng)"
peer_row "camera.dng" "dcraw -e" dcraw -e -c $fixtures/camera.dng
row "error_dialog.png 720x240" "siftd with OCR" "$(siftd_ms $fixtures/error_dialog.png)"
row "scan_text.pdf (1 dense page)" "siftd with OCR (cap 3000 ms)" "$(siftd_ms $fixtures/scan_text.pdf)"
config 384 0
row "error_dialog.png 720x240" "siftd, OCR off" "$(siftd_ms $fixtures/error_dialog.png)"
row "scan_text.pdf (1 dense page)" "siftd, OCR off" "$(siftd_ms $fixtures/scan_text.pdf)"
peer_row "error_dialog.png 720x240" "tesseract CLI" tesseract $fixtures/error_dialog.png -
