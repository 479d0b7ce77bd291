#!/usr/bin/env bash
# Installs the Debian packages named as arguments with apt-get, as root or
# through sudo; the install scripts call it for what they find missing.
set -euo pipefail
[ $# -gt 0 ] || exit 0
echo "warden: installing $*" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "warden: need root (or sudo) to install: $*" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "$@" >/dev/null
