#!/usr/bin/env bash
# Warden's main job on the bundled samples: check and test the demonstration
# packs, run them over the BGL sample (windows of 20 lines) and the HDFS sample
# (one window per block), and score them against the labels.
set -euo pipefail
cd "$(dirname "$0")/.."
warden=.build/release/warden
bgl=Samples/BGL_2k/BGL_2k.log
hdfs=Samples/HDFS_20k_head/HDFS_20000.log
hdfs_labels=Samples/HDFS_20k_head/HDFS_20000.block_labels.csv
packs=GeneratedRules/Packs

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "warden check: parse, type-check and validate the packs"
"$warden" check "$packs"/bgl.warden "$packs"/hdfs.warden

step "warden test: the tests inside the packs"
"$warden" test "$packs"/bgl.warden "$packs"/hdfs.warden

step "warden detect: abnormal BGL windows (label field stripped), first 3 of them"
"$warden" detect --pack "$packs"/bgl.warden --format bgl --abnormal-only "$bgl" | head -n 3

step "warden eval: BGL, windows of 20 lines"
"$warden" eval --pack "$packs"/bgl.warden --format bgl "$bgl"

step "warden eval: BGL, test split only (chronological 6:1:3)"
"$warden" eval --pack "$packs"/bgl.warden --format bgl --split test "$bgl" | sed -n '1,6p'

step "warden eval: HDFS, one session per block"
"$warden" eval --pack "$packs"/hdfs.warden --format hdfs --window session --labels "$hdfs_labels" "$hdfs"
