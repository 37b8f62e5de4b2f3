// Capture overhead: the same prefill with nothing captured, with the analysis
// default (embeddings, residual stream, attention received per key),
// and with full [H, T, T] patterns for every layer, on a ~10 M-parameter decoder with
// 300 tokens. Prints the ratios capture-on / capture-off from one run.
#include <cstdio>
#include <cstdlib>

#include <torch/torch.h>

#include "bench/BenchModels.h"
#include "bench/BenchUtil.h"
#include "core/base/CaptureSpec.h"
#include "core/model/LlamaForCausalLM.h"

using namespace sinkscope;

int main(int argc, char** argv) {
  const int tokens = argc > 1 ? std::atoi(argv[1]) : 300;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
  torch::manual_seed(0);

  const LlamaConfig config = bench::smallBenchConfig();
  LlamaForCausalLM model(config);
  model->eval();
  std::int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();

  c10::InferenceMode guard;
  auto input = LlamaInput::ids(torch::randint(config.vocabSize, {1, tokens}, torch::kLong));
  const auto off = CaptureSpec::none();
  const auto reduced = CaptureSpec::analysisDefault();
  const auto full = CaptureSpec::fromList(
      "hook_embed,blocks.*.attn.hook_pattern,blocks.*.hook_resid_post,blocks.*.hook_mlp_out,"
      "blocks.*.hook_attn_out,ln_final.hook_normalized");

  auto ms = bench::interleavedMedianMs(
      {[&] { model->capture(input, off); }, [&] { model->capture(input, reduced); },
       [&] { model->capture(input, full); }},
      rounds);
  std::printf("capture bench: %.1f M parameters, %d tokens, %d threads, median of %d rounds\n",
              params / 1e6, tokens, at::get_num_threads(), rounds);
  std::printf("  off      %8.2f ms\n  reduced  %8.2f ms  ratio %.3f\n  full     %8.2f ms  ratio %.3f\n",
              ms[0], ms[1], ms[1] / ms[0], ms[2], ms[2] / ms[0]);
  return 0;
}
