#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// Edit counts of one or many hypothesis/reference pairs (summed over pairs).
struct EditCounts {
  std::int64_t substitutions = 0;
  std::int64_t deletions = 0;
  std::int64_t insertions = 0;
  std::int64_t referenceLength = 0;

  std::int64_t errors() const { return substitutions + deletions + insertions; }
  // errors / reference length; null in JSON (NaN here) for an empty reference.
  double rate() const;
  void add(const EditCounts& other);
  nlohmann::json toJson() const;
  static EditCounts fromJson(const nlohmann::json& json);
};

// Corpus-level word and character error rates with Llama-AVSR's normalisation:
// lower case, words split on whitespace (so runs of whitespace count as one space),
// optionally with ASCII punctuation removed first. The rates are the summed edits
// over the summed reference lengths (jiwer's corpus WER/CER), characters being
// Unicode code points of the normalised text, spaces included.
class ErrorRate {
 public:
  explicit ErrorRate(bool stripPunctuation = false) : stripPunctuation_(stripPunctuation) {}

  // Lower-cases ASCII and Latin-1 letters (the transcripts' alphabet), drops
  // punctuation when asked, and joins the words with single spaces.
  static std::string normalize(const std::string& text, bool stripPunctuation);

  // Minimum edits turning `reference` into `hypothesis`; among equal totals the
  // alignment prefers hits and substitutions, then deletions.
  static EditCounts align(const std::vector<std::u32string>& reference, const std::vector<std::u32string>& hypothesis);

  EditCounts words(const std::string& reference, const std::string& hypothesis) const;
  EditCounts characters(const std::string& reference, const std::string& hypothesis) const;

  // Adds one utterance to the corpus totals.
  void add(const std::string& reference, const std::string& hypothesis);
  const EditCounts& wordTotals() const { return words_; }
  const EditCounts& characterTotals() const { return characters_; }
  double wer() const { return words_.rate(); }
  double cer() const { return characters_.rate(); }

 private:
  bool stripPunctuation_;
  EditCounts words_;
  EditCounts characters_;
};

}  // namespace sinkscope
