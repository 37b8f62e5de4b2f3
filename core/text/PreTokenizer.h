#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The pre_tokenizer of tokenizer.json: splits the text between added tokens into
// the words the model tokenizes one by one. std::regex has no \p{L}, so the two
// regexes in use are hand-written scanners that reproduce Oniguruma's leftmost,
// backtracking matches:
//   Llama 3: Split(Isolated) on
//     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//      ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   GPT-2: ByteLevel(use_regex=true), or a Split on
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// A Split with any other pattern is rejected, naming the pattern. Metaspace (the
// SentencePiece layout: spaces become "▁", one is prepended, split before each)
// is supported as the last step.
class PreTokenizer {
 public:
  enum class Pattern { Llama3, Gpt2 };

  // `node` is the "pre_tokenizer" value (null: the whole text is one word).
  static PreTokenizer fromJson(const nlohmann::json& node, const std::string& file);

  // Appends the words of `text`, byte-level mapped when the configuration has a
  // ByteLevel step; empty words are dropped. `atTextStart`: `text` begins the
  // input (Metaspace's prepend_scheme "first" prepends only there).
  void split(std::string_view text, bool atTextStart, std::vector<std::string>& words) const;

  bool byteLevel() const { return byteLevel_; }

  // Byte offsets where the matches of `pattern` in `text` end (the last is text.size()).
  static std::vector<std::size_t> matchEnds(Pattern pattern, std::string_view text);

 private:
  enum class Kind { Split, ByteLevel, Metaspace };
  enum class Prepend { Always, First, Never };
  struct Step {
    Kind kind = Kind::Split;
    Pattern pattern = Pattern::Gpt2;  // Split
    bool addPrefixSpace = false;      // ByteLevel
    bool useRegex = false;            // ByteLevel
    std::string replacement;          // Metaspace
    Prepend prepend = Prepend::Always;  // Metaspace
    bool splitOnReplacement = true;   // Metaspace
  };

  static void parseStep(const nlohmann::json& node, const std::string& file, const std::string& key,
                        std::vector<Step>& steps);
  static void splitPieces(Pattern pattern, std::vector<std::string>& pieces);
  static void metaspace(const Step& step, bool atTextStart, std::vector<std::string>& pieces);

  std::vector<Step> steps_;
  bool byteLevel_ = false;
};

}  // namespace sinkscope
