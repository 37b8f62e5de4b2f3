#!/usr/bin/env bash
# Run HERE (the CPU machine), before scripts/gpu_pretrain.sh is sent to a lent GPU
# machine. That machine has PyTorch (with its LibTorch), CMake, ninja and nvcc, but
# no nlohmann_json, WordNet or fortunes and no network. This puts what it lacks
# under .deps/ (git-ignored, ~12 MB), which the device tool must carry:
#   .deps/include/nlohmann/   the system's header-only JSON library
#   .deps/data/corpus.txt     the lower-cased sentence corpus (configs/lm-small.json's sources)
#   .deps/data/tokenizer.json the byte-level BPE trained on it (same as a CPU run's)
# Then: run(command="bash scripts/gpu_pretrain.sh", carry=[".deps"], timeout_s=600).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}

mkdir -p .deps/include .deps/data
rm -rf .deps/include/nlohmann
cp -r /usr/include/nlohmann .deps/include/

if [ ! -d "$build" ]; then cmake -S . -B "$build" -G Ninja; fi
ninja -C "$build" -j2 sinkscope-train
prep=.deps/prepare
"$build"/app/train/sinkscope-train --config configs/lm-small.json --prepare-only --set "out_dir=$prep"
cp "$prep/corpus.txt" "$prep/tokenizer.json" .deps/data/
rm -rf "$prep"
du -sh .deps
