#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "decoder" of tokenizer.json: token strings back to text. ByteLevel maps
// each token's characters back to bytes (a token with a character outside the
// byte map, such as an added token with a space, is taken as its own UTF-8),
// then repairs invalid UTF-8 as Rust's from_utf8_lossy does. Without a decoder,
// HF joins the tokens with spaces.
class Decoder {
 public:
  static Decoder fromJson(const nlohmann::json& node, const std::string& file);

  std::string decode(const std::vector<std::string>& tokens) const;
  bool byteLevel() const { return byteLevel_; }

 private:
  bool byteLevel_ = false;
};

}  // namespace sinkscope
