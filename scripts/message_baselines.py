#!/usr/bin/env python3
"""Message-level baselines next to FAME, on the same lines and splits as
`warden fame train/eval` (chronological 6:1:3 over lines; score the last 30 %),
for a BGL-format log. FAME calibrates its threshold on the validation split
(60-70 %) and then trains again on the first 70 %; the baselines tune nothing on
validation, so they train on the same first 70 %.

Rows: a logistic regression on TF-IDF word 1-2-grams of the message content
(scikit-learn, balanced class weights), template lookup (drain3 templates of
the training lines; a message is abnormal when most training messages of its
template were; templates not seen in training are normal) and FAME (from
`warden fame eval --json`).
"""
import argparse
import json

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from baselines import confusion, score, table

HEADER_FIELDS = 8  # BGL after the label: epoch, date, node, time, node, type, component, level


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="a BGL-format log (label first)")
    parser.add_argument("--name", required=True)
    parser.add_argument("--fame", action="append", default=[], metavar="LABEL=FILE",
                        help="`warden fame eval --json` output for a FAME row (repeatable), e.g. 'hashed n-grams=out.json'")
    args = parser.parse_args()

    labels, contents = [], []
    for line in open(args.log, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        label, _, rest = line.partition(" ")
        fields = rest.split(None, HEADER_FIELDS)
        labels.append(label != "-")
        contents.append(fields[-1] if len(fields) > HEADER_FIELDS else rest)
    count = len(contents)
    train_end, val_end = count * 6 // 10, count * 7 // 10
    x_train, y_train = contents[:val_end], labels[:val_end]
    x_test, y_test = contents[val_end:], labels[val_end:]

    rows = []
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\S+")
    model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(vectorizer.fit_transform(x_train), y_train)
    rows.append(("logistic regression, TF-IDF word 1-2-grams", score(model.predict(vectorizer.transform(x_test)), y_test)))

    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    votes = {}
    for content, label in zip(x_train, y_train):
        cluster = miner.add_log_message(content)["cluster_id"]
        votes.setdefault(cluster, []).append(label)
    abnormal = {cluster for cluster, vs in votes.items() if sum(vs) * 2 > len(vs)}
    lookup = []
    for content in x_test:
        cluster = miner.match(content)
        lookup.append(cluster is not None and cluster.cluster_id in abnormal)
    rows.append(("template lookup (unseen templates normal)", score(lookup, y_test)))

    for entry in args.fame:
        label, _, path = entry.rpartition("=")
        rows.append((f"FAME (builtin domains, K = 100, {label})", confusion(json.load(open(path, encoding="utf-8"))["overall"])))

    table(f"{args.name} messages: {train_end} training + {val_end - train_end} validation, {count - val_end} test ({sum(y_test)} abnormal)", rows)


if __name__ == "__main__":
    main()
