#include "core/text/Normalizer.h"

#include "core/text/TokenizerJson.h"

namespace sinkscope {

Normalizer Normalizer::fromJson(const nlohmann::json& node, const std::string& file) {
  if (!node.is_null()) {
    const std::string type = TokenizerJson::string(node, "type", file, "normalizer");
    if (type != "NFC") {
      TokenizerJson::fail(file, "normalizer.type", "unsupported normalizer \"" + type + "\"");
    }
  }
  return Normalizer();
}

}  // namespace sinkscope
