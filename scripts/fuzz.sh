#!/usr/bin/env bash
# Fuzzes one target under libFuzzer, for as long as you let it:
#   scripts/fuzz.sh TARGET [libFuzzer flags, e.g. -max_total_time=600 -jobs=2]
# Targets: pack lines decoders jsonl labels key-labels gzip fame-model fame-payload drain-state bundle.
# Builds warden-fuzz with AddressSanitizer and coverage into .build/fuzz, seeds
# .build/fuzz/corpus/TARGET from the repository's samples on the first run, and
# keeps the corpus between runs. libFuzzer runs in .build/fuzz: a crash is saved
# there as crash-<hash> (replay it with `swift run warden-fuzz run TARGET
# .build/fuzz/crash-<hash>`), and with -jobs each worker's output goes to fuzz-N.log there.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET [libFuzzer flags]}
shift
cd "$(dirname "$0")/.."
toolchain=$(dirname "$(readlink -f "$(command -v swift)")")/..
runtime=$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -n 1)
[ -n "$runtime" ] || { echo "fuzz.sh: this toolchain has no libclang_rt.fuzzer_no_main for $(uname -m)" >&2; exit 1; }
swift build -c release --product warden-fuzz --scratch-path .build/fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xswiftc -DLIBFUZZER -Xlinker "$runtime" -Xlinker -lstdc++
binary=.build/fuzz/release/warden-fuzz
corpus=.build/fuzz/corpus/$target
[ -d "$corpus" ] || "$binary" seed "$target" "$corpus"
root=$(pwd)
cd .build/fuzz
exec "$root/$binary" fuzz "$target" "$root/$corpus" "$@"
