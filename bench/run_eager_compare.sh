#!/usr/bin/env bash
# C++ / PyTorch eager on one random model, alternating the two sides three times so a
# noisy phase of the shared machine hits both; prints each median and the ratio of
# the medians over all rounds. Needs a Python with torch and transformers (PYTHON).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SINKSCOPE_BUILD_DIR:-$root/build}
python=${PYTHON:-python3}
dir=${1:-$(mktemp -d)/bench-llama}
tokens=${TOKENS:-300}
threads=$("$python" -c 'import torch; print(torch.get_num_threads())')
cpp=() eager=()
for round in 1 2 3; do
  cpp+=("$("$build/bench/sinkscope-bench-eager" "$dir" "$tokens" 10 | awk '{print $2}')")
  eager+=("$("$python" "$root/bench/eager_reference.py" "$dir" "$tokens" 10 "$threads" | awk '{print $2}')")
done
"$python" - "${cpp[*]}" "${eager[*]}" <<'PY'
import statistics, sys
cpp = [float(x) for x in sys.argv[1].split()]
eager = [float(x) for x in sys.argv[2].split()]
print("C++ forward ms   ", cpp)
print("eager forward ms ", eager)
print(f"ratio C++ / eager = {statistics.median(cpp) / statistics.median(eager):.3f}")
PY
