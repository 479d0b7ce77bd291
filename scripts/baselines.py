#!/usr/bin/env python3
"""Baselines a user would otherwise pick, scored on exactly the windows and
splits Warden uses (`warden windows` writes them), next to Warden's own scores.

Rows: a decision tree and a logistic regression (scikit-learn) on per-window
event-count vectors (drain3 templates mined on the lines they learn from), the
"new template" rule (a window holding a template never seen in a normal
training window is abnormal), the severity rule (a line at level FATAL or
FAILURE, for BGL) and, given --warden, Warden's builtin pack (from
`warden eval --json`). Scores are window (or session) level on the test split.
Warden learns on the training split and selects rules on the validation split;
the baselines tune nothing on validation, so they learn on both.
"""
import argparse
import json
import sys

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

# Header fields before the free text, as in Warden's `MessageHeader`.
HEADER_FIELDS = {"bgl": 8, "thunderbird": 8, "hdfs": 5}
LEVEL_FIELD = {"bgl": 7, "thunderbird": 7}


def content(line, fmt):
    parts = line.split(None, HEADER_FIELDS.get(fmt, 0))
    return parts[-1] if len(parts) > HEADER_FIELDS.get(fmt, 0) else line


def rates(tp, fp, fn):
    """Precision, recall and F1 in percent from confusion counts."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision * 100, recall * 100, f1 * 100


def score(predicted, actual):
    tp = sum(1 for p, a in zip(predicted, actual) if p and a)
    fp = sum(1 for p, a in zip(predicted, actual) if p and not a)
    fn = sum(1 for p, a in zip(predicted, actual) if not p and a)
    return rates(tp, fp, fn)


def confusion(report):
    """Rates from a Warden JSON confusion object."""
    return rates(report["truePositives"], report["falsePositives"], report["falseNegatives"])


def table(title, rows):
    print(title)
    print(f"  {'method':<62} {'P':>6} {'R':>6} {'F1':>6}")
    for name, (p, r, f) in rows:
        print(f"  {name:<62} {p:6.1f} {r:6.1f} {f:6.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("windows", help="JSON Lines from `warden windows`")
    parser.add_argument("--format", required=True)
    parser.add_argument("--name", required=True, help="the data set's name in the table")
    parser.add_argument("--warden", help="`warden eval --json --split test` output for Warden's row")
    parser.add_argument("--warden-rules", default="", help="what Warden's pack holds, for the row's label")
    parser.add_argument("--warden-fame", help="`warden eval --json --split test --fallback MODEL` output: the pack with FAME behind it")
    parser.add_argument("--append-row", metavar="FILE",
                        help="append the scores as one JSON line to FILE instead of printing the table")
    args = parser.parse_args()

    windows = [json.loads(line) for line in open(args.windows, encoding="utf-8")]
    train = [w for w in windows if w["split"] in ("train", "val")]
    test = [w for w in windows if w["split"] == "test"]
    if not train or not test:
        sys.exit("baselines: need training and test windows")

    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    for window in train:
        for line in window["lines"]:
            miner.add_log_message(content(line, args.format))

    def events(window):
        ids = []
        for line in window["lines"]:
            cluster = miner.match(content(line, args.format))
            ids.append(cluster.cluster_id if cluster else 0)  # 0: a template not mined from training lines
        return ids

    vocabulary = sorted({c.cluster_id for c in miner.drain.clusters}) + [0]
    column = {event: index for index, event in enumerate(vocabulary)}

    def vector(window):
        counts = [0] * len(vocabulary)
        for event in events(window):
            counts[column[event]] += 1
        return counts

    x_train = [vector(w) for w in train]
    y_train = [w["abnormal"] for w in train]
    x_test = [vector(w) for w in test]
    y_test = [w["abnormal"] for w in test]

    rows = []
    tree = DecisionTreeClassifier(random_state=0).fit(x_train, y_train)
    rows.append(("decision tree, event counts", score(tree.predict(x_test), y_test)))
    logistic = LogisticRegression(max_iter=2000, class_weight="balanced").fit(x_train, y_train)
    rows.append(("logistic regression, event counts", score(logistic.predict(x_test), y_test)))

    routine = set()
    for window in train:
        if not window["abnormal"]:
            routine.update(events(window))
    new_template = [any(e not in routine for e in events(w)) for w in test]
    rows.append(("new template rule", score(new_template, y_test)))

    if args.format in LEVEL_FIELD:
        field = LEVEL_FIELD[args.format]

        def severe(line):
            parts = line.split()
            return len(parts) > field and parts[field] in ("FATAL", "FAILURE")

        rows.append(("severity rule (FATAL or FAILURE)", score([any(severe(l) for l in w["lines"]) for w in test], y_test)))

    if args.warden:
        report = json.load(open(args.warden, encoding="utf-8"))
        label = "Warden builtin pack" + (f" ({args.warden_rules})" if args.warden_rules and not args.append_row else "")
        rows.append((label, confusion(report["window"])))
    if args.warden_fame:
        report = json.load(open(args.warden_fame, encoding="utf-8"))
        rows.append(("Warden builtin pack + FAME fallback", confusion(report["window"])))

    if args.append_row:
        with open(args.append_row, "a", encoding="utf-8") as file:
            file.write(json.dumps({"name": args.name, "test": len(test), "abnormal": sum(y_test),
                                   "f1": {name: scores[2] for name, scores in rows}}) + "\n")
        return
    table(f"{args.name}: {len(train)} training and validation, {len(test)} test windows ({sum(y_test)} abnormal)", rows)


if __name__ == "__main__":
    main()
