#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sinkscope {

// The sentences the text LM learns from, taken from text that Debian ships
// (sources and licences in docs/training.md) and written like the transcripts the
// AVSR model will produce (DESIGN §3): lower-case, one sentence per line, single
// spaces. Lines are de-duplicated and split into training and held-out sets by a
// hash of the line, so the split does not depend on the order of the sources.
class TextCorpus {
 public:
  struct Sources {
    std::string wordnetDir;              // glosses and quoted examples of data.{noun,verb,adj,adv}
    std::string fortunesDir;             // every cookie file except the ASCII-art ones
    std::vector<std::string> textFiles;  // one sentence per line, used as they are
  };

  // Reads every source. Throws Error naming a file or folder that cannot be read or
  // holds nothing usable.
  static TextCorpus build(const Sources& sources, double heldoutFraction);
  // From lines already in memory (normalised and split the same way).
  static TextCorpus fromLines(const std::vector<std::string>& lines, double heldoutFraction);

  // Lower-case ASCII, tabs and runs of white space as one space, trimmed. Empty when
  // the text has non-ASCII bytes or control characters (overstruck or binary fortunes),
  // so only plain English sentences remain.
  static std::string normalize(std::string_view text);

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
