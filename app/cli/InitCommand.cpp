// sinkscope-cli init --out DIR --tokenizer FILE [--seed N]: a random-initialised
// composite AVSR model in the directory format AvsrModel reads. It is what the app
// starts on until trained models exist, and it says so in its card and name.

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/cli/CliCommand.h"
#include "core/model/ModelDirectoryWriter.h"

namespace sinkscope::cli {

namespace {

const char* kAddedTokens[] = {"<audio>", "</audio>", "<video>", "</video>", "<pad>"};

int runInit(const CliArgs& args) {
  const std::string out = args.require("out");
  Tokenizer tokenizer = Tokenizer::fromFile(args.require("tokenizer"));
  for (const char* token : kAddedTokens) tokenizer.addToken(token, true);
  torch::manual_seed(static_cast<std::uint64_t>(args.getInt("seed", 0)));
  const auto dtype = Runtime::parseDtype(args.get("dtype", "fp32"));

  LlamaConfig llmConfig;
  llmConfig.vocabSize = tokenizer.vocabSize();
  llmConfig.hiddenSize = 256;
  llmConfig.intermediateSize = 704;
  llmConfig.numHiddenLayers = 4;
  llmConfig.numAttentionHeads = 4;
  llmConfig.numKeyValueHeads = 2;
  llmConfig.headDim = 64;
  llmConfig.maxPositionEmbeddings = 1024;
  llmConfig.rmsNormEps = 1e-5;
  llmConfig.bosTokenId = tokenizer.bosId().value_or(0);
  llmConfig.eosTokenIds = tokenizer.eosIds().empty() ? std::vector<std::int64_t>{0} : tokenizer.eosIds();
  llmConfig.lora.reduction = 8;
  llmConfig.lora.alpha = 8;
  LlamaForCausalLM llm(llmConfig);

  WhisperEncoderConfig audioConfig;
  audioConfig.dModel = 128;
  audioConfig.numLayers = 2;
  audioConfig.numHeads = 2;
  audioConfig.ffnDim = 512;
  WhisperEncoder audioEncoder(audioConfig);

  VideoEncoderConfig videoConfig;
  videoConfig.numLayers = 2;
  videoConfig.embedDim = 128;
  videoConfig.ffnDim = 512;
  videoConfig.numHeads = 2;
  videoConfig.convPosKernel = 16;
  videoConfig.frontendChannels = 16;
  videoConfig.trunkWidths = {16, 32, 64, 128};
  videoConfig.trunkBlocks = {1, 1, 1, 1};
  VideoEncoder videoEncoder(videoConfig);

  AvsrConfig config;
  config.name = args.get("name", "random-init-avsr");
  config.description = "random-initialised, untrained: transcripts are meaningless";
  config.llmPart = "llm";
  config.audioEncoderPart = "audio_encoder";
  config.videoEncoderPart = "video_encoder";
  config.audioCompressionRate = 4;
  config.videoCompressionRate = 2;
  config.lora = llmConfig.lora;
  config.defaultModality = Modality::Avsr;
  // Shaped like the models sinkscope trains, whose small encoders see unpadded
  // utterances; Whisper's 30 s padding is for converted Whisper encoders.
  config.audioPadSeconds = 0.0;

  ProjectorOptions audioOptions;
  audioOptions.inputDim = audioConfig.dModel * config.audioCompressionRate;
  audioOptions.hiddenDim = 256;
  audioOptions.outputDim = static_cast<int>(llmConfig.hiddenSize);
  Projector audioProjector(audioOptions);
  ProjectorOptions videoOptions = audioOptions;
  videoOptions.inputDim = videoConfig.embedDim * config.videoCompressionRate;
  Projector videoProjector(videoOptions);

  const std::filesystem::path dir(out);
  ModelDirectoryWriter::writeLlm((dir / "llm").string(), *llm, tokenizer, dtype);
  ModelDirectoryWriter::writeWhisperEncoder((dir / "audio_encoder").string(), audioEncoder, dtype);
  ModelDirectoryWriter::writeVideoEncoder((dir / "video_encoder").string(), videoEncoder, dtype);
  ModelDirectoryWriter::writeComposite(out, config, *llm, &audioProjector, &videoProjector, dtype);
  std::ofstream(dir / "README.md")
      << "# " << config.name << "\n\n"
      << "Random-initialised and untrained (seed " << args.getInt("seed", 0)
      << "): a stand-in so sinkscope runs end to end before trained demo models exist. Its transcripts are "
         "meaningless; its attention and activations show what an untrained network looks like.\n\n"
      << "Made by `sinkscope-cli init --out DIR --tokenizer FILE --seed N`.\n";
  std::cout << out << ": random-initialised AVSR model written\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"init", "--out DIR --tokenizer FILE [--seed N] [--name NAME] [--dtype T]", runInit}};

}  // namespace

}  // namespace sinkscope::cli
