#include "core/text/TokenizerJson.h"

#include "core/base/Error.h"

namespace sinkscope {

void TokenizerJson::fail(const std::string& file, const std::string& key,
                         const std::string& problem) {
  throw FormatError(file + ": key '" + key + "': " + problem);
}

std::string TokenizerJson::describe(const nlohmann::json& value) {
  constexpr std::size_t kMaxChars = 60;
  std::string text = value.dump();
  if (text.size() > kMaxChars) text = text.substr(0, kMaxChars) + "...";
  return text;
}

std::string TokenizerJson::join(const std::string& key, const std::string& name) {
  if (key.empty()) return name;
  if (!name.empty() && name.front() == '[') return key + name;
  return key + "." + name;
}

const nlohmann::json& TokenizerJson::member(const nlohmann::json& node, const std::string& name,
                                            const std::string& file, const std::string& key) {
  if (!node.is_object()) fail(file, key, "expected an object, found " + describe(node));
  auto it = node.find(name);
  if (it == node.end()) fail(file, join(key, name), "missing");
  return *it;
}

std::string TokenizerJson::string(const nlohmann::json& node, const std::string& name,
                                  const std::string& file, const std::string& key) {
  const nlohmann::json& value = member(node, name, file, key);
  if (!value.is_string()) {
    fail(file, join(key, name), "expected a string, found " + describe(value));
  }
  return value.get<std::string>();
}

bool TokenizerJson::boolean(const nlohmann::json& node, const std::string& name, bool fallback,
                            const std::string& file, const std::string& key) {
  auto it = node.find(name);
  if (it == node.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) fail(file, join(key, name), "expected true or false, found " + describe(*it));
  return it->get<bool>();
}

}  // namespace sinkscope
