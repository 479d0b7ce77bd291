#!/usr/bin/env bash
# Speed of Warden's Drain against the reference (drain3, PyPI) on the same
# content lines, in one run. Both are timed on their mining loop over lines
# held in memory, one thread (Warden: best of 3 passes, `warden-bench drain`);
# `warden templates` end to end is shown too.
#   scripts/drain-bench.sh [FILE] [FORMAT] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-Samples/HDFS_20k_head/HDFS_20000.log}
format=${2:-hdfs}
repeat=${3:-50}
python3 -c 'import drain3' 2>/dev/null || python3 -m pip install --quiet 'drain3==0.9.11'
"${SWIFT:-swift}" build -c release --static-swift-stdlib --product warden >/dev/null
"${SWIFT:-swift}" build -c release --static-swift-stdlib --product warden-bench >/dev/null
warden=.build/release/warden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$repeat"); do cat "$file"; done > "$work/input.log"
"$warden" templates --format "$format" --content-only "$work/input.log" > "$work/content.txt"
lines=$(wc -l < "$work/content.txt")
start=$(date +%s.%N)
"$warden" templates --format lines "$work/content.txt" > "$work/warden.txt" 2>/dev/null
end=$(date +%s.%N)
command_seconds=$(python3 -c "print($end - $start)")
warden_seconds=$(.build/release/warden-bench drain "$work/content.txt" | sed -E 's/.*, ([0-9.]+) s,.*/\1/')
drain3_seconds=$(python3 scripts/drain3_reference.py --timing-only < "$work/content.txt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
python3 - "$file" "$lines" "$warden_seconds" "$drain3_seconds" "$command_seconds" <<'PY'
import sys
name, lines, warden, drain3, command = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"{name}: {lines} content lines")
print(f"warden mining:     {warden:8.3f} s  {lines / warden:12,.0f} lines/s")
print(f"drain3 mining:     {drain3:8.3f} s  {lines / drain3:12,.0f} lines/s")
print(f"speed-up:          {drain3 / warden:.1f}x")
print(f"warden templates:  {command:8.3f} s  {lines / command:12,.0f} lines/s  (whole command: read, extract, mine, print)")
PY
