#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/Normalizer.h"

namespace sinkscope {

// One entry of tokenizer.json's "added_tokens".
struct AddedToken {
  std::int64_t id = 0;
  std::string content;
  bool special = false;
  bool normalized = true;  // matched after the normalizer (HF: default for non-special)
  bool lstrip = false;     // also takes the white space before it
  bool rstrip = false;     // also takes the white space after it
};

// A piece of the input: an added token (id >= 0) or text still to tokenize.
struct TextSpan {
  std::string text;
  std::int64_t id = -1;
};

// The added tokens, matched in the text before pre-tokenisation like HF's
// AddedVocabulary: leftmost match first, the longest where several start at the
// same place; tokens with normalized=false are matched on the raw text first,
// the others then on the (normalized) text in between, in their normalized form
// (with Llama 2's normalizer "<audio>" is looked for as "▁<audio>").
class AddedVocabulary {
 public:
  static AddedVocabulary fromJson(const nlohmann::json& list, const Normalizer& normalizer,
                                  const std::string& file);

  // Adds a token and returns its id. For content already present it keeps the id
  // and merges the flags the way HF's add_tokens does; `token.id` is then unused.
  std::int64_t add(const AddedToken& token);

  // Cuts the text spans of `spans` (the input in order) at the tokens with the
  // given `normalized` flag; token spans pass through unchanged.
  void split(std::vector<TextSpan>& spans, bool normalized) const;

  const AddedToken* byId(std::int64_t id) const;
  const AddedToken* byContent(const std::string& content) const;
  std::optional<std::int64_t> maxId() const;

  nlohmann::json toJson() const;  // sorted by id, as HF writes it

 private:
  void reindex();
  void splitOne(const std::string& text, bool normalized, std::vector<TextSpan>& out) const;

  Normalizer normalizer_;
  std::vector<AddedToken> tokens_;
  std::vector<std::string> patterns_;  // what is matched: the content, normalized if asked
  std::unordered_map<std::string, std::size_t> byContent_;
  std::unordered_map<std::int64_t, std::size_t> byId_;
  // Token positions by first byte, longest pattern first, for leftmost-longest search.
  std::array<std::vector<std::size_t>, 256> byFirstByte_;
};

}  // namespace sinkscope
