#!/usr/bin/env bash
# Installs what `make bench` compares Warden with when it is missing: ripgrep
# (Debian: ripgrep) for warden-bench compare. Idempotent.
set -euo pipefail
if ! command -v rg >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq ripgrep >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null; }
    else sudo apt-get install -y -qq ripgrep >/dev/null; fi
fi
