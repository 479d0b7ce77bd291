#!/usr/bin/env bash
# Installs what `make bench` needs when it is missing: ripgrep (Debian: ripgrep),
# which warden-bench compare compares Warden with, and GNU time (Debian: time),
# which it measures peak memory with. Idempotent.
set -euo pipefail
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "${missing[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
    else sudo apt-get install -y -qq "${missing[@]}" >/dev/null; fi
fi
