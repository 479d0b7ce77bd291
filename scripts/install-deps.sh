#!/usr/bin/env bash
# Installs what Warden needs to build when it is missing: PCRE2's 8-bit
# development files (Debian: libpcre2-dev), Vectorscan's (libvectorscan-dev), zlib's (zlib1g-dev), pkg-config, and nginx for the tests.
# Idempotent.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists libpcre2-8 2>/dev/null; then missing+=(libpcre2-dev); fi
if ! pkg-config --exists zlib 2>/dev/null; then missing+=(zlib1g-dev); fi
# Vectorscan scans every line once for all of a pack's line tests (the multi-pattern prefilter).
if ! pkg-config --exists libhs 2>/dev/null; then missing+=(libvectorscan-dev); fi
# nginx serves bundles to `warden run` in the tests (started and stopped by the tests themselves).
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)

if [ ${#missing[@]} -gt 0 ]; then "$(dirname "$0")/apt-install.sh" "${missing[@]}"; fi

if ! command -v swift >/dev/null 2>&1; then
  echo "warden: the Swift 6 toolchain is required (https://www.swift.org/install/)" >&2
  exit 1
fi
