// C++ against PyTorch eager on the same model: writes a random ~10 M-parameter Llama
// as a Hugging Face directory (so bench/eager_reference.py loads the very same
// weights into transformers) and prints the median full forward time (logits
// included) for a 300-token prompt. bench/run_eager_compare.sh runs both sides
// alternately and prints the ratio.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "bench/BenchModels.h"
#include "bench/BenchUtil.h"
#include "core/io/Safetensors.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/WeightLoader.h"

using namespace sinkscope;

namespace {

void writeModel(LlamaForCausalLM& model, const LlamaConfig& c, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.json") << c.toJsonText();
  SafetensorsWriter writer;
  writer.setMetadata("format", "pt");  // transformers refuses safetensors without it
  WeightLoader::save(*model, writer, "");
  writer.write(dir + "/model.safetensors");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sinkscope-bench-eager MODEL_DIR [tokens] [rounds]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int tokens = argc > 2 ? std::atoi(argv[2]) : 300;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 15;
  const auto config = bench::smallBenchConfig();
  if (!std::filesystem::exists(dir + "/model.safetensors")) {
    torch::manual_seed(0);
    LlamaForCausalLM fresh(config);
    writeModel(fresh, config, dir);
  }
  auto model = LlamaForCausalLM::fromPretrained(dir);
  model->eval();
  c10::InferenceMode guard;
  torch::manual_seed(1);
  auto input = LlamaInput::ids(torch::randint(config.vocabSize, {1, tokens}, torch::kLong));
  const double ms = bench::medianMs([&] { model->forward(input); }, rounds);
  std::printf("cpp_forward_ms %.3f tokens %d threads %d\n", ms, tokens, at::get_num_threads());
  return 0;
}
