#!/usr/bin/env python3
"""The rules of GeneratedRules/Packs/bgl.warden as CPython `re` functions, in
the form CodeAD's rule scripts take: one function per rule over a window of
lines, normal rules first, then abnormal rules, windows of 20 lines.

Reads a label-stripped BGL log (the format `warden detect --format lines`
reads) and prints the same summary counts as `warden detect --output summary`,
so that `warden-bench compare` can check that both give the same verdicts.

Usage: bgl_rules.py FILE [WINDOW]
"""
import re
import sys

ROUTINE = re.compile(rb"\b(INFO|WARNING)\b")
KERNEL_FAULT = re.compile(rb"KERNEL FATAL data (TLB error|storage) interrupt")
CIOD_LINK = re.compile(rb"ciod: (Error reading|failed to read) message prefix")
TERMINATED = re.compile(rb"rts( panic|: kernel terminated)")


def routine_messages(window):
    return all(ROUTINE.search(line) for line in window)


def kernel_fault_interrupt(window):
    return any(KERNEL_FAULT.search(line) for line in window)


def ciod_link_lost(window):
    return any(CIOD_LINK.search(line) for line in window)


def lustre_mount_failed(window):
    return any(b"Lustre mount FAILED" in line for line in window)


def kernel_terminated(window):
    return any(TERMINATED.search(line) for line in window)


def tree_network_errors(window):
    return any(b"Error receiving packet on tree network" in line for line in window)


NORMAL_RULES = [routine_messages]
ABNORMAL_RULES = [kernel_fault_interrupt, ciod_link_lost, lustre_mount_failed, kernel_terminated, tree_network_errors]


def decide(window):
    if any(rule(window) for rule in NORMAL_RULES):
        return "normal-rules"
    if any(rule(window) for rule in ABNORMAL_RULES):
        return "abnormal-rules"
    return "fallback"


def main():
    path = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    stages = {"normal-rules": 0, "abnormal-rules": 0, "fallback": 0}
    lines = 0
    window = []
    with open(path, "rb") as handle:
        for raw in handle:
            line = raw.rstrip(b"\n")
            if line.endswith(b"\r"):
                line = line[:-1]
            lines += 1
            window.append(line)
            if len(window) == size:
                stages[decide(window)] += 1
                window = []
    if window:
        stages[decide(window)] += 1
    windows = sum(stages.values())
    abnormal = stages["abnormal-rules"]
    # The undecided windows count as normal, as warden detect's default fallback has them.
    print(f"windows: {windows}  abnormal: {abnormal}  normal: {windows - abnormal}")
    print(f"decided by: normal-rules {stages['normal-rules']}, abnormal-rules {abnormal}, fallback {stages['fallback']}")
    print(f"{path}: {lines} lines read")


if __name__ == "__main__":
    main()
