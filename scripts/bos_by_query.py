#!/usr/bin/env python3
"""scripts/bos_by_query.py — which queries keep a head's BOS sink?

The sink score of BOS in a head averages the attention BOS receives over every query
(DESIGN §2). In an AVSR sequence most queries are audio and video tokens, so a head can
lose its sink because the encoder tokens stop looking at BOS while the text still does,
or the other way round. This script splits the score by who is asking: all queries,
the text queries (prompt and response) and the encoder queries (audio and video), and
prints per layer the share of heads whose BOS score in that group exceeds ε, over every
`sinkscope-cli analyze --patterns` output folder given. Standard library only.

usage: scripts/bos_by_query.py [--epsilon 0.3] ANALYZE_DIR...
e.g.   for i in 0 1 2; do sinkscope-cli analyze --model models/avsr-low \\
           --input corpus/test/00000$i.mp4 --out /tmp/bq/$i --patterns; done
       scripts/bos_by_query.py /tmp/bq/*
"""
import argparse
import array
import json
import struct
import sys

GROUPS = {
    "all": None,
    "text": ("prompt", "response"),
    "encoder": ("audio", "video"),
}


def read_patterns(path):
    """Returns {layer: (heads, length, flat float32 array)} from a taps.safetensors file."""
    with open(path, "rb") as f:
        (header_size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_size))
        base = 8 + header_size
        out = {}
        for name, info in header.items():
            if not (name.startswith("blocks.") and name.endswith(".attn.hook_pattern")):
                continue
            if info["dtype"] != "F32":
                sys.exit(f"{path}: {name} is {info['dtype']}, expected F32")
            heads, queries, keys = info["shape"]
            if queries != keys:
                sys.exit(f"{path}: {name} is {queries} x {keys}, expected one row per key")
            begin, end = info["data_offsets"]
            f.seek(base + begin)
            values = array.array("f")
            values.frombytes(f.read(end - begin))
            if sys.byteorder != "little":
                values.byteswap()
            out[int(name.split(".")[1])] = (heads, keys, values)
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epsilon", type=float, default=0.3)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()

    # counts[group][layer] = [heads over threshold, heads seen]
    counts = {g: {} for g in GROUPS}
    for folder in args.dirs:
        with open(f"{folder}/report.json") as f:
            segments = [token["segment"] for token in json.load(f)["tokens"]]
        patterns = read_patterns(f"{folder}/taps.safetensors")
        if not patterns:
            sys.exit(f"{folder}: no attention patterns; run analyze with --patterns")
        for group, members in GROUPS.items():
            rows = [q for q, s in enumerate(segments) if members is None or s in members]
            if not rows:
                continue
            for layer, (heads, length, values) in patterns.items():
                tally = counts[group].setdefault(layer, [0, 0])
                for h in range(heads):
                    # Row q of head h starts at (h * length + q) * length; BOS is column 0.
                    score = sum(values[(h * length + q) * length] for q in rows) / len(rows)
                    tally[0] += score > args.epsilon
                    tally[1] += 1

    print(f"share of heads with BOS score > {args.epsilon}, by the queries averaged over "
          f"({len(args.dirs)} sequences)")
    for group, layers in counts.items():
        shares = [layers[l][0] / layers[l][1] for l in sorted(layers)]
        upper = shares[2:] if len(shares) > 2 else shares
        print(f"  {group:8s} " + " ".join(f"{s:.2f}" for s in shares) +
              f"   layers >= 2: {sum(upper) / len(upper):.2f}")


if __name__ == "__main__":
    main()
