#include "core/text/Tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/base/Error.h"
#include "core/text/ByteLevel.h"
#include "core/text/TokenizerJson.h"
#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

// Sections copied through save() unchanged (the model and added tokens are rebuilt).
const char* const kVerbatimSections[] = {"version", "truncation", "padding", "normalizer",
                                         "pre_tokenizer", "post_processor", "decoder"};

const char* const kEndOfTextTokens[] = {"<|end_of_text|>", "<|eot_id|>", "</s>", "<|endoftext|>",
                                        "<|im_end|>"};

nlohmann::json sectionOrNull(const nlohmann::json& document, const char* name) {
  auto it = document.find(name);
  return it == document.end() ? nlohmann::json(nullptr) : *it;
}

}  // namespace

Tokenizer Tokenizer::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open tokenizer file " + path);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw FormatError(path + ": not valid JSON: " + error.what());
  }
  return fromJson(document, path);
}

Tokenizer Tokenizer::fromJson(const nlohmann::json& document, const std::string& source) {
  if (!document.is_object()) {
    throw FormatError(source + ": expected a JSON object, found " + TokenizerJson::describe(document));
  }
  Tokenizer tokenizer;
  tokenizer.source_ = source;
  for (const char* name : kVerbatimSections) {
    tokenizer.document_[name] = sectionOrNull(document, name);
  }
  tokenizer.model_ = BpeModel::fromJson(TokenizerJson::member(document, "model", source, ""), source);
  tokenizer.normalizer_ = Normalizer::fromJson(sectionOrNull(document, "normalizer"), source);
  tokenizer.preTokenizer_ = PreTokenizer::fromJson(sectionOrNull(document, "pre_tokenizer"), source);
  tokenizer.added_ =
      AddedVocabulary::fromJson(sectionOrNull(document, "added_tokens"), tokenizer.normalizer_, source);
  tokenizer.postProcessor_ = PostProcessor::fromJson(sectionOrNull(document, "post_processor"), source);
  tokenizer.decoder_ = Decoder::fromJson(sectionOrNull(document, "decoder"), source);
  return tokenizer;
}

std::vector<std::int64_t> Tokenizer::encode(const std::string& text, bool addSpecialTokens) const {
  std::vector<TextSpan> spans{{text, -1}};
  added_.split(spans, false);
  for (TextSpan& span : spans) {
    if (span.id < 0) span.text = normalizer_.normalize(span.text);
  }
  added_.split(spans, true);

  std::vector<std::int64_t> ids;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const TextSpan& span = spans[i];
    if (span.id >= 0) {
      ids.push_back(span.id);
      continue;
    }
    words.clear();
    preTokenizer_.split(span.text, i == 0, words);
    for (const std::string& word : words) model_.tokenize(word, ids);
  }
  if (addSpecialTokens) postProcessor_.apply(ids);
  return ids;
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids, bool skipSpecialTokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::int64_t id : ids) {
    if (const AddedToken* added = added_.byId(id)) {
      if (!(skipSpecialTokens && added->special)) tokens.push_back(added->content);
    } else if (const std::string* token = model_.token(id)) {
      tokens.push_back(*token);
    }
  }
  return decoder_.decode(tokens);
}

std::string Tokenizer::tokenText(std::int64_t id) const {
  if (const AddedToken* added = added_.byId(id)) return added->content;
  const std::string* token = model_.token(id);
  if (!token) {
    throw Error(source_ + ": token id " + std::to_string(id) + " is outside the vocabulary (size " +
                std::to_string(vocabSize()) + ")");
  }
  std::string bytes;
  if (!decoder_.byteLevel()) return decoder_.display(*token);
  if (!ByteLevel::decode(*token, bytes)) return *token;
  std::string text;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t begin = pos;
    if (Utf8::next(bytes, pos) == Utf8::kInvalid) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "<0x%02X>", static_cast<unsigned char>(bytes[begin]));
      text += hex;
    } else {
      text.append(bytes, begin, pos - begin);
    }
  }
  return text;
}

std::int64_t Tokenizer::vocabSize() const {
  return std::max(model_.maxId(), added_.maxId().value_or(-1)) + 1;
}

std::optional<std::int64_t> Tokenizer::tokenId(const std::string& token) const {
  if (const AddedToken* added = added_.byContent(token)) return added->id;
  return model_.tokenId(token);
}

std::optional<std::int64_t> Tokenizer::bosId() const {
  if (postProcessor_.prefix().empty()) return std::nullopt;
  return postProcessor_.prefix().front();
}

std::vector<std::int64_t> Tokenizer::eosIds() const {
  std::vector<std::int64_t> ids;
  for (const char* content : kEndOfTextTokens) {
    const AddedToken* token = added_.byContent(content);
    if (token && token->special) ids.push_back(token->id);
  }
  for (std::int64_t id : postProcessor_.suffix()) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

bool Tokenizer::isSpecial(std::int64_t id) const {
  const AddedToken* added = added_.byId(id);
  return added && added->special;
}

std::int64_t Tokenizer::addToken(const std::string& content, bool special) {
  if (content.empty() || !Utf8::isValid(content)) {
    throw Error(source_ + ": cannot add a token that is empty or not valid UTF-8");
  }
  AddedToken token;
  token.content = content;
  token.special = special;
  token.normalized = !special;
  if (const AddedToken* added = added_.byContent(content)) {
    token.id = added->id;
  } else if (auto id = model_.tokenId(content)) {
    token.id = *id;
  } else {
    // HF: the model's vocabulary size, or one past the largest added id when
    // added tokens already extend beyond it.
    const auto maxAdded = added_.maxId();
    token.id = maxAdded && *maxAdded >= model_.size() ? *maxAdded + 1 : model_.size();
  }
  return added_.add(token);
}

void Tokenizer::save(const std::string& path) const {
  nlohmann::json document = document_;
  if (document["version"].is_null()) document["version"] = "1.0";
  document["added_tokens"] = added_.toJson();
  document["model"] = model_.toJson();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write tokenizer file " + path);
  out << document.dump() << '\n';
  if (!out) throw Error("cannot write tokenizer file " + path);
}

}  // namespace sinkscope
