#pragma once

// Header-only on purpose (see TensorFixtures.h): only the trainer tests pay for
// LibTorch. Builds, in a scratch folder, a miniature of the corpus generator's
// output (docs/corpus.md: shards/{split}-NNNN.safetensors, noise/babble.wav) and of
// the parts the AVSR stage starts from (a tiny Llama export with its tokenizer).

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/corpus/WavFile.h"
#include "core/io/Safetensors.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/ModelDirectoryWriter.h"
#include "core/text/BpeTrainer.h"

namespace sinkscope::test {

class TinyAvCorpus {
 public:
  static std::vector<std::string> sentences() {
    return {"the cat sat on a mat", "a dog ran home",       "we saw it there", "they went home after rain",
            "one two three",        "the old red door",     "it was not big",  "a small green field",
            "then they saw a cat",  "the new house is big", "four five",       "we ran to the door"};
  }

  // `count` utterances of one split in shards of `perShard`, each 20-40 frames of
  // tones that follow the transcript's letters and mouth frames of smooth noise.
  static void writeSplit(const std::filesystem::path& corpus, const std::string& split, int count, int perShard,
                         std::uint32_t seed) {
    std::filesystem::create_directories(corpus / "shards");
    std::mt19937 rng(seed);
    const auto texts = sentences();
    int shardIndex = 0;
    for (int first = 0; first < count; first += perShard, ++shardIndex) {
      const int n = std::min(perShard, count - first);
      std::vector<std::int16_t> audio;
      std::vector<std::uint8_t> rois;
      std::vector<std::int64_t> audioOffsets = {0}, roiOffsets = {0};
      nlohmann::json ids = nlohmann::json::array(), textList = nlohmann::json::array(),
                     voices = nlohmann::json::array(), sources = nlohmann::json::array();
      for (int i = 0; i < n; ++i) {
        const std::string text = texts[static_cast<std::size_t>(first + i) % texts.size()];
        const int frames = 20 + static_cast<int>(rng() % 21);
        const int samples = frames * 640;
        for (int s = 0; s < samples; ++s) {
          const char letter = text[static_cast<std::size_t>(s) * text.size() / static_cast<std::size_t>(samples)];
          const double hz = 200.0 + 40.0 * (letter == ' ' ? 0 : letter - 'a');
          const double value = 6000.0 * std::sin(2.0 * M_PI * hz * s / 16000.0) + static_cast<double>(rng() % 200) - 100.0;
          audio.push_back(static_cast<std::int16_t>(value));
        }
        for (int f = 0; f < frames; ++f) {
          for (int p = 0; p < 96 * 96; ++p) rois.push_back(static_cast<std::uint8_t>(96 + (p % 96) + rng() % 32));
        }
        audioOffsets.push_back(static_cast<std::int64_t>(audio.size()));
        roiOffsets.push_back(static_cast<std::int64_t>(rois.size() / (96 * 96)));
        char id[32];
        std::snprintf(id, sizeof(id), "%s/%06d", split.c_str(), first + i);
        ids.push_back(id);
        textList.push_back(text);
        voices.push_back("tone");
        sources.push_back("test");
      }
      SafetensorsWriter writer;
      writer.add("audio", DType::I16, {static_cast<std::int64_t>(audio.size())}, audio.data(), audio.size() * 2);
      writer.add("audio_offsets", DType::I64, {static_cast<std::int64_t>(audioOffsets.size())}, audioOffsets.data(),
                 audioOffsets.size() * 8);
      writer.add("rois", DType::U8, {roiOffsets.back(), 96, 96}, rois.data(), rois.size());
      writer.add("roi_offsets", DType::I64, {static_cast<std::int64_t>(roiOffsets.size())}, roiOffsets.data(),
                 roiOffsets.size() * 8);
      writer.setMetadata("format", "sinkscope-corpus-shard/1");
      writer.setMetadata("sample_rate_hz", "16000");
      writer.setMetadata("fps", "25");
      writer.setMetadata("ids", ids.dump());
      writer.setMetadata("texts", textList.dump());
      writer.setMetadata("voices", voices.dump());
      writer.setMetadata("sources", sources.dump());
      char name[64];
      std::snprintf(name, sizeof(name), "%s-%04d.safetensors", split.c_str(), shardIndex);
      writer.write((corpus / "shards" / name).string());
    }
  }

  // train (12 utterances, 2 shards), valid (4) and noise/babble.wav.
  static void write(const std::filesystem::path& corpus) {
    writeSplit(corpus, "train", 12, 6, 1);
    writeSplit(corpus, "valid", 4, 6, 2);
    std::filesystem::create_directories(corpus / "noise");
    std::mt19937 rng(3);
    std::vector<std::int16_t> babble(32000);
    for (auto& s : babble) s = static_cast<std::int16_t>(static_cast<int>(rng() % 6000) - 3000);
    corpus::WavFile::write((corpus / "noise" / "babble.wav").string(), babble, 16000);
  }

  // A tiny random Llama (2 layers x 32) with a BPE tokenizer trained on the
  // sentences (the delimiters and <pad> among its added tokens), as an lm export.
  static void writeLlm(const std::filesystem::path& directory) {
    BpeTrainerOptions options;
    options.vocabSize = 300;
    options.minFrequency = 1;
    BpeTrainer trainer(options);
    for (const auto& s : sentences()) trainer.addText(s);
    const Tokenizer tokenizer = trainer.trainTokenizer();
    LlamaConfig config;
    config.vocabSize = tokenizer.vocabSize();
    config.hiddenSize = 32;
    config.intermediateSize = 64;
    config.numHiddenLayers = 2;
    config.numAttentionHeads = 2;
    config.numKeyValueHeads = 2;
    config.headDim = 16;
    config.maxPositionEmbeddings = 512;
    config.bosTokenId = *tokenizer.tokenId("<|begin_of_text|>");
    config.eosTokenIds = {*tokenizer.tokenId("<|end_of_text|>")};
    torch::manual_seed(5);
    LlamaForCausalLM llm(config);
    ModelDirectoryWriter::writeLlm(directory.string(), *llm, tokenizer, torch::kFloat32);
  }
};

}  // namespace sinkscope::test
