#!/usr/bin/env bash
# Records what the reference Drain (drain3) mines from the bundled samples, for
# Tests/LogParsingTests (which compare Warden's miner with it line by line
# without needing Python). Both miners get exactly the same content lines:
# `warden templates --content-only` prints them.
#   scripts/drain-parity.sh          # re-record Tests/LogParsingTests/Drain3/*.json
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import drain3' 2>/dev/null || python3 -m pip install --quiet 'drain3==0.9.11'
"${SWIFT:-swift}" build -c release --static-swift-stdlib --product warden >/dev/null
warden=.build/release/warden
out=Tests/LogParsingTests/Drain3
mkdir -p "$out"
record() { # name format file [drain3 options]
    local name=$1 format=$2 file=$3; shift 3
    "$warden" templates --format "$format" --content-only "$file" | python3 scripts/drain3_reference.py "$@" > "$out/$name.json"
    echo "recorded $out/$name.json"
}
record bgl_2k bgl Samples/BGL_2k/BGL_2k.log
record bgl_2k_depth5_sim05 bgl Samples/BGL_2k/BGL_2k.log --depth 5 --similarity 0.5
record hdfs_2k hdfs Tests/LogParsingTests/Samples/HDFS_2k.log
record hadoop_2k hadoop Tests/LogParsingTests/Samples/Hadoop_2k.log
record hadoop_2k_children3 hadoop Tests/LogParsingTests/Samples/Hadoop_2k.log --max-children 3
record tricky lines Tests/LogParsingTests/Samples/tricky.log
