#!/usr/bin/env bash
# The unit passes systemd-analyze verify (with ExecStart pointed at the built binary, since
# /usr/bin/siftd exists only once installed) and its security exposure is 2.0 or lower.
set -euo pipefail
source_dir=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed "s|/usr/bin/siftd|$binary|g; s|man:siftd(1) ||" "$source_dir/systemd/siftd.service" >"$work/siftd.service"
systemd-analyze verify "$work/siftd.service"

score=$(systemd-analyze security --offline=true "$source_dir/systemd/siftd.service" 2>/dev/null |
        sed -n 's/.*Overall exposure level for siftd.service: \([0-9.]*\).*/\1/p')
echo "exposure: $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || { echo "exposure $score is over 2.0"; exit 1; }
