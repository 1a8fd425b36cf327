#!/usr/bin/env bash
# Installs, from Debian 12's packages, exactly what siftd needs and nothing that is already
# there. Idempotent: when every package is present it changes nothing and runs no apt-get.
#
#   scripts/install-deps.sh build   compiler, libraries (enough to build and run siftd)
#   scripts/install-deps.sh test    build + what the tests use (redis-server, mosquitto, rclone, ffmpeg,
#                                   clang-16 and its libFuzzer for the fuzz smoke,
#                                   clang-tidy-16, ...)
#   scripts/install-deps.sh bench   test + the peer tools the benchmarks compare against
set -euo pipefail

profile=${1:-test}

build=(
  cmake make g++ pkg-config
  libopencv-dev libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavutil-dev
  libpoppler-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libtomlplusplus-dev libcli11-dev libexpected-dev libcpp-httplib-dev
  libmagic-dev libhiredis-dev libmosquitto-dev libsystemd-dev libssl-dev libseccomp-dev zlib1g-dev
  libheif-dev libwebp-dev libraw-dev libtesseract-dev tesseract-ocr-eng
  libgtest-dev libgmock-dev libbenchmark-dev
)
test=(
  python3 python3-jsonschema python3-yaml redis-server mosquitto rclone sqlite3 systemd
  ffmpeg sox imagemagick ghostscript espeak-ng poppler-utils fonts-dejavu-core
  dpkg-dev fakeroot clang-format git libheif-examples
  clang-16 libclang-rt-16-dev clang-tidy-16
)
bench=(libvips-tools libjpeg-turbo-progs strace)

case "$profile" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${build[@]}" "${test[@]}") ;;
  bench) wanted=("${build[@]}" "${test[@]}" "${bench[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages for '$profile' are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
((EUID == 0)) || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
