#!/usr/bin/env bash
# Warden's main job on the bundled samples, with no network: synthesize a rule
# pack from the training split (builtin backend), check it, run its own tests,
# and score it on the held-back test split (chronological 6:1:3) — for BGL
# (windows of 20 lines, with the FAME fallback calibrated on the validation
# split, its window decision chosen there behind the pack, and then trained on
# the training and validation splits) and HDFS (one
# session per block). The label field is stripped before any rule, the
# synthesizer or a model sees a line.
set -euo pipefail
cd "$(dirname "$0")/.."
warden=.build/release/warden
out=.build/demo
mkdir -p "$out"
bgl=Samples/BGL_2k/BGL_2k.log
hdfs=Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz
hdfs_labels=Samples/HDFS_2pct_dev/HDFS_2pct_dev.block_labels.csv

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "BGL: warden synthesize --backend builtin (training split) -> $out/bgl.warden"
"$warden" synthesize --backend builtin --format bgl "$bgl" --split train --name bgl_demo -o "$out"/bgl.warden 2>&1 | grep -v '^  - '

step "BGL: warden check"
"$warden" check "$out"/bgl.warden

step "BGL: warden test (the contrastive windows each rule was learned from)"
"$warden" test "$out"/bgl.warden

step "BGL: warden templates (Drain) — the largest message templates"
"$warden" templates --format bgl "$bgl" | sed -n 1,5p

step "BGL: warden fame train (K = 100 labels per template, builtin failure domains; window decision behind the pack) -> $out/bgl.fame"
"$warden" fame train --format bgl "$bgl" --k 100 --pack "$out"/bgl.warden -o "$out"/bgl.fame 2>/dev/null | grep -v '^  repaired'

step "BGL: warden fame eval — message level on the held-back test split"
"$warden" fame eval --model "$out"/bgl.fame --format bgl "$bgl"

step "BGL: warden eval — rules, then FAME for the windows no rule decides, on the test split"
"$warden" eval --pack "$out"/bgl.warden --format bgl --split test --fallback "$out"/bgl.fame "$bgl"

step "HDFS: warden synthesize --backend builtin (training split, one session per block) -> $out/hdfs.warden"
"$warden" synthesize --backend builtin --format hdfs --window session --labels "$hdfs_labels" "$hdfs" \
    --split train --name hdfs_demo -o "$out"/hdfs.warden 2>&1 | grep -v '^  - ' | grep -v '^epoch'

step "HDFS: warden check and warden test"
"$warden" check "$out"/hdfs.warden
"$warden" test "$out"/hdfs.warden

# HDFS is labeled per block, not per message, so FAME (a message-level model) is not trained on it here.
step "HDFS: warden eval on the held-back test split"
"$warden" eval --pack "$out"/hdfs.warden --format hdfs --window session --labels "$hdfs_labels" --split test "$hdfs"

step "warden detect with the synthesized BGL pack and FAME: the first 3 abnormal windows"
"$warden" detect --pack "$out"/bgl.warden --format bgl --fallback "$out"/bgl.fame --abnormal-only "$bgl" | sed -n 1,3p
