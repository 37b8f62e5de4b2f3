#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace sinkscope::corpus {

enum class CorpusSplit { Train, Valid, Test, Noise };

std::string splitName(CorpusSplit split);  // "train", "valid", "test", "noise"

// One speakable sentence. `text` is the transcript (lower case, letters, apostrophes
// and single spaces); `speech` is what the TTS engines read: the same words with the
// pauses (commas) and the final mark of the original, so the prosody stays natural
// while every spoken word is in the transcript.
struct Sentence {
  std::string text;
  std::string speech;
  std::string source;  // "wordnet-gloss", "wordnet-example", "fortunes/<file>"
  int wordCount = 0;
};

// English sentences from Debian-packaged text (WordNet glosses and examples, fortune
// cookies), normalised and filtered to 3..16 words, deduplicated on the transcript.
class SentenceSource {
 public:
  static constexpr int kMinWords = 3;
  static constexpr int kMaxWords = 16;

  // Reads <wordnetDir>/data.{noun,verb,adj,adv} and the fortune files of the allow
  // list found in fortunesDir. Missing folders contribute nothing; no sentence at all
  // throws Error naming both folders.
  static SentenceSource load(const std::string& wordnetDir = "/usr/share/wordnet",
                             const std::string& fortunesDir = "/usr/share/games/fortunes");
  static SentenceSource fromRaw(const std::vector<std::pair<std::string, std::string>>& rawAndSource);

  // Normalises one raw sentence, or returns nothing when it is not cleanly speakable
  // (symbols, abbreviations, acronyms, non-ASCII, digits mixed with letters, length).
  static std::optional<Sentence> normalize(const std::string& raw, const std::string& source);
  // Splits running text (a fortune) into raw sentences at . ! ? followed by space.
  static std::vector<std::string> splitSentences(const std::string& text);
  // "1984" -> "one thousand nine hundred eighty four" (0..999999).
  static std::string spellNumber(long value);
  // Which split a transcript belongs to, from its hash alone, so that splits stay
  // disjoint for every seed: 2 % test, 2 % valid, 2 % babble material, the rest train.
  static CorpusSplit splitOf(const std::string& text);

  const std::vector<Sentence>& sentences() const { return sentences_; }
  std::vector<const Sentence*> ofSplit(CorpusSplit split) const;

 private:
  void add(const std::string& raw, const std::string& source);
  std::vector<Sentence> sentences_;
  std::unordered_set<std::string> seen_;  // accepted transcripts
};

}  // namespace sinkscope::corpus
