#include "core/text/Decoder.h"

#include "core/text/ByteLevel.h"
#include "core/text/TokenizerJson.h"
#include "core/text/Utf8.h"

namespace sinkscope {

Decoder Decoder::fromJson(const nlohmann::json& node, const std::string& file) {
  Decoder decoder;
  if (node.is_null()) return decoder;
  const std::string type = TokenizerJson::string(node, "type", file, "decoder");
  if (type != "ByteLevel") {
    TokenizerJson::fail(file, "decoder.type", "unsupported decoder \"" + type + "\"");
  }
  decoder.byteLevel_ = true;
  return decoder;
}

std::string Decoder::decode(const std::vector<std::string>& tokens) const {
  std::string text;
  if (!byteLevel_) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) text += ' ';
      text += tokens[i];
    }
    return text;
  }
  for (const std::string& token : tokens) {
    if (!ByteLevel::decode(token, text)) text += token;
  }
  return Utf8::lossy(text);
}

}  // namespace sinkscope
