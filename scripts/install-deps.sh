#!/usr/bin/env bash
# Installs what Warden needs to build when it is missing: PCRE2's 8-bit
# development files (Debian: libpcre2-dev), zlib's (zlib1g-dev) and pkg-config.
# Idempotent.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! pkg-config --exists libpcre2-8 2>/dev/null; then missing+=(libpcre2-dev); fi
if ! pkg-config --exists zlib 2>/dev/null; then missing+=(zlib1g-dev); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "warden: installing ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "warden: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "warden: the Swift 6 toolchain is required (https://www.swift.org/install/)" >&2
  exit 1
fi
