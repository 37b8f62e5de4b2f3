"""PyTorch eager side of the C++ vs eager benchmark: loads the directory written by
sinkscope-bench-eager into transformers' LlamaForCausalLM (eager attention) and prints
the median full forward time for the same prompt length and thread count."""
import statistics
import sys
import time

import torch
from transformers import LlamaForCausalLM


def main():
    model_dir, tokens, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else torch.get_num_threads()
    torch.set_num_threads(threads)
    model = LlamaForCausalLM.from_pretrained(model_dir, attn_implementation="eager").eval()
    ids = torch.randint(model.config.vocab_size, (1, tokens), generator=torch.Generator().manual_seed(1))
    times = []
    with torch.inference_mode():
        for i in range(rounds + 2):
            start = time.perf_counter()
            model(ids)
            if i >= 2:
                times.append((time.perf_counter() - start) * 1e3)
    print(f"eager_forward_ms {statistics.median(times):.3f} tokens {tokens} threads {threads}")


if __name__ == "__main__":
    main()
