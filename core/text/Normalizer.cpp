#include "core/text/Normalizer.h"

#include "core/text/TokenizerJson.h"

namespace sinkscope {

void Normalizer::parse(const nlohmann::json& node, const std::string& file, const std::string& key,
                       std::vector<Step>& steps) {
  const std::string type = TokenizerJson::string(node, "type", file, key);
  if (type == "NFC") return;
  if (type == "Sequence") {
    const nlohmann::json& list = TokenizerJson::member(node, "normalizers", file, key);
    const std::string listKey = TokenizerJson::join(key, "normalizers");
    if (!list.is_array()) {
      TokenizerJson::fail(file, listKey, "expected a list, found " + TokenizerJson::describe(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      parse(list[i], file, listKey + "[" + std::to_string(i) + "]", steps);
    }
    return;
  }
  Step step;
  if (type == "Prepend") {
    step.prepend = true;
    step.content = TokenizerJson::string(node, "prepend", file, key);
  } else if (type == "Replace") {
    const nlohmann::json& pattern = TokenizerJson::member(node, "pattern", file, key);
    if (!pattern.is_object() || !pattern.contains("String") || !pattern["String"].is_string() ||
        pattern["String"].get<std::string>().empty()) {
      TokenizerJson::fail(file, TokenizerJson::join(key, "pattern"),
                          "only non-empty {\"String\": ...} patterns are supported, found " +
                              TokenizerJson::describe(pattern));
    }
    step.pattern = pattern["String"].get<std::string>();
    step.content = TokenizerJson::string(node, "content", file, key);
  } else {
    TokenizerJson::fail(file, TokenizerJson::join(key, "type"), "unsupported normalizer \"" + type + "\"");
  }
  steps.push_back(std::move(step));
}

Normalizer Normalizer::fromJson(const nlohmann::json& node, const std::string& file) {
  Normalizer normalizer;
  if (!node.is_null()) parse(node, file, "normalizer", normalizer.steps_);
  return normalizer;
}

std::string Normalizer::normalize(std::string_view text) const {
  std::string out(text);
  for (const Step& step : steps_) {
    if (step.prepend) {
      if (!out.empty()) out.insert(0, step.content);
      continue;
    }
    std::string replaced;
    std::size_t begin = 0;
    for (std::size_t at = out.find(step.pattern); at != std::string::npos;
         at = out.find(step.pattern, begin)) {
      replaced.append(out, begin, at - begin);
      replaced += step.content;
      begin = at + step.pattern.size();
    }
    replaced.append(out, begin, std::string::npos);
    out.swap(replaced);
  }
  return out;
}

}  // namespace sinkscope
