#!/usr/bin/env bash
# Runs ON a lent GPU machine (the device tool), from the repository root, after
# scripts/gpu_prepare.sh ran here and with .deps carried:
#   run(command="bash scripts/gpu_pretrain.sh", carry=[".deps"], timeout_s=600)
# It builds sinkscope-train against the machine's PyTorch LibTorch in the
# LibTorch-only mode, pretrains configs/lm-small-gpu.json on CUDA for MINUTES
# minutes (default 5; the schedule is fitted to that budget), and packs the export
# (HF directory, bf16), train.csv, probe.csv and the log into
# $OUT/lm-small-gpu.tar.gz.part-* (15 MiB pieces, the device tool's file limit):
#   cat lm-small-gpu.tar.gz.part-* | tar xz
# Environment: MINUTES, JOBS (build jobs, default 16), OUT (default ./out-gpu).
set -uo pipefail
minutes=${MINUTES:-5}
jobs=${JOBS:-16}
out=${OUT:-$PWD/out-gpu}
mkdir -p "$out"
exec > >(tee "$out/gpu_pretrain.log") 2>&1

run=runs/lm-small-gpu
pack() {
  local files=()
  for f in export train.csv probe.csv train_config.json; do [ -e "$run/$f" ] && files+=("$f"); done
  cp "$out/gpu_pretrain.log" "$run/" 2>/dev/null && files+=(gpu_pretrain.log)
  tar czf - -C "$run" "${files[@]}" | split -b 15m - "$out/lm-small-gpu.tar.gz.part-"
  ls -l "$out"
}

for f in .deps/include/nlohmann/json.hpp .deps/data/corpus.txt .deps/data/tokenizer.json; do
  if [ ! -f "$f" ]; then echo "missing $f: run scripts/gpu_prepare.sh first and carry .deps"; exit 1; fi
done
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true

# PyTorch's own CMake package; torch >= 2.13 headers need C++20.
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)') || exit 1
cxx_std=$(python3 -c 'import torch; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); print(20 if v >= (2, 13) else 17)')
echo "torch $(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)') at $torch_prefix, C++$cxx_std"

start=$(date +%s)
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DSINKSCOPE_TRAINER_ONLY=ON -DSINKSCOPE_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix" -DNLOHMANN_JSON_INCLUDE_DIR="$PWD/.deps/include" \
  -DCMAKE_CXX_STANDARD="$cxx_std" -DTORCH_CUDA_ARCH_LIST=9.0 || exit 1
ninja -C build-gpu -j"$jobs" sinkscope-train || exit 1
echo "build took $(( $(date +%s) - start )) s"

build-gpu/app/train/sinkscope-train --config configs/lm-small-gpu.json --set "train.max_wall_minutes=$minutes"
status=$?
echo "sinkscope-train exit status $status after $(( $(date +%s) - start )) s"
pack
exit $status
