#include "core/model/LlamaConfig.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"

namespace sinkscope {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& what) {
  throw ConfigError(source + ": key '" + key + "' " + what);
}

std::string typeName(const json& value) {
  return value.type_name();
}

// A present, non-null key with the right type; absent or null keeps the default.
std::int64_t readInt(const json& object, const std::string& key, std::int64_t fallback,
                     const std::string& source) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) fail(source, key, "must be an integer, found " + typeName(*it));
  return it->get<std::int64_t>();
}

double readNumber(const json& object, const std::string& key, double fallback,
                  const std::string& source) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_number()) fail(source, key, "must be a number, found " + typeName(*it));
  return it->get<double>();
}

bool readBool(const json& object, const std::string& key, bool fallback, const std::string& source) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) fail(source, key, "must be true or false, found " + typeName(*it));
  return it->get<bool>();
}

std::int64_t requireInt(const json& object, const std::string& key, const std::string& source) {
  if (!object.contains(key) || object.at(key).is_null()) fail(source, key, "is missing");
  return readInt(object, key, 0, source);
}

double requireNumber(const json& object, const std::string& key, const std::string& source) {
  if (!object.contains(key) || object.at(key).is_null()) fail(source, key, "is missing");
  return readNumber(object, key, 0.0, source);
}

void readRopeScaling(const json& root, LlamaConfig& config, const std::string& source) {
  auto it = root.find("rope_scaling");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_object()) fail(source, "rope_scaling", "must be null or an object, found " + typeName(*it));
  const json& scaling = *it;
  // Older configs spell rope_type as "type".
  std::string typeKey = scaling.contains("rope_type") ? "rope_type" : "type";
  if (!scaling.contains(typeKey) || !scaling.at(typeKey).is_string()) {
    fail(source, "rope_scaling.rope_type", "is missing or not a string");
  }
  const std::string type = scaling.at(typeKey).get<std::string>();
  const std::string prefix = "rope_scaling.";
  if (type == "default") return;
  if (type == "linear") {
    config.ropeScaling = LlamaConfig::RopeScaling::Linear;
    config.ropeFactor = requireNumber(scaling, "factor", source + " (" + prefix + "factor)");
    return;
  }
  if (type == "llama3") {
    const std::string where = source + " (rope_scaling)";
    config.ropeScaling = LlamaConfig::RopeScaling::Llama3;
    config.ropeFactor = requireNumber(scaling, "factor", where);
    config.ropeLowFreqFactor = requireNumber(scaling, "low_freq_factor", where);
    config.ropeHighFreqFactor = requireNumber(scaling, "high_freq_factor", where);
    config.ropeOriginalMaxPositions = requireInt(scaling, "original_max_position_embeddings", where);
    return;
  }
  fail(source, prefix + typeKey,
       "is '" + type + "'; supported RoPE scalings are llama3 and linear");
}

void readEos(const json& root, LlamaConfig& config, const std::string& source) {
  auto it = root.find("eos_token_id");
  if (it == root.end() || it->is_null()) return;
  config.eosTokenIds.clear();
  if (it->is_number_integer()) {
    config.eosTokenIds.push_back(it->get<std::int64_t>());
    return;
  }
  if (!it->is_array() || it->empty()) {
    fail(source, "eos_token_id", "must be an integer or a non-empty list, found " + typeName(*it));
  }
  for (const json& id : *it) {
    if (!id.is_number_integer()) fail(source, "eos_token_id", "list holds a non-integer " + typeName(id));
    config.eosTokenIds.push_back(id.get<std::int64_t>());
  }
}

void readLora(const json& root, LlamaConfig& config, const std::string& source) {
  auto it = root.find("lora");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_object()) fail(source, "lora", "must be an object, found " + typeName(*it));
  const std::string where = source + " (lora)";
  config.lora.reduction = static_cast<int>(requireInt(*it, "reduction", where));
  config.lora.alpha = readNumber(*it, "alpha", 1.0, where);
  if (config.lora.reduction <= 0) fail(source, "lora.reduction", "must be positive");
}

}  // namespace

std::int64_t LlamaConfig::Lora::innerSize(std::int64_t hiddenSize) const {
  // nearbyint follows the default rounding mode, round-half-to-even like Python's round.
  return static_cast<std::int64_t>(std::nearbyint(static_cast<double>(hiddenSize) / reduction));
}

std::string LlamaConfig::toJsonText() const {
  json root = {{"architectures", {"LlamaForCausalLM"}},
               {"model_type", "llama"},
               {"hidden_act", "silu"},
               {"vocab_size", vocabSize},
               {"hidden_size", hiddenSize},
               {"intermediate_size", intermediateSize},
               {"num_hidden_layers", numHiddenLayers},
               {"num_attention_heads", numAttentionHeads},
               {"num_key_value_heads", numKeyValueHeads},
               {"head_dim", headDim},
               {"rms_norm_eps", rmsNormEps},
               {"rope_theta", ropeTheta},
               {"max_position_embeddings", maxPositionEmbeddings},
               {"tie_word_embeddings", tieWordEmbeddings},
               {"attention_bias", attentionBias},
               {"mlp_bias", mlpBias},
               {"bos_token_id", bosTokenId},
               {"eos_token_id", eosTokenIds.size() == 1 ? json(eosTokenIds[0]) : json(eosTokenIds)},
               {"torch_dtype", "float32"}};
  switch (ropeScaling) {
    case RopeScaling::None: root["rope_scaling"] = nullptr; break;
    case RopeScaling::Linear: root["rope_scaling"] = {{"rope_type", "linear"}, {"factor", ropeFactor}}; break;
    case RopeScaling::Llama3:
      root["rope_scaling"] = {{"rope_type", "llama3"},
                              {"factor", ropeFactor},
                              {"low_freq_factor", ropeLowFreqFactor},
                              {"high_freq_factor", ropeHighFreqFactor},
                              {"original_max_position_embeddings", ropeOriginalMaxPositions}};
      break;
  }
  if (lora.enabled()) root["lora"] = {{"reduction", lora.reduction}, {"alpha", lora.alpha}};
  return root.dump(2);
}

LlamaConfig LlamaConfig::fromJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot open model config '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return fromJsonText(text.str(), path);
}

LlamaConfig LlamaConfig::fromJsonText(const std::string& text, const std::string& source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ConfigError(source + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object()) throw ConfigError(source + ": top level must be a JSON object");

  LlamaConfig config;
  config.vocabSize = requireInt(root, "vocab_size", source);
  config.hiddenSize = requireInt(root, "hidden_size", source);
  config.intermediateSize = requireInt(root, "intermediate_size", source);
  config.numHiddenLayers = static_cast<int>(requireInt(root, "num_hidden_layers", source));
  config.numAttentionHeads = static_cast<int>(requireInt(root, "num_attention_heads", source));
  if (config.numAttentionHeads <= 0) fail(source, "num_attention_heads", "must be positive");
  config.numKeyValueHeads =
      static_cast<int>(readInt(root, "num_key_value_heads", config.numAttentionHeads, source));
  config.headDim = readInt(root, "head_dim", config.hiddenSize / config.numAttentionHeads, source);
  config.rmsNormEps = readNumber(root, "rms_norm_eps", config.rmsNormEps, source);
  config.ropeTheta = readNumber(root, "rope_theta", config.ropeTheta, source);
  readRopeScaling(root, config, source);
  config.maxPositionEmbeddings =
      readInt(root, "max_position_embeddings", config.maxPositionEmbeddings, source);
  config.tieWordEmbeddings = readBool(root, "tie_word_embeddings", config.tieWordEmbeddings, source);
  config.attentionBias = readBool(root, "attention_bias", config.attentionBias, source);
  config.mlpBias = readBool(root, "mlp_bias", config.mlpBias, source);
  config.bosTokenId = readInt(root, "bos_token_id", config.bosTokenId, source);
  readEos(root, config, source);
  readLora(root, config, source);

  auto act = root.find("hidden_act");
  if (act != root.end() && !act->is_null()) {
    if (!act->is_string() || act->get<std::string>() != "silu") {
      fail(source, "hidden_act", "must be \"silu\" (found " + act->dump() + ")");
    }
  }
  config.validate(source);
  return config;
}

void LlamaConfig::validate(const std::string& source) const {
  auto positive = [&](std::int64_t value, const char* key) {
    if (value <= 0) fail(source, key, "must be positive (found " + std::to_string(value) + ")");
  };
  positive(vocabSize, "vocab_size");
  positive(hiddenSize, "hidden_size");
  positive(intermediateSize, "intermediate_size");
  positive(numHiddenLayers, "num_hidden_layers");
  positive(numAttentionHeads, "num_attention_heads");
  positive(numKeyValueHeads, "num_key_value_heads");
  positive(headDim, "head_dim");
  positive(maxPositionEmbeddings, "max_position_embeddings");
  if (numAttentionHeads % numKeyValueHeads != 0) {
    fail(source, "num_key_value_heads",
         "(" + std::to_string(numKeyValueHeads) + ") must divide num_attention_heads (" +
             std::to_string(numAttentionHeads) + ")");
  }
  if (headDim % 2 != 0) fail(source, "head_dim", "must be even for rotary embeddings");
  if (!(rmsNormEps > 0.0)) fail(source, "rms_norm_eps", "must be positive");
  if (!(ropeTheta > 0.0)) fail(source, "rope_theta", "must be positive");
  if (ropeScaling != RopeScaling::None && !(ropeFactor > 0.0)) {
    fail(source, "rope_scaling.factor", "must be positive");
  }
  if (ropeScaling == RopeScaling::Llama3) {
    if (!(ropeHighFreqFactor > ropeLowFreqFactor) || !(ropeLowFreqFactor > 0.0)) {
      fail(source, "rope_scaling.high_freq_factor",
           "must exceed low_freq_factor, both positive");
    }
    positive(ropeOriginalMaxPositions, "rope_scaling.original_max_position_embeddings");
  }
  for (std::int64_t id : eosTokenIds) {
    if (id < 0 || id >= vocabSize) {
      fail(source, "eos_token_id", "value " + std::to_string(id) + " is outside the vocabulary");
    }
  }
  if (lora.enabled() && lora.innerSize(hiddenSize) <= 0) {
    fail(source, "lora.reduction", "leaves no inner dimension for hidden_size " +
                                       std::to_string(hiddenSize));
  }
}

}  // namespace sinkscope
