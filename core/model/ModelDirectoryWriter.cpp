#include "core/model/ModelDirectoryWriter.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/WeightLoader.h"

namespace sinkscope {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kLoraGlobs = {"*.lora_*"};

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text << "\n";
  if (!out) throw Error("cannot write " + path.string());
}

fs::path prepare(const std::string& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) throw Error("cannot create directory " + directory + ": " + error.message());
  return fs::path(directory);
}

}  // namespace

void ModelDirectoryWriter::writeLlm(const std::string& directory, const LlamaForCausalLMImpl& llm,
                                    const Tokenizer& tokenizer, torch::ScalarType dtype) {
  const fs::path dir = prepare(directory);
  LlamaConfig config = llm.config();
  config.lora = {};  // the base carries no LoRA; a composite model adds its own
  writeText(dir / "config.json", config.toJsonText());
  SafetensorsWriter writer;
  writer.setMetadata("format", "pt");
  WeightLoader::save(llm, writer, "", dtype, {}, kLoraGlobs);
  writer.write((dir / "model.safetensors").string());
  tokenizer.save((dir / "tokenizer.json").string());
}

void ModelDirectoryWriter::writeWhisperEncoder(const std::string& directory, const WhisperEncoder& encoder,
                                               torch::ScalarType dtype) {
  const fs::path dir = prepare(directory);
  writeText(dir / "config.json", encoder.config().toJson().dump(2));
  SafetensorsWriter writer;
  writer.setMetadata("format", "pt");
  WeightLoader::save(encoder, writer, "model.encoder.", dtype);
  writer.write((dir / "model.safetensors").string());
}

void ModelDirectoryWriter::writeVideoEncoder(const std::string& directory, const VideoEncoder& encoder,
                                             torch::ScalarType dtype) {
  const fs::path dir = prepare(directory);
  writeText(dir / "config.json", encoder.config().toJson().dump(2));
  SafetensorsWriter writer;
  writer.setMetadata("format", "pt");
  WeightLoader::save(encoder, writer, "", dtype);
  writer.write((dir / "model.safetensors").string());
}

void ModelDirectoryWriter::writeComposite(const std::string& directory, const AvsrConfig& config,
                                          const LlamaForCausalLMImpl& llm, const Projector* audioProjector,
                                          const Projector* videoProjector, torch::ScalarType dtype) {
  const fs::path dir = prepare(directory);
  writeText(dir / "config.json", config.toJsonText());
  SafetensorsWriter writer;
  writer.setMetadata("format", "pt");
  if (audioProjector) WeightLoader::save(*audioProjector, writer, "audio_proj.", dtype);
  if (videoProjector) WeightLoader::save(*videoProjector, writer, "video_proj.", dtype);
  if (config.lora.enabled()) WeightLoader::save(llm, writer, "llm.", dtype, kLoraGlobs);
  writer.write((dir / fs::path(config.weightsPath.empty() ? "model.safetensors" : config.weightsPath).filename())
                   .string());
}

}  // namespace sinkscope
