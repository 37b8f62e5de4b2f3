#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "normalizer" of tokenizer.json. Supported: null; Prepend and Replace with a
// plain-string pattern (HF's conversion of SentencePiece tokenizers such as
// Llama 2: Prepend("▁") then Replace(" ", "▁")); Sequence of these; and NFC, which
// is accepted without transforming: the input is taken to be NFC already (text
// typed or decoded in the app is; decomposed input would tokenize differently
// from HF).
class Normalizer {
 public:
  static Normalizer fromJson(const nlohmann::json& node, const std::string& file);

  std::string normalize(std::string_view text) const;

 private:
  struct Step {
    bool prepend = false;  // else replace
    std::string pattern;   // replace only
    std::string content;   // the text prepended, or the replacement
  };

  static void parse(const nlohmann::json& node, const std::string& file, const std::string& key,
                    std::vector<Step>& steps);

  std::vector<Step> steps_;
};

}  // namespace sinkscope
