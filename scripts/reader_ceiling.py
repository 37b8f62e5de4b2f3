#!/usr/bin/env python3
"""scripts/reader_ceiling.py — how well can the LLM read a *perfect* spelling?

Feeds an LLM the spelling-drill layout it was pretrained on (docs/training.md, "Spelling
drills"), with the encoder tokens replaced by the transcript's own characters, spelt
exactly (or stretched 1-2 times per character, as in the drills), then the ASR prompt,
and decodes greedily with `sinkscope-cli analyze`:

    BOS <audio> g r a c e f u l ␣ a n d … </audio> Transcribe speech to text. → ?

The WER of that transcript against the sentence is a floor for any AVSR model built on
this LLM whose projector turns encoder frames into character-like tokens: no encoder can
hand the LLM a better input than the exact spelling. Standard library only.

With --units tokens the span holds the sentence's BPE tokens instead (the token drills'
layout): what the LLM could do if the encoders handed it whole tokens. With --units
phonemes --phonemes TABLE it holds the sentence's phonemes from a scripts/phonemise.py
table, each code as the byte token the phoneme drills use (byte 0x80 + its index), the
layout of an LLM drilled with data.drill_phonemes (--cer then corrupts phonemes). With --cer R the
spelling is first corrupted the way a CTC encoder with character error rate R would
(substitutions, deletions and insertions, a third each, seed 11): what the LLM makes of
an imperfect encoder's characters.

usage: scripts/reader_ceiling.py --llm DIR --manifest CSV [--limit N] [--stretch]
         [--units characters|tokens|phonemes] [--phonemes TABLE] [--cer R] [--max-new-tokens N]
         [--cli PATH] [--out TSV]
The manifest is a Llama-AVSR label CSV (dataset,rel_path,input_length,token_len,text),
e.g. /work/data/corpus/test.csv.
"""
import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile

PROMPT = "Transcribe speech to text."


CODES = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
         "!#$%&()*+,-./:;<=>?@[]^_{|}~")  # scripts/phonemise.py's, in order


def byte_symbol(byte):
    """GPT-2's byte-to-unicode character for any byte: printable Latin-1 stands for itself,
    the other 68 bytes for U+0100 onwards in byte order."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    if byte in printable:
        return chr(byte)
    return chr(256 + [b for b in range(256) if b not in printable].index(byte))


def byte_level(ch):
    """The byte-level BPE symbol of one ASCII character (a one-byte character)."""
    if ord(ch) > 127:
        raise ValueError(f"character {ch!r} outside ASCII; extend byte_level()")
    return byte_symbol(ord(ch))


def run_cli(cli, llm, args, out):
    result = subprocess.run([cli, "analyze", "--model", llm, "--out", out] + args,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"sinkscope-cli analyze failed: {result.stderr.strip()}")
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)


def encode(cli, llm, text, scratch):
    """`text`'s ids as sinkscope's own tokenizer encodes them (the report lists them)."""
    report = run_cli(cli, llm, ["--text", text, "--max-new-tokens", "1"], scratch)
    return [t["id"] for t in report["tokens"] if t["segment"] not in ("bos", "response")]


LETTERS = "abcdefghijklmnopqrstuvwxyz "


def corrupt(sentence, rate, rng, symbols=LETTERS):
    """`sentence` with about rate * len(sentence) character errors, as a CTC decoder makes them."""
    out = []
    for ch in sentence:
        draw = rng.random()
        if draw < rate / 3:
            out.append(rng.choice(symbols))          # substitution
        elif draw < 2 * rate / 3:
            continue                                 # deletion
        elif draw < rate:
            out += [ch, rng.choice(symbols)]         # insertion after the character
        else:
            out.append(ch)
    return "".join(out)


def words(text):
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def edit_distance(ref, hyp):
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        previous, row[0] = row[:], i
        for j in range(1, len(hyp) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return row[len(hyp)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", required=True, help="an LLM directory (e.g. models/shared/llm-*)")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--stretch", action="store_true", help="repeat each unit 1-2 times (seed 7)")
    parser.add_argument("--units", choices=["characters", "tokens", "phonemes"], default="characters")
    parser.add_argument("--phonemes", help="a scripts/phonemise.py table of the manifest's sentences")
    parser.add_argument("--cer", type=float, default=0.0, help="corrupt the spelling at this character error rate")
    parser.add_argument("--max-new-tokens", type=int, default=32,
                        help="transcript length limit (a small vocabulary needs more tokens per sentence)")
    parser.add_argument("--cli", default="build/app/sinkscope-cli")
    parser.add_argument("--out", help="TSV of reference and transcript per sentence")
    a = parser.parse_args()
    if a.cer and a.units == "tokens":
        sys.exit("--cer corrupts characters or phonemes; not with --units tokens")
    table = {}
    if a.units == "phonemes":
        if not a.phonemes:
            sys.exit("--units phonemes needs --phonemes TABLE")
        with open(a.phonemes, encoding="utf-8") as f:
            for line in f:
                sentence, _, codes = line.rstrip("\n").partition("\t")
                table[sentence] = codes
    used_codes = sorted({ch for codes in table.values() for ch in codes if ch != " "}) + [" "]

    with open(os.path.join(a.llm, "tokenizer.json")) as f:
        tokenizer = json.load(f)
    vocab = tokenizer["model"]["vocab"]
    added = {t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])}
    bos, audio_start, audio_end = added["<|begin_of_text|>"], added["<audio>"], added["</audio>"]
    scratch = tempfile.mkdtemp(prefix="reader-ceiling-")
    prompt = encode(a.cli, a.llm, PROMPT, scratch)

    rng = random.Random(7)
    noise = random.Random(11)
    errors = reference_words = 0
    rows = []
    with open(a.manifest, newline="") as f:
        for k, row in enumerate(csv.reader(f)):
            if k >= a.limit:
                break
            sentence = row[4]
            if a.units == "phonemes":
                if sentence not in table:
                    sys.exit(f"{a.phonemes} has no phonemes for {sentence!r}")
                heard = corrupt(table[sentence], a.cer, noise, used_codes) if a.cer else table[sentence]
                units = [vocab[byte_level(" ")] if ch == " " else vocab[byte_symbol(0x80 + CODES.index(ch))] for ch in heard]
            elif a.units == "characters":
                heard = corrupt(sentence, a.cer, noise) if a.cer else sentence
                units = [vocab[byte_level(ch)] for ch in heard]
            else:
                units = encode(a.cli, a.llm, sentence, scratch)
            spelt = []
            for unit in units:
                spelt += [unit] * (rng.randint(1, 2) if a.stretch else 1)
            ids = [bos, audio_start] + spelt + [audio_end] + prompt
            report = run_cli(a.cli, a.llm, ["--tokens", ",".join(map(str, ids)), "--max-new-tokens", str(a.max_new_tokens)], scratch)
            hypothesis = report.get("transcript", "")
            ref, hyp = words(sentence), words(hypothesis)
            errors += edit_distance(ref, hyp)
            reference_words += len(ref)
            rows.append((sentence, " ".join(hyp)))
    if a.out:
        with open(a.out, "w") as f:
            for sentence, hypothesis in rows:
                f.write(f"{sentence}\t{hypothesis}\n")
    print(json.dumps({"sentences": len(rows), "units": a.units, "stretched": a.stretch, "cer": a.cer, "word_errors": errors,
                      "reference_words": reference_words, "wer": errors / max(reference_words, 1)}))


if __name__ == "__main__":
    main()
