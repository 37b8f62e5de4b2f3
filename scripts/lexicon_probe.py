#!/usr/bin/env python3
"""How much could a pronunciation lexicon buy? An optimistic bound, no decoder change.

Many of the bundled models' word errors are phonetic misspellings ("greasful", "dowls",
"strok"). A lexicon-constrained decoder would allow only words it lists. This script
bounds what that could gain from above, cheaply: it replaces every hypothesis word that is
not in the lexicon by the lexicon word nearest to it (edit distance <= 2, the most
frequent on ties) and scores the WER before and after. A real constrained beam search
could do somewhat better than this post-hoc fix, but not by a different order.

The lexicon is what the decoder could legitimately know: the words of the LLM's training
text (a run's corpus.txt without the lines the language model never trains on, i.e. those
with a sentence of the AVSR valid or test split or in the held-out hash buckets, as
TextCorpus does) plus every WordNet lemma. It reports the share of test words outside it.

Usage (from /work/data):
  scripts/lexicon_probe.py --corpus-txt runs/lm-b512-phon2/corpus.txt \
      --heldout corpus/valid.csv --heldout corpus/test.csv EVAL_DIR/results.jsonl [...]

EVAL_DIR is what `sinkscope-cli eval --out` wrote. Standard library only.
"""

import argparse
import collections
import csv
import functools
import json
import re
import sys

WORDNET = "/usr/share/wordnet"
HELDOUT_BUCKETS = 4


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def transcript_key(sentence):
    """TextCorpus::transcriptKey: lower case, hyphens as spaces, punctuation off word edges."""
    out = []
    for word in sentence.lower().replace("-", " ").split():
        word = word.strip(".,;:!?\"'()[]")
        if word:
            out.append(word)
    return " ".join(out)


def build_lexicon(corpus_txt, heldout_csvs):
    heldout = set()
    for path in heldout_csvs:
        with open(path, newline="") as f:
            for row in csv.reader(f):
                heldout.add(row[4])
    counts = collections.Counter()
    for line in open(corpus_txt, encoding="utf-8"):
        keys = [transcript_key(s) for s in re.split(r"[.!?]", line)]
        keys = [k for k in keys if k]
        if any(k in heldout or fnv1a64(k) % 100 < HELDOUT_BUCKETS for k in keys):
            continue
        counts.update(re.findall(r"[a-z']+", line.lower()))
    for pos in ("noun", "verb", "adj", "adv"):
        for line in open(f"{WORDNET}/index.{pos}", encoding="utf-8"):
            if line.startswith(" "):
                continue
            for word in re.split(r"[_\-]", line.split()[0]):
                if re.fullmatch(r"[a-z']+", word):
                    counts[word] += 1
    return counts


def edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def wer(refs, hyps):
    errors = total = 0
    for ref, hyp in zip(refs, hyps):
        r, h = ref.split(), hyp.split()
        total += len(r)
        errors += edit_distance(r, h)
    return errors / max(total, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-txt", required=True)
    parser.add_argument("--heldout", action="append", required=True,
                        help="a label CSV the LLM never trains on (repeat for each)")
    parser.add_argument("results", nargs="+", help="results.jsonl files of sinkscope-cli eval")
    args = parser.parse_args()

    lexicon = build_lexicon(args.corpus_txt, args.heldout)
    by_length = collections.defaultdict(list)
    for word in lexicon:
        by_length[len(word)].append(word)
    print(f"lexicon: {len(lexicon)} words", file=sys.stderr)

    @functools.lru_cache(maxsize=None)
    def nearest(word):
        if word in lexicon:
            return word
        best = None
        for length in range(max(1, len(word) - 2), len(word) + 3):
            for candidate in by_length[length]:
                d = edit_distance(word, candidate)
                if d <= 2 and (best is None or (d, -lexicon[candidate]) < best[0]):
                    best = ((d, -lexicon[candidate]), candidate)
        return best[1] if best else word

    print("| results | test words outside the lexicon | WER | WER, nearest lexicon word |")
    print("|---|---|---|---|")
    for path in args.results:
        rows = [json.loads(line) for line in open(path, encoding="utf-8")]
        refs = [r["reference"] for r in rows]
        hyps = [r["hypothesis"] for r in rows]
        fixed = [" ".join(nearest(w) for w in h.split()) for h in hyps]
        ref_words = [w for r in refs for w in r.split()]
        outside = sum(1 for w in ref_words if w not in lexicon) / max(len(ref_words), 1)
        print(f"| {path} | {100 * outside:.1f} % | {100 * wer(refs, hyps):.1f} % | {100 * wer(refs, fixed):.1f} % |")


if __name__ == "__main__":
    main()
