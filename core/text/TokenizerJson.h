#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sinkscope {

// Field access for tokenizer.json whose failures throw FormatError with one line
// "<file>: key '<key path>': <problem>", so a malformed file says where it is wrong.
class TokenizerJson {
 public:
  [[noreturn]] static void fail(const std::string& file, const std::string& key,
                                const std::string& problem);

  // A short rendering of `value` for "found ..." in messages.
  static std::string describe(const nlohmann::json& value);

  // node[name], which must exist; `key` is node's own path ("" for the root).
  static const nlohmann::json& member(const nlohmann::json& node, const std::string& name,
                                      const std::string& file, const std::string& key);
  static std::string string(const nlohmann::json& node, const std::string& name,
                            const std::string& file, const std::string& key);
  // node[name] when present and not null, else `fallback`.
  static bool boolean(const nlohmann::json& node, const std::string& name, bool fallback,
                      const std::string& file, const std::string& key);

  static std::string join(const std::string& key, const std::string& name);
};

}  // namespace sinkscope
