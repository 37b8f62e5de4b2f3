// sinkscope-cli info --model DIR: a JSON summary of a model directory (DESIGN §6).

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/CliCommand.h"
#include "app/cli/ModelOptions.h"

namespace sinkscope::cli {

namespace {

std::int64_t countParameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

nlohmann::json llmSummary(AvsrModel& model) {
  const LlamaConfig& c = model.llm()->config();
  nlohmann::json j = {{"layers", c.numHiddenLayers},
                      {"hidden_size", c.hiddenSize},
                      {"intermediate_size", c.intermediateSize},
                      {"heads", c.numAttentionHeads},
                      {"kv_heads", c.numKeyValueHeads},
                      {"head_dim", c.headDim},
                      {"vocab_size", c.vocabSize},
                      {"tied_embeddings", c.tieWordEmbeddings},
                      {"rope_theta", c.ropeTheta},
                      {"parameters", countParameters(*model.llm())}};
  if (c.lora.enabled()) j["lora"] = {{"reduction", c.lora.reduction}, {"alpha", c.lora.alpha}};
  return j;
}

int runInfo(const CliArgs& args) {
  auto model = loadModelFromArgs(args);
  nlohmann::json j;
  j["name"] = model->name();
  j["directory"] = model->directory();
  j["kind"] = model->isTextOnly() ? "text" : "avsr";
  nlohmann::json modalities = nlohmann::json::array();
  for (auto m : model->modalities()) modalities.push_back(modalityName(m));
  j["modalities"] = modalities;
  j["default_modality"] = modalityName(model->defaultModality());
  j["device"] = model->runtime().device.str();
  j["dtype"] = Runtime::dtypeName(model->runtime().dtype);
  j["llm"] = llmSummary(*model);
  std::int64_t total = countParameters(*model->llm());
  if (const Tokenizer* tokenizer = model->tokenizer()) {
    j["tokenizer"] = {{"vocab_size", tokenizer->vocabSize()}, {"bos_id", model->bosId()}};
  }
  if (const auto& config = model->composite()) {
    if (auto audio = model->audioEncoder()) {
      const auto& c = audio->config();
      j["audio_encoder"] = {{"type", "whisper"},        {"layers", c.numLayers}, {"d_model", c.dModel},
                            {"heads", c.numHeads},       {"mel_bins", c.numMelBins},
                            {"parameters", countParameters(*audio)},
                            {"compression", {{"mode", Compression::modeName(config->audioCompressionMode)},
                                             {"rate", config->audioCompressionRate}}},
                            {"tokens_per_second", 50.0 / config->audioCompressionRate}};
      total += countParameters(*audio) + countParameters(*model->audioProjector());
    }
    if (auto video = model->videoEncoder()) {
      const auto& c = video->config();
      j["video_encoder"] = {{"type", "avhubert"},  {"layers", c.numLayers}, {"embed_dim", c.embedDim},
                            {"heads", c.numHeads}, {"parameters", countParameters(*video)},
                            {"compression", {{"mode", Compression::modeName(config->videoCompressionMode)},
                                             {"rate", config->videoCompressionRate}}},
                            {"tokens_per_second", 25.0 / config->videoCompressionRate}};
      total += countParameters(*video) + countParameters(*model->videoProjector());
    }
    nlohmann::json prompts;
    for (const auto& [m, text] : config->prompts) prompts[modalityName(m)] = text;
    j["prompts"] = prompts;
    j["generation"] = {{"num_beams", config->numBeams}, {"max_new_tokens", config->maxNewTokens}};
  }
  // A model card next to the weights says what the model is (e.g. that the default
  // model is random-initialised, not trained); info repeats its first paragraph line.
  std::ifstream card(model->directory() + "/README.md");
  std::string line;
  while (std::getline(card, line)) {
    if (line.empty() || line[0] == '#') continue;
    j["card"] = line;
    break;
  }
  j["parameters"] = total;
  std::cout << j.dump(2) << "\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"info", "--model DIR [--device D] [--dtype T]", runInfo}};

}  // namespace

}  // namespace sinkscope::cli
