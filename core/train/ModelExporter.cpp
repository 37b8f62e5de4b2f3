#include "core/train/ModelExporter.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/LlamaForCausalLM.h"
#include "core/model/Runtime.h"
#include "core/model/WeightLoader.h"
#include "core/text/Tokenizer.h"

namespace sinkscope {

void ModelExporter::exportDirectory(LlamaForCausalLM& model, const Tokenizer& tokenizer, const std::string& dir,
                                    const std::string& dtypeName) {
  const torch::ScalarType dtype = Runtime::parseDtype(dtypeName);
  std::filesystem::create_directories(dir);

  nlohmann::json config = nlohmann::json::parse(model->config().toJsonText());
  config["torch_dtype"] = dtype == torch::kFloat32 ? "float32" : dtype == torch::kFloat16 ? "float16" : "bfloat16";
  const std::string configPath = dir + "/config.json";
  std::ofstream out(configPath);
  out << config.dump(2) << '\n';
  if (!out) throw Error("cannot write " + configPath);

  SafetensorsWriter writer;
  WeightLoader::save(*model, writer, "", dtype);
  writer.setMetadata("format", "pt");
  writer.write(dir + "/model.safetensors");
  tokenizer.save(dir + "/tokenizer.json");
}

}  // namespace sinkscope
