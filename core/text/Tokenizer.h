#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/AddedVocabulary.h"
#include "core/text/BpeModel.h"
#include "core/text/Decoder.h"
#include "core/text/Normalizer.h"
#include "core/text/PostProcessor.h"
#include "core/text/PreTokenizer.h"

namespace sinkscope {

// A Hugging Face tokenizer.json with a BPE model, producing the ids HF
// `tokenizers` (0.19) produces: byte-level layouts (Llama 3, GPT-2) and the
// SentencePiece-style ones HF converts Llama 2 / TinyLlama to (byte_fallback).
// Plain C++: no LibTorch, Qt or ICU. Supported sections: normalizer per
// Normalizer, pre_tokenizer per PreTokenizer, model BPE (BpeModel), added_tokens
// with special/normalized/lstrip/rstrip (not single_word), post_processor per
// PostProcessor, decoder per Decoder. Anything else throws FormatError naming the
// file and key. encode/decode are const and safe to call from several threads.
class Tokenizer {
 public:
  // Throws Error when the file cannot be read, FormatError when it is malformed.
  static Tokenizer fromFile(const std::string& path);
  // `source` names the document in error messages.
  static Tokenizer fromJson(const nlohmann::json& document, const std::string& source);

  // addSpecialTokens applies the post-processor (e.g. prepends BOS for Llama 3).
  std::vector<std::int64_t> encode(const std::string& text, bool addSpecialTokens = true) const;
  // Ids outside the vocabulary are skipped, as HF does.
  std::string decode(const std::vector<std::int64_t>& ids, bool skipSpecialTokens = false) const;

  // A readable piece for display: added tokens as written, byte-level tokens as
  // UTF-8 where their bytes are valid, other bytes as <0xXX>; SentencePiece
  // pieces with "▁" shown as a space. Throws Error for an id outside the vocabulary.
  std::string tokenText(std::int64_t id) const;

  // Largest id + 1 over the model and added tokens: the embedding rows needed.
  std::int64_t vocabSize() const;
  std::optional<std::int64_t> tokenId(const std::string& token) const;
  // The first id the post-processor puts before a sequence, if any.
  std::optional<std::int64_t> bosId() const;
  // Special tokens that end a text (<|end_of_text|>, <|eot_id|>, </s>, <|endoftext|>,
  // <|im_end|>) and ids the post-processor appends. A model's generation_config.json,
  // when it has eos_token_id, is the better source.
  std::vector<std::int64_t> eosIds() const;
  bool isSpecial(std::int64_t id) const;

  // Adds `content` as an added token (normalized = !special, as HF's AddedToken)
  // and returns its id: an existing added token or vocabulary entry keeps its id
  // (an added token becomes special if `special`), a new one gets the next id
  // after the vocabulary, by HF's rule.
  std::int64_t addToken(const std::string& content, bool special);

  // Writes a tokenizer.json HF tokenizers loads (the sections as read, the model
  // and added tokens as they are now). Throws Error when the file cannot be written.
  void save(const std::string& path) const;

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  nlohmann::json document_;  // the small sections, kept verbatim for save()
  Normalizer normalizer_;
  PreTokenizer preTokenizer_;
  BpeModel model_;
  AddedVocabulary added_;
  PostProcessor postProcessor_;
  Decoder decoder_;
};

}  // namespace sinkscope
