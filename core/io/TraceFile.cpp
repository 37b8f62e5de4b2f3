#include "core/io/TraceFile.h"

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope {

namespace {

const char* const kTraceKey = "sinkscope.trace";

nlohmann::json toJson(const Trace& trace) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : trace.tokens) {
    tokens.push_back({{"id", t.id}, {"text", t.text}, {"segment", segmentName(t.segment)},
                      {"start_sec", t.startSec}, {"end_sec", t.endSec}});
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : trace.steps) {
    steps.push_back({{"id", s.id}, {"text", s.text}, {"log_prob", s.logProb}, {"elapsed_ms", s.elapsedMs}});
  }
  return {{"version", TraceFile::kFormatVersion},
          {"model_name", trace.modelName},
          {"modality", trace.modality},
          {"num_layers", trace.numLayers},
          {"num_heads", trace.numHeads},
          {"hidden_size", trace.hiddenSize},
          {"captured_heads", trace.capturedHeads},
          {"tokens", tokens},
          {"steps", steps},
          {"transcript", trace.transcript},
          {"inference_ms", trace.inferenceMs}};
}

}  // namespace

void TraceFile::save(const Trace& trace, const std::string& path,
                     const std::map<std::string, std::string>& extra) {
  SafetensorsWriter writer;
  for (const auto& [name, tensor] : trace.taps) writer.add(name, tensor);
  for (const auto& [key, value] : extra) {
    if (key == kTraceKey) throw Error(std::string("trace file metadata key '") + kTraceKey + "' is reserved");
    writer.setMetadata(key, value);
  }
  writer.setMetadata(kTraceKey, toJson(trace).dump());
  writer.write(path);
}

TracePtr TraceFile::load(const std::string& path, std::map<std::string, std::string>* extra) {
  const auto file = SafetensorsFile::open(path);
  const auto& metadata = file->metadata();
  const auto found = metadata.find(kTraceKey);
  if (found == metadata.end()) throw FormatError(path + ": not a sinkscope trace (no '" + kTraceKey + "' metadata)");
  auto trace = std::make_shared<Trace>();
  try {
    const auto json = nlohmann::json::parse(found->second);
    const int version = json.at("version").get<int>();
    if (version != kFormatVersion) {
      throw FormatError(path + ": trace format version " + std::to_string(version) + ", this build reads " +
                        std::to_string(kFormatVersion));
    }
    trace->modelName = json.at("model_name").get<std::string>();
    trace->modality = json.at("modality").get<std::string>();
    trace->numLayers = json.at("num_layers").get<int>();
    trace->numHeads = json.at("num_heads").get<int>();
    trace->hiddenSize = json.at("hidden_size").get<int>();
    trace->capturedHeads = json.at("captured_heads").get<std::vector<int>>();
    for (const auto& t : json.at("tokens")) {
      TraceToken token;
      token.id = t.at("id").get<std::int64_t>();
      token.text = t.at("text").get<std::string>();
      token.segment = segmentFromName(t.at("segment").get<std::string>());
      token.startSec = t.at("start_sec").get<double>();
      token.endSec = t.at("end_sec").get<double>();
      trace->tokens.push_back(std::move(token));
    }
    for (const auto& s : json.at("steps")) {
      TraceStep step;
      step.id = s.at("id").get<std::int64_t>();
      step.text = s.at("text").get<std::string>();
      step.logProb = s.at("log_prob").get<float>();
      step.elapsedMs = s.at("elapsed_ms").get<double>();
      trace->steps.push_back(std::move(step));
    }
    trace->transcript = json.at("transcript").get<std::string>();
    trace->inferenceMs = json.at("inference_ms").get<double>();
  } catch (const FormatError&) {
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": damaged trace metadata: " + e.what());
  } catch (const Error& e) {
    throw FormatError(path + ": damaged trace metadata: " + e.what());
  }
  for (const auto& name : file->keys()) trace->taps[name] = file->tensor(name).toFloat();
  if (extra != nullptr) {
    extra->clear();
    for (const auto& [key, value] : metadata)
      if (key != kTraceKey) (*extra)[key] = value;
  }
  return trace;
}

}  // namespace sinkscope
