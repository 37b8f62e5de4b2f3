#include "core/text/PostProcessor.h"

#include "core/text/TokenizerJson.h"

namespace sinkscope {

PostProcessor PostProcessor::fromJson(const nlohmann::json& node, const std::string& file) {
  PostProcessor processor;
  if (!node.is_null()) processor.parse(node, file, "post_processor");
  return processor;
}

void PostProcessor::parse(const nlohmann::json& node, const std::string& file, const std::string& key) {
  const std::string type = TokenizerJson::string(node, "type", file, key);
  if (type == "ByteLevel") return;
  if (type == "TemplateProcessing") {
    parseTemplate(node, file, key);
    return;
  }
  if (type == "Sequence") {
    const nlohmann::json& list = TokenizerJson::member(node, "processors", file, key);
    const std::string listKey = TokenizerJson::join(key, "processors");
    if (!list.is_array()) {
      TokenizerJson::fail(file, listKey, "expected a list, found " + TokenizerJson::describe(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      parse(list[i], file, listKey + "[" + std::to_string(i) + "]");
    }
    return;
  }
  TokenizerJson::fail(file, TokenizerJson::join(key, "type"), "unsupported post-processor \"" + type + "\"");
}

void PostProcessor::parseTemplate(const nlohmann::json& node, const std::string& file,
                                  const std::string& key) {
  const nlohmann::json& single = TokenizerJson::member(node, "single", file, key);
  const std::string singleKey = TokenizerJson::join(key, "single");
  if (!single.is_array()) {
    TokenizerJson::fail(file, singleKey, "expected a list, found " + TokenizerJson::describe(single));
  }
  const nlohmann::json& specials = TokenizerJson::member(node, "special_tokens", file, key);
  const std::string specialsKey = TokenizerJson::join(key, "special_tokens");

  // A later processor in a Sequence wraps what the earlier ones produced.
  std::vector<std::int64_t> before;
  std::vector<std::int64_t> after;
  bool seenSequence = false;
  for (std::size_t i = 0; i < single.size(); ++i) {
    const nlohmann::json& piece = single[i];
    const std::string pieceKey = singleKey + "[" + std::to_string(i) + "]";
    if (piece.is_object() && piece.contains("Sequence")) {
      const std::string id = TokenizerJson::string(piece["Sequence"], "id", file, pieceKey + ".Sequence");
      if (id != "A" || seenSequence) {
        TokenizerJson::fail(file, pieceKey, "a single-sequence template holds $A once, found $" + id);
      }
      seenSequence = true;
    } else if (piece.is_object() && piece.contains("SpecialToken")) {
      const std::string name = TokenizerJson::string(piece["SpecialToken"], "id", file, pieceKey + ".SpecialToken");
      const nlohmann::json& entry = TokenizerJson::member(specials, name, file, specialsKey);
      const nlohmann::json& ids = TokenizerJson::member(entry, "ids", file, TokenizerJson::join(specialsKey, name));
      if (!ids.is_array()) {
        TokenizerJson::fail(file, TokenizerJson::join(specialsKey, name) + ".ids",
                            "expected a list of ids, found " + TokenizerJson::describe(ids));
      }
      for (const nlohmann::json& id : ids) {
        if (!id.is_number_integer()) {
          TokenizerJson::fail(file, TokenizerJson::join(specialsKey, name) + ".ids",
                              "expected integer ids, found " + TokenizerJson::describe(id));
        }
        (seenSequence ? after : before).push_back(id.get<std::int64_t>());
      }
    } else {
      TokenizerJson::fail(file, pieceKey, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}, found " +
                                              TokenizerJson::describe(piece));
    }
  }
  if (!seenSequence) TokenizerJson::fail(file, singleKey, "the template has no $A");
  prefix_.insert(prefix_.begin(), before.begin(), before.end());
  suffix_.insert(suffix_.end(), after.begin(), after.end());
}

void PostProcessor::apply(std::vector<std::int64_t>& ids) const {
  ids.insert(ids.begin(), prefix_.begin(), prefix_.end());
  ids.insert(ids.end(), suffix_.begin(), suffix_.end());
}

}  // namespace sinkscope
