#include "core/model/AvsrModel.h"

#include <algorithm>

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/model/ConfigReader.h"
#include "core/model/EncoderTaps.h"
#include "core/model/TraceBuilder.h"
#include "core/model/WeightLoader.h"
#include "core/model/WhisperFeatures.h"

namespace sinkscope {

namespace fs = std::filesystem;

namespace {

constexpr double kAudioFramesPerSecond = 50.0;  // Whisper encoder output rate
constexpr double kVideoFramesPerSecond = 25.0;

// LoRA branches live in the composite's own weights, the frozen base in the LLM part.
const std::vector<std::string> kLoraGlobs = {"*.lora_*"};

void checkProjector(const ProjectorOptions& options, std::int64_t expectedIn, std::int64_t expectedOut,
                    const std::string& file, const std::string& prefix) {
  if (options.inputDim != expectedIn || options.outputDim != expectedOut) {
    throw ShapeError(file + ": " + prefix + "*: projector maps " + std::to_string(options.inputDim) +
                     " -> " + std::to_string(options.outputDim) + ", but the encoder and compression give " +
                     std::to_string(expectedIn) + " and the LLM's hidden size is " + std::to_string(expectedOut));
  }
}

TraceToken token(std::int64_t id, std::string text, Segment segment, double start = -1.0, double end = -1.0) {
  TraceToken t;
  t.id = id;
  t.text = std::move(text);
  t.segment = segment;
  t.startSec = start;
  t.endSec = end;
  return t;
}

}  // namespace

std::shared_ptr<AvsrModel> AvsrModel::load(const std::string& directory, const Runtime& runtime) {
  const fs::path dir(directory);
  if (!fs::is_directory(dir)) throw ConfigError(directory + ": not a model directory");
  std::shared_ptr<AvsrModel> model(new AvsrModel());
  model->runtime_ = runtime;
  model->directory_ = fs::weakly_canonical(dir).string();
  model->name_ = fs::path(model->directory_).filename().string();
  if (AvsrConfig::isComposite(directory)) {
    model->loadComposite(directory);
    return model;
  }

  const std::string configPath = (dir / "config.json").string();
  const nlohmann::json json = ConfigReader::readFile(configPath);
  const std::string type = json.is_object() ? json.value("model_type", std::string()) : std::string();
  if (type == "whisper") {
    throw ConfigError(configPath + ": model_type \"whisper\" is an audio encoder; use it as the "
                      "audio_encoder part of a composite model (text mode needs a Llama-family LLM)");
  }
  model->llm_ = LlamaForCausalLM::fromPretrained(directory, runtime);
  const fs::path tokenizerPath = dir / "tokenizer.json";
  if (fs::exists(tokenizerPath)) {
    model->tokenizer_ = Tokenizer::fromFile(tokenizerPath.string());
    if (model->tokenizer_->vocabSize() > model->llm_->config().vocabSize) {
      throw ShapeError(tokenizerPath.string() + ": vocabulary of " +
                       std::to_string(model->tokenizer_->vocabSize()) + " tokens exceeds vocab_size " +
                       std::to_string(model->llm_->config().vocabSize) + " of " + configPath);
    }
  }
  return model;
}

void AvsrModel::loadComposite(const std::string& directory) {
  composite_ = AvsrConfig::fromDirectory(directory);
  const AvsrConfig& config = *composite_;
  name_ = config.name;

  LlamaConfig llmConfig = LlamaConfig::fromJson(config.llmPath + "/config.json");
  if (config.lora.enabled()) llmConfig.lora = config.lora;
  llm_ = LlamaForCausalLM(llmConfig);
  const SafetensorsSet own = SafetensorsSet::openFile(config.weightsPath);
  llm_->loadWeights(SafetensorsSet::openDirectory(config.llmPath), "", runtime_, kLoraGlobs);
  if (config.lora.enabled()) llm_->loadWeights(own, "llm.", runtime_, {}, kLoraGlobs);
  llm_->eval();

  const std::string tokenizerPath = config.llmPath + "/tokenizer.json";
  tokenizer_ = Tokenizer::fromFile(tokenizerPath);
  for (const auto& added : {config.audioStartToken, config.audioEndToken, config.videoStartToken,
                            config.videoEndToken}) {
    const std::int64_t id = requireTokenId(added);
    if (id >= llmConfig.vocabSize) {
      throw ShapeError(tokenizerPath + ": added token " + added + " has id " + std::to_string(id) +
                       " beyond the " + std::to_string(llmConfig.vocabSize) + " embedding rows of " +
                       config.llmPath);
    }
  }
  if (tokenizer_->vocabSize() > llmConfig.vocabSize) {
    throw ShapeError(tokenizerPath + ": vocabulary of " + std::to_string(tokenizer_->vocabSize()) +
                     " tokens exceeds vocab_size " + std::to_string(llmConfig.vocabSize) + " of " +
                     config.llmPath + "/config.json");
  }
  const auto eos = tokenizer_->eosIds().empty() ? llmConfig.eosTokenIds : tokenizer_->eosIds();
  for (const auto id : config.suppressTokens) {
    if (id >= llmConfig.vocabSize)
      throw ConfigError(directory + "/config.json: key 'generation.suppress_tokens': id " + std::to_string(id) +
                        " is beyond the " + std::to_string(llmConfig.vocabSize) + " ids of " + config.llmPath);
    if (std::find(eos.begin(), eos.end(), id) != eos.end())
      throw ConfigError(directory + "/config.json: key 'generation.suppress_tokens': id " + std::to_string(id) +
                        " ends a text and cannot be suppressed");
  }

  if (!config.audioEncoderPath.empty()) {
    audioEncoder_ = WhisperEncoder::load(config.audioEncoderPath, runtime_);
    logMel_ = std::make_unique<LogMel>(audioEncoder_->config().numMelBins);
    const Compression compression(config.audioCompressionMode, config.audioCompressionRate);
    auto options = Projector::optionsFromWeights(own, "audio_proj.");
    checkProjector(options, compression.outputDim(audioEncoder_->config().dModel), llmConfig.hiddenSize,
                   config.weightsPath, "audio_proj.");
    audioProjector_ = Projector::load(options, own, "audio_proj.", runtime_);
  }
  if (!config.videoEncoderPath.empty()) {
    videoEncoder_ = VideoEncoder::load(config.videoEncoderPath, runtime_);
    const Compression compression(config.videoCompressionMode, config.videoCompressionRate);
    auto options = Projector::optionsFromWeights(own, "video_proj.");
    checkProjector(options, compression.outputDim(videoEncoder_->config().embedDim), llmConfig.hiddenSize,
                   config.weightsPath, "video_proj.");
    videoProjector_ = Projector::load(options, own, "video_proj.", runtime_);
  }
}

std::vector<Modality> AvsrModel::modalities() const {
  return composite_ ? composite_->modalities : std::vector<Modality>{Modality::Text};
}

Modality AvsrModel::defaultModality() const {
  return composite_ ? composite_->defaultModality : Modality::Text;
}

std::int64_t AvsrModel::bosId() const {
  if (tokenizer_ && tokenizer_->bosId()) return *tokenizer_->bosId();
  return llm_->config().bosTokenId;
}

std::string AvsrModel::pieceOf(std::int64_t id) const {
  if (tokenizer_ && id >= 0 && id < tokenizer_->vocabSize()) return tokenizer_->tokenText(id);
  return std::to_string(id);
}

std::vector<std::int64_t> AvsrModel::encodeText(const std::string& text, bool addSpecialTokens) const {
  if (!tokenizer_) throw ConfigError(directory_ + ": no tokenizer.json, so text cannot be encoded (give token ids)");
  return tokenizer_->encode(text, addSpecialTokens);
}

std::int64_t AvsrModel::requireTokenId(const std::string& token) const {
  const auto id = tokenizer_->tokenId(token);
  if (!id) throw ConfigError(tokenizer_->source() + ": lacks the added token " + token);
  return *id;
}

torch::Tensor AvsrModel::embedIds(const std::vector<std::int64_t>& ids) {
  auto tensor = torch::tensor(ids, torch::kLong).unsqueeze(0);  // [1, T]
  return llm_->embed(tensor);                                    // [1, T, D]
}

torch::Tensor AvsrModel::encodeAudio(const torch::Tensor& waveform, const CaptureSpec& spec,
                                     std::map<std::string, HostTensor>& taps) {
  const auto samples = waveform.to(torch::kFloat32).flatten();                    // [N]
  const auto padSamples = static_cast<std::int64_t>(composite_->audioPadSeconds * LogMel::kSampleRateHz);
  const auto features = WhisperFeatures::encoderInput(samples, *logMel_, padSamples);  // [mels, 3000 or N / 160]
  const auto input = features.unsqueeze(0).to(runtime_.device, runtime_.dtype);  // [1, mels, 3000]
  EncoderTaps encoderTaps(spec, WhisperEncoder::kTapPrefix, taps);
  auto hidden = audioEncoder_->forward(input, &encoderTaps);                      // [1, 1500, d]
  hidden = WhisperFeatures::truncateEncoderOutput(hidden, samples.size(0));        // [1, n, d]
  const Compression compression(composite_->audioCompressionMode, composite_->audioCompressionRate);
  EncoderTaps projectorTaps(spec, Projector::kAudioTapPrefix, taps);
  return audioProjector_->forward(compression.apply(hidden), &projectorTaps);    // [1, n / k, D]
}

torch::Tensor AvsrModel::encodeVideo(const torch::Tensor& rois, const CaptureSpec& spec,
                                     std::map<std::string, HostTensor>& taps) {
  const auto input = VideoEncoder::prepareMouthRois(rois).to(runtime_.device, runtime_.dtype);  // [1, 1, F, 88, 88]
  EncoderTaps encoderTaps(spec, VideoEncoder::kTapPrefix, taps);
  const auto hidden = videoEncoder_->forward(input, &encoderTaps);               // [1, F, d]
  const Compression compression(composite_->videoCompressionMode, composite_->videoCompressionRate);
  EncoderTaps projectorTaps(spec, Projector::kVideoTapPrefix, taps);
  return videoProjector_->forward(compression.apply(hidden), &projectorTaps);    // [1, F / k, D]
}

AssembledInput AvsrModel::assemble(const MediaInput& media, Modality modality,
                                   const std::vector<std::int64_t>& response, const CaptureSpec& spec) {
  if (!composite_) throw ConfigError(directory_ + ": a text-only model has no " + modalityName(modality) + " layout");
  if (modality == Modality::Text || !composite_->supports(modality)) {
    throw ConfigError(directory_ + ": model cannot run modality " + modalityName(modality));
  }
  const AvsrConfig& config = *composite_;
  AssembledInput out;
  std::vector<torch::Tensor> pieces;
  auto addIds = [&](const std::vector<std::int64_t>& ids, Segment segment) {
    if (ids.empty()) return;
    pieces.push_back(embedIds(ids));
    for (auto id : ids) out.tokens.push_back(token(id, pieceOf(id), segment));
  };
  // Encoder positions carry their media time span so the views can link a token to
  // its stretch of waveform or its mouth frames.
  auto addFeatures = [&](const torch::Tensor& features, Segment segment, const char* letter, double secondsPerToken) {
    pieces.push_back(features.to(llm_->decoder()->embedWeight().scalar_type()));
    for (std::int64_t i = 0; i < features.size(1); ++i) {
      out.tokens.push_back(token(-1, letter + std::to_string(i), segment, i * secondsPerToken,
                                 (i + 1) * secondsPerToken));
    }
  };

  addIds({bosId()}, Segment::Bos);
  if (usesAudio(modality)) {
    if (!media.waveform.defined() || media.waveform.numel() == 0) {
      throw MediaError("modality " + modalityName(modality) + " needs audio, but the input has none");
    }
    const auto features = encodeAudio(media.waveform, spec, out.encoderTaps);
    addIds({requireTokenId(config.audioStartToken)}, Segment::AudioDelimiter);
    addFeatures(features, Segment::Audio, "A", config.audioCompressionRate / kAudioFramesPerSecond);
    addIds({requireTokenId(config.audioEndToken)}, Segment::AudioDelimiter);
  }
  if (usesVideo(modality)) {
    if (!media.mouthRois.defined() || media.mouthRois.size(0) == 0) {
      throw MediaError("modality " + modalityName(modality) + " needs video with a face, but the input has none");
    }
    const auto features = encodeVideo(media.mouthRois, spec, out.encoderTaps);
    addIds({requireTokenId(config.videoStartToken)}, Segment::VideoDelimiter);
    addFeatures(features, Segment::Video, "V", config.videoCompressionRate / kVideoFramesPerSecond);
    addIds({requireTokenId(config.videoEndToken)}, Segment::VideoDelimiter);
  }
  addIds(tokenizer_->encode(config.prompts.at(modality), false), Segment::Prompt);
  addIds(response, Segment::Response);
  out.embeds = torch::cat(pieces, 1);  // [1, T, D]
  return out;
}

GenerationOptions AvsrModel::defaultGenerationOptions() const {
  GenerationOptions options;
  if (composite_) {
    options.numBeams = composite_->numBeams;
    options.maxNewTokens = composite_->maxNewTokens;
  }
  if (tokenizer_ && !tokenizer_->eosIds().empty()) options.eosTokenIds = tokenizer_->eosIds();

  // A plain LLM continues text; only BOS never belongs in what it writes.
  const auto eos = options.eosTokenIds.empty() ? llm_->config().eosTokenIds : options.eosTokenIds;
  std::vector<std::int64_t> never =
      composite_ ? composite_->idsNeverTranscribed(*tokenizer_, bosId(), eos) : std::vector<std::int64_t>{bosId()};
  const auto vocab = llm_->config().vocabSize;
  for (const auto id : never)
    if (id >= 0 && id < vocab && std::find(eos.begin(), eos.end(), id) == eos.end())
      options.suppressTokenIds.push_back(id);
  return options;
}

TracePtr AvsrModel::forward(const MediaInput& media, Modality modality, const std::vector<std::int64_t>& ids,
                            const CaptureSpec& spec) {
  c10::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  TraceBuilder builder;
  const auto& c = llm_->config();
  builder.setModel(name_, modalityName(modality), c.numHiddenLayers, c.numAttentionHeads,
                   static_cast<int>(c.hiddenSize));
  LlamaInput input;
  if (modality == Modality::Text) {
    if (ids.empty()) throw Error("a text pass needs at least one token");
    input = LlamaInput::ids(torch::tensor(ids, torch::kLong).unsqueeze(0));
    builder.addTextTokens(ids, bosId(), [this](std::int64_t id) { return pieceOf(id); });
  } else {
    AssembledInput assembled = assemble(media, modality, ids, spec);
    input = LlamaInput::embeds(assembled.embeds);
    builder.addTokens(assembled.tokens);
    builder.addTaps(std::move(assembled.encoderTaps));
  }
  std::vector<int> heads = spec.heads;
  if (heads.empty())
    for (int h = 0; h < c.numAttentionHeads; ++h) heads.push_back(h);
  builder.setCapturedHeads(heads);
  builder.addTaps(llm_->capture(input, spec));
  builder.setInferenceMs(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return builder.build();
}

TracePtr AvsrModel::continueText(const std::vector<std::int64_t>& ids, const GenerationOptions& options,
                                 const CaptureSpec& spec) {
  if (ids.empty()) throw Error("a text prompt needs at least one token");
  c10::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  TraceBuilder builder;
  const auto& c = llm_->config();
  builder.setModel(name_, modalityName(Modality::Text), c.numHiddenLayers, c.numAttentionHeads,
                   static_cast<int>(c.hiddenSize));
  const auto pieces = [this](std::int64_t id) { return pieceOf(id); };
  builder.addTextTokens(ids, bosId(), pieces);
  const LlamaInput prompt = LlamaInput::ids(torch::tensor(ids, torch::kLong).unsqueeze(0));
  Generator generator(llm_, options);
  const GenerationResult result = generator.generate(prompt);
  generator.captureTrace(prompt, result, spec, builder, pieces);
  std::string transcript;
  if (tokenizer_) {
    transcript = tokenizer_->decode(result.ids, true);
  } else {
    for (std::size_t i = 0; i < result.ids.size(); ++i) transcript += (i ? " " : "") + std::to_string(result.ids[i]);
  }
  builder.setTranscript(transcript);
  builder.setInferenceMs(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return builder.build();
}

TracePtr AvsrModel::transcribe(const MediaInput& media, Modality modality, const GenerationOptions& options,
                               const CaptureSpec& spec) {
  c10::InferenceMode inference;
  const auto start = std::chrono::steady_clock::now();
  TraceBuilder builder;
  const auto& c = llm_->config();
  builder.setModel(name_, modalityName(modality), c.numHiddenLayers, c.numAttentionHeads,
                   static_cast<int>(c.hiddenSize));
  AssembledInput assembled = assemble(media, modality, {}, spec);
  builder.addTokens(assembled.tokens);
  builder.addTaps(std::move(assembled.encoderTaps));
  const LlamaInput prompt = LlamaInput::embeds(assembled.embeds);
  Generator generator(llm_, options);
  const GenerationResult result = generator.generate(prompt);
  generator.captureTrace(prompt, result, spec, builder, [this](std::int64_t id) { return pieceOf(id); });
  builder.setTranscript(tokenizer_->decode(result.ids, true));
  builder.setInferenceMs(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return builder.build();
}

}  // namespace sinkscope
