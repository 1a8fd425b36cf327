#!/bin/sh
# A backlog drained by the running daemon: N small distinct PNGs are already in the inbox when
# `siftd run` starts (the local backend, so the model costs nothing), and it routes them all.
# Reports files/s from start to the last `done` row, and the fsync + fdatasync calls per file
# that strace counts in the daemon and its workers, for journal_sync = full and normal.
# Usage: bench/run-backlog-bench.sh [build dir] [files] [workers]   (default build/ci 2000 2)
set -eu
build=${1:-build/ci}
files=${2:-2000}
workers=${3:-2}
siftd="$(cd "$(dirname "$build/daemon/siftd")" && pwd)/siftd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_backlog() {  # distinct 16x16 PNGs, so none is skipped as a duplicate
  python3 - "$1" "$files" <<'PY'
import struct, sys, zlib
folder, count = sys.argv[1], int(sys.argv[2])
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
for i in range(count):
    rows = b"".join(b"\0" + bytes((i >> 8) & 255 ^ x for x in range(48)) for _ in range(16))
    rows = rows[:-1] + bytes([i & 255])
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    open(f"{folder}/n{i}.png", "wb").write(png)
PY
}

done_rows() {
  sqlite3 "file:$1/.siftd/journal.db?mode=ro" "SELECT COUNT(*) FROM files WHERE state='done'" \
    2>/dev/null || echo 0
}

run() {  # journal_sync
  rm -rf "$work/in" "$work/out" "$work/strace"
  mkdir -p "$work/in" "$work/out"
  printf '[daemon]\njournal_sync = "%s"\n' "$1" > "$work/siftd.toml"
  make_backlog "$work/in"
  start=$(date +%s%N)
  strace -f -qq --seccomp-bpf -c -e trace=fsync,fdatasync -o "$work/strace" \
    "$siftd" run --config "$work/siftd.toml" --backend local --inbox "$work/in" \
      --out "$work/out" --workers "$workers" --log-level warn 2> "$work/log" &
  pid=$!
  while [ "$(done_rows "$work/in")" -lt "$files" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.2
  done
  end=$(date +%s%N)
  # The daemon is strace's child: stopping it ends strace, which then writes its counts.
  pkill -TERM -P "$pid"
  wait "$pid" || true
  syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$work/strace")
  python3 -c "
files, ns, syncs = $files, $end - $start, $syncs
print(f'| $1 | {files} | {ns / 1e9:.1f} | {files / (ns / 1e9):.0f} | {syncs / files:.2f} |')"
}

echo "| journal_sync | files | seconds | files/s | fsync+fdatasync per file |"
echo "|---|---|---|---|---|"
run full
run normal
