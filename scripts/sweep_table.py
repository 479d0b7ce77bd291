#!/usr/bin/env python3
"""Prints the robustness sweep of `make accuracy`: one row per configuration
(window size, split position) with every method's test F1, and their means.
Reads the JSON lines `baselines.py --append-row` wrote."""
import sys

import json

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
methods = []
for row in rows:
    methods += [m for m in row["f1"] if m not in methods]
short = {"decision tree, event counts": "tree", "logistic regression, event counts": "logistic",
         "new template rule": "new tmpl", "severity rule (FATAL or FAILURE)": "severity",
         "Warden builtin pack": "Warden", "Warden builtin pack + FAME fallback": "+FAME"}
print(f"  {'configuration':<40} {'test (abn.)':>12}" + "".join(f" {short.get(m, m):>9}" for m in methods))
for row in rows:
    cells = "".join(f" {row['f1'][m]:9.1f}" if m in row["f1"] else f" {'-':>9}" for m in methods)
    print(f"  {row['name']:<40} {row['test']:>6} ({row['abnormal']:>3})" + cells)
means = []
for m in methods:
    scored = [row["f1"][m] for row in rows if m in row["f1"]]
    means.append(f" {sum(scored) / len(scored):9.1f}" + ("*" if len(scored) < len(rows) else ""))
print(f"  {'mean':<40} {'':>12}" + "".join(means))
if any(m.endswith("*") for m in means):
    print("  (* over the configurations the method applies to)")
