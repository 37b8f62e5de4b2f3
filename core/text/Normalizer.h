#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "normalizer" of tokenizer.json. Supported: null, and NFC, which is accepted
// without transforming: the input is taken to be NFC already (text typed or
// decoded in the app is; a decomposed input would tokenize differently from HF).
class Normalizer {
 public:
  static Normalizer fromJson(const nlohmann::json& node, const std::string& file);

  std::string normalize(std::string_view text) const { return std::string(text); }
};

}  // namespace sinkscope
