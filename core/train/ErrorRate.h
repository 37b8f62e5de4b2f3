#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// Word and character error counts (Levenshtein distance: substitutions, deletions
// and insertions, each 1), summed over a set and divided by the reference length at
// the end, as jiwer does for a list of sentences. Words split at white space.
class ErrorRate {
 public:
  void add(const std::string& reference, const std::string& hypothesis);

  double wer() const;  // word edits / reference words (0 when no words)
  double cer() const;  // character edits / reference characters
  std::int64_t sentences() const { return sentences_; }

  static std::int64_t editDistance(const std::vector<std::string>& a, const std::vector<std::string>& b);
  static std::vector<std::string> words(const std::string& text);

 private:
  std::int64_t wordEdits_ = 0;
  std::int64_t referenceWords_ = 0;
  std::int64_t charEdits_ = 0;
  std::int64_t referenceChars_ = 0;
  std::int64_t sentences_ = 0;
};

}  // namespace sinkscope
