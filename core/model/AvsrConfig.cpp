#include "core/model/AvsrConfig.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/model/ConfigReader.h"
#include "core/text/Tokenizer.h"

namespace sinkscope {

namespace fs = std::filesystem;

namespace {

// A part's path is relative to the model directory, so that several bundled models
// can point at one shared encoder or LLM ("../parts/whisper-small").
std::string resolvePart(const ConfigReader& reader, const nlohmann::json& json, const std::string& key,
                        const fs::path& directory, bool required, std::string& part) {
  if (!json.contains(key) || json.at(key).is_null()) {
    reader.check(!required, key, "is required");
    return {};
  }
  reader.check(json.at(key).is_string(), key, "must be a path relative to the model directory");
  part = json.at(key).get<std::string>();
  const fs::path path = fs::weakly_canonical(directory / part);
  reader.check(fs::is_directory(path), key, "names '" + path.string() + "', which is not a directory");
  return path.string();
}

void readCompression(const nlohmann::json& json, const std::string& key, const std::string& source,
                     Compression::Mode& mode, int& rate) {
  if (!json.contains(key)) return;
  const ConfigReader reader(json.at(key), source + ": " + key);
  mode = Compression::parseMode(reader.stringOr("mode", Compression::modeName(mode)));
  rate = reader.intOr("rate", rate);
  reader.check(rate >= 1, "rate", "must be at least 1");
}

}  // namespace

bool AvsrConfig::isComposite(const std::string& directory) {
  const fs::path file = fs::path(directory) / "config.json";
  if (!fs::is_regular_file(file)) return false;
  const nlohmann::json json = ConfigReader::readFile(file.string());
  return json.is_object() && json.value("model_type", std::string()) == kModelType;
}

AvsrConfig AvsrConfig::fromDirectory(const std::string& directoryIn) {
  const fs::path directory = fs::weakly_canonical(directoryIn);
  const std::string source = (directory / "config.json").string();
  const nlohmann::json json = ConfigReader::readFile(source);
  const ConfigReader reader(json, source);
  reader.check(reader.stringOr("model_type", "") == kModelType, "model_type",
               std::string("must be \"") + kModelType + "\"");

  AvsrConfig config;
  config.directory = directory.string();
  config.name = reader.stringOr("name", directory.filename().string());
  config.description = reader.stringOr("description", "");
  config.llmPath = resolvePart(reader, json, "llm", directory, true, config.llmPart);
  config.audioEncoderPath = resolvePart(reader, json, "audio_encoder", directory, false, config.audioEncoderPart);
  config.videoEncoderPath = resolvePart(reader, json, "video_encoder", directory, false, config.videoEncoderPart);
  config.weightsPath = (directory / reader.stringOr("weights", "model.safetensors")).string();
  reader.check(fs::is_regular_file(config.weightsPath), "weights",
               "names '" + config.weightsPath + "', which does not exist");

  readCompression(json, "audio_compression", source, config.audioCompressionMode,
                  config.audioCompressionRate);
  readCompression(json, "video_compression", source, config.videoCompressionMode,
                  config.videoCompressionRate);
  config.audioPadSeconds = reader.doubleOr("audio_pad_seconds", config.audioPadSeconds);
  reader.check(config.audioPadSeconds >= 0, "audio_pad_seconds", "must be >= 0 (0: unpadded)");

  if (json.contains("lora") && !json.at("lora").is_null()) {
    const ConfigReader lora(json.at("lora"), source + ": lora");
    config.lora.reduction = lora.requireInt("reduction");
    config.lora.alpha = lora.doubleOr("alpha", config.lora.alpha);
    lora.check(config.lora.reduction > 0, "reduction", "must be positive");
  }

  if (json.contains("prompts")) {
    reader.check(json.at("prompts").is_object(), "prompts", "must map asr/vsr/avsr to prompt text");
    for (const auto& [key, value] : json.at("prompts").items()) {
      reader.check(value.is_string(), "prompts." + key, "must be a string");
      config.prompts[parseModality(key)] = value.get<std::string>();
    }
  }
  if (json.contains("added_tokens")) {
    const ConfigReader tokens(json.at("added_tokens"), source + ": added_tokens");
    config.audioStartToken = tokens.stringOr("audio_start", config.audioStartToken);
    config.audioEndToken = tokens.stringOr("audio_end", config.audioEndToken);
    config.videoStartToken = tokens.stringOr("video_start", config.videoStartToken);
    config.videoEndToken = tokens.stringOr("video_end", config.videoEndToken);
    config.padToken = tokens.stringOr("pad", config.padToken);
  }
  if (json.contains("generation")) {
    const ConfigReader generation(json.at("generation"), source + ": generation");
    config.numBeams = generation.intOr("num_beams", config.numBeams);
    config.maxNewTokens = generation.intOr("max_new_tokens", config.maxNewTokens);
    generation.check(config.numBeams >= 1, "num_beams", "must be at least 1");
    generation.check(config.maxNewTokens >= 1, "max_new_tokens", "must be at least 1");
    if (json.at("generation").contains("suppress_tokens")) {
      const auto& list = json.at("generation").at("suppress_tokens");
      generation.check(list.is_array(), "suppress_tokens", "must be a list of token ids");
      for (const auto& id : list) {
        generation.check(id.is_number_integer() && id.get<std::int64_t>() >= 0, "suppress_tokens",
                         "must hold non-negative integer token ids");
        config.suppressTokens.push_back(id.get<std::int64_t>());
      }
    }
  }

  const bool hasAudio = !config.audioEncoderPath.empty();
  const bool hasVideo = !config.videoEncoderPath.empty();
  reader.check(hasAudio || hasVideo, "audio_encoder", "or video_encoder must be given");
  if (hasAudio) config.modalities.push_back(Modality::Asr);
  if (hasVideo) config.modalities.push_back(Modality::Vsr);
  if (hasAudio && hasVideo) config.modalities.push_back(Modality::Avsr);
  config.defaultModality = parseModality(
      reader.stringOr("default_modality", modalityName(config.modalities.back())));
  reader.check(config.supports(config.defaultModality), "default_modality",
               "names a modality the model's encoders cannot serve");
  return config;
}

std::string AvsrConfig::toJsonText() const {
  nlohmann::json j = {{"model_type", kModelType}, {"format_version", 1}, {"name", name}, {"llm", llmPart}};
  if (!description.empty()) j["description"] = description;
  j["audio_encoder"] = audioEncoderPart.empty() ? nlohmann::json() : nlohmann::json(audioEncoderPart);
  j["video_encoder"] = videoEncoderPart.empty() ? nlohmann::json() : nlohmann::json(videoEncoderPart);
  j["weights"] = fs::path(weightsPath.empty() ? "model.safetensors" : weightsPath).filename().string();
  j["audio_compression"] = {{"mode", Compression::modeName(audioCompressionMode)}, {"rate", audioCompressionRate}};
  j["video_compression"] = {{"mode", Compression::modeName(videoCompressionMode)}, {"rate", videoCompressionRate}};
  j["audio_pad_seconds"] = audioPadSeconds;
  j["lora"] = lora.enabled() ? nlohmann::json{{"reduction", lora.reduction}, {"alpha", lora.alpha}} : nlohmann::json();
  j["default_modality"] = modalityName(defaultModality);
  nlohmann::json promptJson;
  for (const auto& [m, text] : prompts) promptJson[modalityName(m)] = text;
  j["prompts"] = promptJson;
  j["added_tokens"] = {{"audio_start", audioStartToken}, {"audio_end", audioEndToken},
                       {"video_start", videoStartToken}, {"video_end", videoEndToken}, {"pad", padToken}};
  j["generation"] = {{"num_beams", numBeams}, {"max_new_tokens", maxNewTokens}};
  if (!suppressTokens.empty()) j["generation"]["suppress_tokens"] = suppressTokens;
  return j.dump(2);
}

bool AvsrConfig::supports(Modality modality) const {
  return std::find(modalities.begin(), modalities.end(), modality) != modalities.end();
}

std::vector<std::int64_t> AvsrConfig::idsNeverTranscribed(const Tokenizer& tokenizer, std::int64_t bosId,
                                                          const std::vector<std::int64_t>& eosIds) const {
  std::vector<std::int64_t> candidates{bosId};
  for (const auto* token : {&audioStartToken, &audioEndToken, &videoStartToken, &videoEndToken, &padToken})
    if (const auto id = tokenizer.tokenId(*token)) candidates.push_back(*id);
  candidates.insert(candidates.end(), suppressTokens.begin(), suppressTokens.end());
  std::vector<std::int64_t> out;
  for (const auto id : candidates) {
    const auto in = [id](const std::vector<std::int64_t>& list) {
      return std::find(list.begin(), list.end(), id) != list.end();
    };
    if (!in(eosIds) && !in(out)) out.push_back(id);
  }
  return out;
}

}  // namespace sinkscope
