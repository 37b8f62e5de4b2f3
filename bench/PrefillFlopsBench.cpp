// Prefill efficiency: achieved FLOP/s of a decoder prefill on a larger random Llama,
// divided by the FLOP/s of a plain torch::mm of the decoder's dominant shape
// ([T, D] x [D, F], the MLP projections) in the same process and run.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <torch/torch.h>

#include "bench/BenchUtil.h"
#include "core/base/CaptureSpec.h"
#include "core/model/LlamaForCausalLM.h"

using namespace sinkscope;

int main(int argc, char** argv) {
  const std::int64_t tokens = argc > 1 ? std::atoi(argv[1]) : 512;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  torch::manual_seed(0);

  LlamaConfig config;
  config.vocabSize = 8192;
  config.hiddenSize = 1024;
  config.intermediateSize = 2816;
  config.numHiddenLayers = 8;
  config.numAttentionHeads = 16;
  config.numKeyValueHeads = 8;
  config.headDim = 64;
  config.maxPositionEmbeddings = 2048;
  LlamaForCausalLM model(config);
  model->eval();

  c10::InferenceMode guard;
  auto input = LlamaInput::ids(torch::randint(config.vocabSize, {1, tokens}, torch::kLong));
  const auto none = CaptureSpec::none();

  const double d = static_cast<double>(config.hiddenSize);
  const double f = static_cast<double>(config.intermediateSize);
  const double kv = static_cast<double>(config.numKeyValueHeads * config.headDim);
  const double t = static_cast<double>(tokens);
  // Multiply-adds actually performed: projections q, k, v, o; SwiGLU's three
  // matrices; scores and weighted values over the (query, key) pairs computed. From
  // 128 tokens on, LlamaAttention takes the queries in blocks of 64, each against the
  // keys it can see; the diagonal blocks' masked pairs are still computed.
  double pairs = t * t;
  if (tokens >= 128) {
    pairs = 0;
    for (std::int64_t start = 0; start < tokens; start += 64) {
      const double rows = static_cast<double>(std::min<std::int64_t>(64, tokens - start));
      pairs += rows * (static_cast<double>(start) + rows);
    }
  }
  const double perLayer = 2.0 * t * (d * d * 2 + d * kv * 2 + 3 * d * f) + 4.0 * pairs * d;
  const double modelFlops = perLayer * config.numHiddenLayers;

  auto a = torch::randn({tokens, config.hiddenSize});
  auto b = torch::randn({config.hiddenSize, config.intermediateSize});
  const double mmFlops = 2.0 * t * d * f;

  auto ms = bench::interleavedMedianMs(
      {[&] { model->capture(input, none); }, [&] { torch::mm(a, b); }}, rounds);
  const double modelRate = modelFlops / (ms[0] / 1e3);
  const double mmRate = mmFlops / (ms[1] / 1e3);
  std::printf("prefill FLOP/s bench: %d layers x %lld, %lld tokens, %d threads\n",
              config.numHiddenLayers, static_cast<long long>(config.hiddenSize),
              static_cast<long long>(tokens), at::get_num_threads());
  std::printf("  prefill  %8.1f ms  %6.1f GFLOP/s\n  torch::mm %7.2f ms  %6.1f GFLOP/s\n"
              "  ratio prefill / mm = %.2f\n",
              ms[0], modelRate / 1e9, ms[1], mmRate / 1e9, modelRate / mmRate);
  return 0;
}
