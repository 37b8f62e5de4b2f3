#!/usr/bin/env python3
"""Phonemise sentences with espeak-ng (en-us) into one ASCII code per phoneme.

Why: a character-CTC audio encoder has to learn English spelling from 10 000 utterances,
and its misses are phonetic spellings ("sity"); the voices' phonemes are far more
regular. This writes the table a phoneme-CTC encoder trains on (ctc.units
"phonemes:TABLE") and the LLM's phoneme drills read: one row per distinct sentence,

    sentence <TAB> codes

where each word of espeak-ng's `--ipa --sep=_` output becomes its phonemes' codes (stress
marks dropped) and words stay separated by single spaces. A phoneme gets the next free
character of CODES the first time it is seen; the inventory (code, phoneme, count) is
kept in INVENTORY and reused, so tables made at different times share their codes.

Inputs are label CSVs (the transcript is everything after the fourth comma) or plain
text files (one sentence per line). Standard library and the espeak-ng program only.

    scripts/phonemise.py --inventory phonemes-inventory.tsv --out phonemes.tsv \\
        corpus/train.csv corpus/valid.csv corpus/test.csv
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

CODES = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
         "!#$%&()*+,-./:;<=>?@[]^_{|}~")
CHUNK = 256


def sentences_of(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if path.endswith(".csv"):
                parts = line.split(",", 4)
                if len(parts) < 5:
                    continue
                line = parts[4]
            if line.strip():
                yield line


def speakable(sentence):
    # Punctuation would end a clause, and espeak-ng writes each clause on its own line.
    return re.sub(r"[^a-z0-9' ]+", " ", sentence.lower()).strip()


def espeak(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for line in lines:
            f.write((line or "a") + ".\n")
        name = f.name
    try:
        out = subprocess.run(["espeak-ng", "-q", "--ipa", "--sep=_", "-v", "en-us", "-f", name],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    return [l.strip() for l in out.split("\n") if l.strip()]


def phonemes_of(ipa_line):
    words = []
    for word in ipa_line.split():
        units = [p.replace("ˈ", "").replace("ˌ", "") for p in word.split("_")]
        units = [p for p in units if p]
        if units:
            words.append(units)
    return words


def write_atomically(path, lines):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inventory", required=True, help="code table, read if present and extended")
    ap.add_argument("--out", required=True, help="the sentence table to write")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()

    inventory = {}  # phoneme -> [code, count]
    if os.path.exists(args.inventory):
        with open(args.inventory, encoding="utf-8") as f:
            for line in f:
                code, phoneme, count = line.rstrip("\n").split("\t")
                inventory[phoneme] = [code, int(count)]

    seen, sentences = set(), []
    for path in args.inputs:
        for s in sentences_of(path):
            if s not in seen:
                seen.add(s)
                sentences.append(s)

    rows, done = [], 0
    for first in range(0, len(sentences), CHUNK):
        chunk = sentences[first:first + CHUNK]
        ipa = espeak([speakable(s) for s in chunk])
        if len(ipa) != len(chunk):  # a line split in two: one call per line for this chunk
            ipa = [" ".join(espeak([speakable(s)])) for s in chunk]
        for sentence, line in zip(chunk, ipa):
            coded = []
            for word in phonemes_of(line):
                letters = []
                for p in word:
                    if p not in inventory:
                        if len(inventory) >= len(CODES):
                            sys.exit(f"phonemise: more than {len(CODES)} phonemes (new: {p!r})")
                        inventory[p] = [CODES[len(inventory)], 0]
                    inventory[p][1] += 1
                    letters.append(inventory[p][0])
                coded.append("".join(letters))
            rows.append((sentence, " ".join(coded)))
        done += len(chunk)
        print(f"\rphonemise: {done}/{len(sentences)}", end="", file=sys.stderr)
    print(file=sys.stderr)

    # Written aside and renamed: train_recipe.sh takes an existing table as made, so a
    # run stopped halfway must leave none. The inventory goes first: a table whose codes
    # the inventory lacks would be worse than an inventory with unused codes.
    inventory_lines = [f"{code}\t{phoneme}\t{count}\n" for phoneme, (code, count)
                       in sorted(inventory.items(), key=lambda kv: CODES.index(kv[1][0]))]
    write_atomically(args.inventory, inventory_lines)
    write_atomically(args.out, (f"{sentence}\t{codes}\n" for sentence, codes in rows))
    print(f"phonemise: {len(rows)} sentences, {len(inventory)} phonemes -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
