#!/usr/bin/env python3
"""Split a model's word errors by how often each reference word was heard in training.

A synthetic test split shares no sentence with the training split, but it shares most of
its words. A word the audio encoder never heard can only be spelt right by the LLM's own
knowledge, so the WER a model can reach is bounded by how often its errors fall on such
words. This script makes that bound visible: for every reference word of an eval it finds
whether the alignment kept it, and groups the results by the word's count in the training
manifest.

Usage:
  scripts/wer_by_frequency.py --train corpus/train.csv EVAL_DIR/results.jsonl [...]
  scripts/wer_by_frequency.py --train corpus/train.csv CEILING.tsv

EVAL_DIR is what `sinkscope-cli eval --out` wrote; a .tsv is what
`scripts/reader_ceiling.py --out` wrote (reference<TAB>transcript per line), so the
LLM's own misses can be split the same way. Standard library only.
"""

import argparse
import collections
import csv
import json
import re
import sys

BUCKETS = [(0, 0, "0"), (1, 4, "1-4"), (5, 49, "5-49"), (50, None, "50+")]


def words(text):
    out = []
    for w in text.lower().split():
        w = re.sub(r"[^a-z0-9']", "", w)
        if w:
            out.append(w)
    return out


def kept_reference_words(ref, hyp):
    """Levenshtein alignment; returns (per reference word: matched?, insertions)."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    kept = [False] * n
    insertions = 0
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            kept[i - 1] = ref[i - 1] == hyp[j - 1]
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            i -= 1
        else:
            insertions += 1
            j -= 1
    return kept, insertions


def bucket_of(count):
    for lo, hi, name in BUCKETS:
        if count >= lo and (hi is None or count <= hi):
            return name
    raise AssertionError(count)


def reference_hypothesis_pairs(path):
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            if path.endswith(".tsv"):
                reference, _, hypothesis = line.rstrip("\n").partition("\t")
                yield reference, hypothesis
            else:
                r = json.loads(line)
                yield r["reference"], r["hypothesis"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True, help="training manifest (Llama-AVSR CSV)")
    ap.add_argument("results", nargs="+",
                    help="results.jsonl of sinkscope-cli eval, or the TSV of reader_ceiling.py --out")
    args = ap.parse_args()

    heard = collections.Counter()
    with open(args.train, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 5:
                continue
            heard.update(words(row[4]))

    for path in args.results:
        per_bucket = collections.defaultdict(lambda: [0, 0])
        insertions = 0
        total = 0
        for reference, hypothesis in reference_hypothesis_pairs(path):
            ref, hyp = words(reference), words(hypothesis)
            kept, ins = kept_reference_words(ref, hyp)
            insertions += ins
            total += len(ref)
            for w, k in zip(ref, kept):
                b = per_bucket[bucket_of(heard[w])]
                b[0] += 1
                b[1] += 0 if k else 1
        if total == 0:
            print(f"{path}: no reference words", file=sys.stderr)
            continue
        errors = sum(b[1] for b in per_bucket.values()) + insertions
        print(f"## {path}")
        print(f"{total} reference words, WER {errors / total:.3f}")
        print("| times heard in training | words | share of words | missed | miss rate | WER points |")
        print("|---|---|---|---|---|---|")
        for _, _, name in BUCKETS:
            n, e = per_bucket[name]
            rate = e / n if n else 0.0
            print(f"| {name} | {n} | {n / total:.3f} | {e} | {rate:.3f} | {100 * e / total:.1f} |")
        print(f"| insertions | | | {insertions} | | {100 * insertions / total:.1f} |")
        print()


if __name__ == "__main__":
    main()
