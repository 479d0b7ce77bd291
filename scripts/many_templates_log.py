#!/usr/bin/env python3
"""A labeled BGL-format log with thousands of message types, to measure how `warden
synthesize` scales with the vocabulary (docs/synthesis.md). Routine lines follow 3,000
random word templates (a few common, most rare) with hexadecimal variables; 0.4 % of the
time a burst of 1–10 FATAL alert lines of 60 other templates starts, labeled ALERT0–4.

Usage: many_templates_log.py OUTPUT [LINES]   (default 300,000 lines, seed fixed)
"""
import random
import sys


def main():
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
    r = random.Random(5)
    vocabulary = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(3, 9))) for _ in range(5000)]
    templates = [[r.choice(vocabulary) for _ in range(r.randint(3, 12))] for _ in range(3000)]
    alerts = [[r.choice(vocabulary) for _ in range(r.randint(3, 8))] for _ in range(60)]
    components = ["KERNEL", "APP", "MMCS", "LINKCARD", "MONITOR", "DISCOVERY", "HARDWARE"]
    t = 1117838570
    written = 0
    with open(path, "w") as out:
        def line(label, level, message):
            node = f"R{r.randrange(64):02d}-M1"
            out.write(f"{label} {t} 2005.06.03 {node} 2005-06-03-15.42.50.675872 {node} RAS {r.choice(components)} {level} {message}\n")
        while written < total:
            t += r.randint(0, 3)
            if r.random() < 0.004:
                alert = alerts[r.randrange(60)] if r.random() < 0.8 else alerts[r.randrange(40)]
                for _ in range(r.randint(1, 10)):
                    line(f"ALERT{r.randrange(5)}", "FATAL", " ".join(w if r.random() > 0.15 else str(r.randint(0, 99999)) for w in alert))
                    written += 1
                continue
            template = templates[min(int(r.paretovariate(0.8)) - 1, 2999)] if r.random() < 0.7 else templates[r.randrange(3000)]
            level = "INFO" if r.random() < 0.9 else r.choice(["WARNING", "ERROR", "SEVERE", "FATAL"])
            line("-", level, " ".join(w if r.random() > 0.2 else f"0x{r.randint(0, 1 << 32):08x}" for w in template))
            written += 1


if __name__ == "__main__":
    main()
