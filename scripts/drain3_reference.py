#!/usr/bin/env python3
"""Runs the reference Drain (drain3, PyPI) over content lines read from stdin.

Prints JSON: the settings, the template id of every line, and the final
templates. Used by scripts/drain-parity.sh to record what Warden's miner is
compared with, and by scripts/drain-bench.sh to time the reference.
"""
import argparse
import json
import sys
import time

from drain3.drain import Drain


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--similarity", type=float, default=0.4)
    parser.add_argument("--max-children", type=int, default=100)
    parser.add_argument("--timing-only", action="store_true")
    args = parser.parse_args()
    # Bytes that are not UTF-8 survive as surrogates, so tokens stay byte-identical.
    lines = sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    drain = Drain(depth=args.depth, sim_th=args.similarity, max_children=args.max_children)
    started = time.perf_counter()
    assignments = [drain.add_log_message(line)[0].cluster_id for line in lines]
    seconds = time.perf_counter() - started
    if args.timing_only:
        print(json.dumps({"lines": len(lines), "seconds": seconds}))
        return
    templates = [
        {"id": c.cluster_id, "size": c.size, "template": c.get_template().encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")}
        for c in sorted(drain.clusters, key=lambda c: c.cluster_id)
    ]
    settings = {"depth": args.depth, "similarity": args.similarity, "maxChildren": args.max_children}
    json.dump({"settings": settings, "assignments": assignments, "templates": templates}, sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
