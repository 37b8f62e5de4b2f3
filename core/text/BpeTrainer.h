#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/AddedVocabulary.h"
#include "core/text/PreTokenizer.h"

namespace sinkscope {

class Tokenizer;

// Options of a byte-level BPE vocabulary. vocabSize counts everything that gets an
// id: the 256 byte symbols, the merges and the added tokens, so a model's embedding
// table has exactly vocabSize rows.
struct BpeTrainerOptions {
  std::int64_t vocabSize = 4096;
  std::int64_t minFrequency = 2;  // a pair seen fewer times is never merged
  // Tokens that are never split, with ids after the merges in this order. Special
  // ones are matched on the raw text and skipped by decode(skipSpecialTokens);
  // Llama-AVSR's modality delimiters are added but not special.
  std::vector<AddedToken> addedTokens = {
      {0, "<|begin_of_text|>", true, false}, {0, "<|end_of_text|>", true, false},
      {0, "<audio>", false, true},           {0, "</audio>", false, true},
      {0, "<video>", false, true},           {0, "</video>", false, true},
      {0, "<pad>", true, false}};
  // Put before every sequence by the post-processor; must be one of addedTokens.
  std::string bosToken = "<|begin_of_text|>";
};

// Learns a byte-level BPE in the Llama 3 layout (its Split regex + ByteLevel
// pre-tokenizer, BOS template post-processor, ByteLevel decoder), the layout
// Tokenizer reads. Words are counted with the same PreTokenizer the tokenizer uses,
// so merges never cross word boundaries the tokenizer would cut. Each round merges
// the most frequent adjacent pair over all words (ties: the smaller left id, then
// the smaller right id), left to right and non-overlapping within a word, as
// Tokenizer's rank-ordered merging replays it. The result depends only on the texts
// (in any order) and the options.
class BpeTrainer {
 public:
  explicit BpeTrainer(BpeTrainerOptions options = {});

  // Counts the pre-tokenized words of one text (a line, a document).
  void addText(std::string_view text);

  // The tokenizer.json document: vocab ids 0..255 are the byte symbols in code point
  // order, then merged tokens in merge order, then the added tokens in the options'
  // order (their ids in AddedToken are ignored). Throws ConfigError when vocabSize leaves no room for them.
  nlohmann::json train() const;
  Tokenizer trainTokenizer() const;

  std::size_t distinctWords() const { return wordCounts_.size(); }

 private:
  BpeTrainerOptions options_;
  PreTokenizer preTokenizer_;
  std::map<std::string, std::int64_t> wordCounts_;  // ordered: training is order-free
};

}  // namespace sinkscope
