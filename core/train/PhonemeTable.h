#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sinkscope {

// The phonemes of every corpus sentence, as scripts/phonemise.py writes them: one row
// per sentence, "sentence<TAB>codes", where each phoneme is one character of kCodes
// and words are separated by single spaces. Why a table and not espeak-ng here: the
// trainer builds with LibTorch alone (it runs on GPU machines without espeak-ng), and a
// table made once keeps the codes of the encoder's CTC head and of the LLM's phoneme
// drills the same.
class PhonemeTable {
 public:
  // The code alphabet, in the order phonemise.py hands codes out; a unit's index in it
  // is fixed, so heads trained on tables of different sizes agree.
  static const std::string& codes();

  // Throws Error naming `path` and the line when the file is unreadable or a row is
  // malformed (no tab, a code off the alphabet).
  static PhonemeTable fromFile(const std::string& path);

  // The coded phonemes of `sentence`; throws Error when the table has no row for it.
  const std::string& of(const std::string& sentence) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::unordered_map<std::string, std::string> rows_;
};

}  // namespace sinkscope
