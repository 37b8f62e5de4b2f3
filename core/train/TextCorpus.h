#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sinkscope {

// The sentences the text LM learns from, taken from text that Debian ships
// (sources and licences in docs/training.md) and written like the transcripts the
// AVSR model will produce (DESIGN §3): lower-case, one sentence per line, single
// spaces. Lines are de-duplicated and split into training and held-out sets with
// the AVSR corpus's own rule (docs/corpus.md: FNV-1a-64 of the transcript mod 100,
// 0-1 test, 2-3 valid): a line is held out when one of its sentences, in transcript
// form, falls in the first `heldoutBuckets` of the 100 buckets. With the default 4
// the language model never trains on a sentence the AVSR model is validated or
// tested on, and the split does not depend on the order of the sources.
class TextCorpus {
 public:
  struct Sources {
    std::string wordnetDir;              // glosses and quoted examples of data.{noun,verb,adj,adv}
    std::string fortunesDir;             // every cookie file except the ASCII-art ones
    std::vector<std::string> textFiles;  // one sentence per line, used as they are
  };

  // Reads every source. Throws Error naming a file or folder that cannot be read or
  // holds nothing usable.
  static TextCorpus build(const Sources& sources, int heldoutBuckets);
  // From lines already in memory (normalised and split the same way).
  static TextCorpus fromLines(const std::vector<std::string>& lines, int heldoutBuckets);

  // Lower-case ASCII, tabs and runs of white space as one space, trimmed. Empty when
  // the text has non-ASCII bytes or control characters (overstruck or binary fortunes),
  // so only plain English sentences remain.
  static std::string normalize(std::string_view text);

  // A sentence as the AVSR corpus writes its transcript: lower case, hyphens as
  // spaces, words stripped of punctuation at their edges, single spaces. (The corpus
  // also spells out numbers; a sentence with digits gets another key here.)
  static std::string transcriptKey(std::string_view sentence);
  // Bucket 0..99 of a line: the lowest over its sentences (split at . ! ?).
  static int bucket(std::string_view line);

  static std::vector<std::string> wordnetSentences(const std::string& dictDir);
  static std::vector<std::string> fortuneSentences(const std::string& fortunesDir);
  static std::vector<std::string> textFileLines(const std::string& path);

  const std::vector<std::string>& trainLines() const { return train_; }
  const std::vector<std::string>& heldoutLines() const { return heldout_; }
  std::int64_t characterCount() const;

  // All lines, training ones first, one per line: a text file that fromLines (and
  // text_files in a config) reads back to the same split.
  void write(const std::string& path) const;

 private:
  std::vector<std::string> train_;
  std::vector<std::string> heldout_;
};

}  // namespace sinkscope
