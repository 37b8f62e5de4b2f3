#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sinkscope {

class PhonemeTable;
class Tokenizer;

// What an encoder's CTC head spells (ctc.units): the characters of CtcAlphabet, or the
// LLM's own BPE tokens (a tokenizer.json). Id 0 is the blank either way; token t is
// id t + 1. Token units exist because a character-CTC encoder tells its frames apart
// by letter, and the frozen LLM of the fine-tuning, which only ever saw whole BPE
// tokens, then has to assemble words from letters through rank-16 LoRA; with token
// units the frames that fire say which token is being spoken, which is what the
// projector must hand the LLM (and what the transcription drills teach it to copy).
//
// Phoneme units ("phonemes:TABLE", a PhonemeTable): id 1 is the word break, id 2 + i
// the i-th code of PhonemeTable::codes(). Why: a character head has to learn English
// spelling from the corpus's 10 000 utterances, and its misses are phonetic spellings;
// the voices' phonemes are regular, and the spelling can come from an LLM that learnt
// it from the whole text corpus.
class CtcUnits {
 public:
  static constexpr std::int64_t kBlank = 0;
  static constexpr const char* kCharacters = "characters";
  static constexpr const char* kPhonemesPrefix = "phonemes:";

  // "characters", "phonemes:" and a PhonemeTable's path, or the path of a tokenizer.json
  // (throws Error naming the file if unreadable).
  static CtcUnits fromSetting(const std::string& units);

  std::int64_t size() const;  // blank included
  bool tokens() const { return tokenizer_ != nullptr; }
  bool phonemes() const { return phonemes_ != nullptr; }
  // Symbols outside the units (characters off the alphabet) are dropped; phoneme units
  // look the sentence up (throws Error when the table lacks it).
  std::vector<std::int64_t> encode(const std::string& text) const;
  // What decodeGreedy of a perfect head gives for `text`: the text itself, or its coded
  // phonemes; error rates compare against this.
  std::string reference(const std::string& text) const;
  // Greedy CTC: repeated ids merged, blanks removed.
  std::string decodeGreedy(const std::vector<std::int64_t>& frameIds) const;
  // For every unit id, the CtcAlphabet ids that spell it: {kBlank} for the blank, the
  // character itself in character mode, a token's characters in token mode, and
  // nothing for a unit the alphabet cannot spell (special tokens, digits, capitals, and
  // every phoneme but the word break).
  // This is what lets a character head seed a token head (CtcTrainer).
  std::vector<std::vector<std::int64_t>> spellings() const;

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;  // null: characters or phonemes
  std::shared_ptr<const PhonemeTable> phonemes_;  // null: characters or tokens
};

}  // namespace sinkscope
