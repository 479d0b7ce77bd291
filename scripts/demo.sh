#!/usr/bin/env bash
# Warden's main job on the bundled sample. Today Warden's end-to-end path is
# its PCRE2 engine: this compiles a rule-style pattern and matches it against
# label-stripped lines of the BGL sample.
set -euo pipefail
cd "$(dirname "$0")/.."
warden=.build/release/warden
sample=Samples/BGL_2k/BGL_2k.log

"$warden" version
echo
# Strip the label (first field) before anything else sees the line.
mapfile -t lines < <(cut -d' ' -f2- "$sample" | grep -m 3 -E 'KERNEL (FATAL|INFO)')
args=()
for line in "${lines[@]}"; do args+=(--subject "$line"); done
"$warden" regex-check 'RAS (?<component>KERNEL) (?<level>FATAL|INFO) (?<message>.*)$' "${args[@]}"
