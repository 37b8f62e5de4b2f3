#include "core/text/AddedVocabulary.h"

#include <algorithm>

#include "core/text/TokenizerJson.h"
#include "core/text/UnicodeCategory.h"
#include "core/text/Utf8.h"

namespace sinkscope {

AddedVocabulary AddedVocabulary::fromJson(const nlohmann::json& list, const Normalizer& normalizer,
                                          const std::string& file) {
  AddedVocabulary vocabulary;
  vocabulary.normalizer_ = normalizer;
  if (list.is_null()) return vocabulary;
  if (!list.is_array()) {
    TokenizerJson::fail(file, "added_tokens", "expected a list, found " + TokenizerJson::describe(list));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& entry = list[i];
    const std::string key = "added_tokens[" + std::to_string(i) + "]";
    AddedToken token;
    const nlohmann::json& id = TokenizerJson::member(entry, "id", file, key);
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0) {
      TokenizerJson::fail(file, key + ".id", "expected an id >= 0, found " + TokenizerJson::describe(id));
    }
    token.id = id.get<std::int64_t>();
    token.content = TokenizerJson::string(entry, "content", file, key);
    token.special = TokenizerJson::boolean(entry, "special", false, file, key);
    token.normalized = TokenizerJson::boolean(entry, "normalized", !token.special, file, key);
    token.lstrip = TokenizerJson::boolean(entry, "lstrip", false, file, key);
    token.rstrip = TokenizerJson::boolean(entry, "rstrip", false, file, key);
    if (TokenizerJson::boolean(entry, "single_word", false, file, key)) {
      TokenizerJson::fail(file, key + ".single_word", "single_word=true is not supported");
    }
    if (token.content.empty()) continue;  // HF ignores empty added tokens
    vocabulary.add(token);
  }
  return vocabulary;
}

std::int64_t AddedVocabulary::add(const AddedToken& token) {
  auto existing = byContent_.find(token.content);
  if (existing != byContent_.end()) {
    // HF keeps the old entry next to the new one: the token stays special once it
    // was, and is matched on the raw text if either entry asks for that.
    AddedToken& old = tokens_[existing->second];
    old.special = old.special || token.special;
    old.normalized = old.normalized && token.normalized;
    reindex();
    return old.id;
  }
  tokens_.push_back(token);
  reindex();
  return token.id;
}

void AddedVocabulary::reindex() {
  byContent_.clear();
  byId_.clear();
  patterns_.clear();
  for (auto& bucket : byFirstByte_) bucket.clear();
  for (std::size_t position = 0; position < tokens_.size(); ++position) {
    const AddedToken& token = tokens_[position];
    byContent_[token.content] = position;
    byId_[token.id] = position;
    patterns_.push_back(token.normalized ? normalizer_.normalize(token.content) : token.content);
    if (!patterns_.back().empty()) {
      byFirstByte_[static_cast<unsigned char>(patterns_.back().front())].push_back(position);
    }
  }
  for (auto& bucket : byFirstByte_) {
    std::stable_sort(bucket.begin(), bucket.end(), [this](std::size_t a, std::size_t b) {
      return patterns_[a].size() > patterns_[b].size();
    });
  }
}

const AddedToken* AddedVocabulary::byId(std::int64_t id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &tokens_[it->second];
}

const AddedToken* AddedVocabulary::byContent(const std::string& content) const {
  auto it = byContent_.find(content);
  return it == byContent_.end() ? nullptr : &tokens_[it->second];
}

std::optional<std::int64_t> AddedVocabulary::maxId() const {
  std::optional<std::int64_t> result;
  for (const AddedToken& token : tokens_) {
    if (!result || token.id > *result) result = token.id;
  }
  return result;
}

void AddedVocabulary::splitOne(const std::string& text, bool normalized,
                               std::vector<TextSpan>& out) const {
  std::size_t emitted = 0;  // end of what is already in `out`
  std::size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* match = nullptr;
    std::size_t matchSize = 0;
    for (std::size_t position : byFirstByte_[static_cast<unsigned char>(text[pos])]) {
      const std::string& pattern = patterns_[position];
      if (tokens_[position].normalized == normalized && text.compare(pos, pattern.size(), pattern) == 0) {
        match = &tokens_[position];
        matchSize = pattern.size();
        break;
      }
    }
    if (!match) {
      ++pos;
      continue;
    }
    std::size_t start = pos;
    std::size_t stop = pos + matchSize;
    if (match->lstrip) {
      // The white space run that ends at the match, but not what is already emitted.
      std::size_t scan = emitted;
      start = emitted;
      while (scan < pos) {
        const char32_t c = Utf8::next(text, scan);
        if (!UnicodeCategory::isWhiteSpace(c)) start = scan;
      }
    }
    if (match->rstrip) {
      std::size_t scan = stop;
      while (scan < text.size()) {
        const std::size_t before = scan;
        if (!UnicodeCategory::isWhiteSpace(Utf8::next(text, scan))) {
          scan = before;
          break;
        }
      }
      stop = scan;
    }
    if (emitted < start) out.push_back({text.substr(emitted, start - emitted), -1});
    out.push_back({text.substr(start, stop - start), match->id});
    emitted = stop;
    pos = stop;
  }
  if (emitted < text.size()) out.push_back({text.substr(emitted), -1});
}

void AddedVocabulary::split(std::vector<TextSpan>& spans, bool normalized) const {
  std::vector<TextSpan> out;
  for (TextSpan& span : spans) {
    if (span.id >= 0) {
      out.push_back(std::move(span));
    } else {
      splitOne(span.text, normalized, out);
    }
  }
  spans.swap(out);
}

nlohmann::json AddedVocabulary::toJson() const {
  std::vector<const AddedToken*> sorted;
  for (const AddedToken& token : tokens_) sorted.push_back(&token);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const AddedToken* a, const AddedToken* b) { return a->id < b->id; });
  nlohmann::json list = nlohmann::json::array();
  for (const AddedToken* token : sorted) {
    list.push_back({{"id", token->id},
                    {"content", token->content},
                    {"single_word", false},
                    {"lstrip", token->lstrip},
                    {"rstrip", token->rstrip},
                    {"normalized", token->normalized},
                    {"special", token->special}});
  }
  return list;
}

}  // namespace sinkscope
