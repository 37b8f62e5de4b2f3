#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "decoder" of tokenizer.json: token strings back to text, as a chain of HF
// decoder steps, each mapping the list of pieces to a new list:
//   ByteLevel     characters back to bytes (a token with a character outside the
//                 byte map, such as an added token with a space, is taken as its
//                 own UTF-8), joined, invalid UTF-8 repaired as Rust's
//                 from_utf8_lossy does;
//   Replace       plain-string replacement in each piece ("▁" -> " ");
//   ByteFallback  runs of <0xXX> pieces to their bytes, one U+FFFD per byte when
//                 the run is not valid UTF-8;
//   Fuse          all pieces joined;
//   Strip         up to `start` leading / `stop` trailing `content` characters cut;
//   Metaspace     "▁" to " ", dropped in the first piece unless prepend_scheme is never.
// Without a decoder HF joins the tokens with spaces.
class Decoder {
 public:
  static Decoder fromJson(const nlohmann::json& node, const std::string& file);

  std::string decode(const std::vector<std::string>& tokens) const;
  bool byteLevel() const { return byteLevel_; }
  // One token for display: the Replace and Metaspace steps only.
  std::string display(const std::string& token) const;

 private:
  enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace };
  struct Step {
    Kind kind = Kind::Fuse;
    std::string pattern;      // Replace: what is replaced; Metaspace: the replacement character
    std::string content;      // Replace: the replacement
    char32_t stripChar = 0;   // Strip
    std::size_t start = 0;    // Strip
    std::size_t stop = 0;     // Strip
    bool dropFirst = true;    // Metaspace: prepend_scheme is not never
  };

  static void parse(const nlohmann::json& node, const std::string& file, const std::string& key,
                    std::vector<Step>& steps);
  static void apply(const Step& step, std::vector<std::string>& pieces);

  std::vector<Step> steps_;
  bool byteLevel_ = false;
};

}  // namespace sinkscope
