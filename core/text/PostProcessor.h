#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "post_processor" of tokenizer.json for a single sequence: TemplateProcessing
// ("<|begin_of_text|> $A" adds BOS), ByteLevel (offsets only, no ids), null, or a
// Sequence of these. It reduces to ids put before and after the sequence.
class PostProcessor {
 public:
  static PostProcessor fromJson(const nlohmann::json& node, const std::string& file);

  void apply(std::vector<std::int64_t>& ids) const;
  const std::vector<std::int64_t>& prefix() const { return prefix_; }
  const std::vector<std::int64_t>& suffix() const { return suffix_; }

 private:
  void parse(const nlohmann::json& node, const std::string& file, const std::string& key);
  void parseTemplate(const nlohmann::json& node, const std::string& file, const std::string& key);

  std::vector<std::int64_t> prefix_;
  std::vector<std::int64_t> suffix_;
};

}  // namespace sinkscope
