// Capture memory of the analysis specs on a random-initialised Llama of about 1 B
// parameters (Llama-3.2-1B's shape with a 32 k vocabulary) over 1 000 tokens: the
// bytes each CaptureSpec copies out of one pass, and the process's peak RSS.
//   sinkscope-bench-capturememory [tokens=1000] [layers=16] [hidden=2048]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/model/LlamaForCausalLM.h"

using namespace sinkscope;

namespace {

double peakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  const int tokens = argc > 1 ? std::atoi(argv[1]) : 1000;
  LlamaConfig config;
  config.numHiddenLayers = argc > 2 ? std::atoi(argv[2]) : 16;
  config.hiddenSize = argc > 3 ? std::atoi(argv[3]) : 2048;
  config.vocabSize = 32000;
  config.intermediateSize = config.hiddenSize * 4;
  config.numAttentionHeads = static_cast<int>(config.hiddenSize / 64);
  config.numKeyValueHeads = std::max(1, config.numAttentionHeads / 4);
  config.headDim = 64;
  config.maxPositionEmbeddings = std::max(2048, tokens);
  config.tieWordEmbeddings = true;
  config.bosTokenId = 1;
  config.eosTokenIds = {2};
  torch::manual_seed(0);

  const auto buildStart = std::chrono::steady_clock::now();
  LlamaForCausalLM model(config);
  model->eval();
  std::int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  const double buildS = std::chrono::duration<double>(std::chrono::steady_clock::now() - buildStart).count();
  const double rssModel = peakRssMb();

  // One pass with the union of the specs; each spec's share is what it would copy.
  const CaptureSpec everyTap = CaptureSpec::fromList(
      "hook_embed,blocks.*.attn.hook_received,blocks.*.hook_resid_post,blocks.*.hook_mlp_out,blocks.*.hook_attn_out");
  torch::Tensor ids = torch::randint(3, config.vocabSize, {1, tokens}, torch::kLong);
  ids[0][0] = config.bosTokenId;
  const auto passStart = std::chrono::steady_clock::now();
  const auto taps = model->capture(LlamaInput::ids(ids), everyTap);
  const double passS = std::chrono::duration<double>(std::chrono::steady_clock::now() - passStart).count();

  const std::vector<std::pair<std::string, CaptureSpec>> specs = {
      {"analysisDefault", CaptureSpec::analysisDefault()},
      {"analysisWithOrigins", CaptureSpec::analysisWithOrigins()},
      {"previous default (+ hook_mlp_out + hook_attn_out)", everyTap}};
  std::printf("capture memory: %.3f B parameters (%d layers, hidden %lld, %d heads), %d tokens\n",
              static_cast<double>(params) / 1e9, config.numHiddenLayers, static_cast<long long>(config.hiddenSize),
              config.numAttentionHeads, tokens);
  std::printf("  model built in %.1f s (peak RSS %.0f MB); capture pass %.1f s; peak RSS after %.0f MB\n", buildS,
              rssModel, passS, peakRssMb());
  for (const auto& [name, spec] : specs) {
    double bytes = 0;
    int count = 0;
    for (const auto& [tap, tensor] : taps) {
      if (!spec.wants(tap)) continue;
      bytes += static_cast<double>(tensor.numel()) * sizeof(float);
      ++count;
    }
    std::printf("  %-50s %4d taps %9.1f MB (%.1f MiB)\n", name.c_str(), count, bytes / 1e6, bytes / (1024.0 * 1024.0));
  }
  return 0;
}
