#pragma once

#include <string>
#include <vector>

namespace sinkscope {

// One step of a word alignment from a baseline transcript to another one.
struct WordEdit {
  enum class Kind { Same, Added, Removed, Changed };
  Kind kind = Kind::Same;
  std::string before;  // empty for Added
  std::string after;   // empty for Removed
};

// What an intervention did to the transcript: the word alignment with the fewest
// edits between the unmodified run and the intervened one, words normalised as for
// the word error rate (ErrorRate::normalize, punctuation kept). Among alignments with
// equal edits, matches and changes come before removals, then additions, as in
// ErrorRate::align, so the counts equal its substitutions, deletions and insertions.
class TranscriptDiff {
 public:
  static TranscriptDiff of(const std::string& before, const std::string& after);

  const std::vector<WordEdit>& edits() const { return edits_; }
  int added() const { return count(WordEdit::Kind::Added); }
  int removed() const { return count(WordEdit::Kind::Removed); }
  int changed() const { return count(WordEdit::Kind::Changed); }
  bool identical() const { return added() + removed() + changed() == 0; }

 private:
  int count(WordEdit::Kind kind) const;

  std::vector<WordEdit> edits_;
};

}  // namespace sinkscope
