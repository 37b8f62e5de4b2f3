#include "core/text/PhonemeCodeTokens.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/text/ByteLevel.h"
#include "core/text/Tokenizer.h"

namespace sinkscope {

namespace fs = std::filesystem;

std::vector<std::int64_t> PhonemeCodeTokens::ofLlm(const std::string& llmDir) {
  const fs::path training = fs::path(llmDir) / "training.json";
  if (!fs::exists(training)) return {};
  nlohmann::json info;
  {
    std::ifstream in(training);
    info = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }
  if (info.is_discarded()) throw FormatError(training.string() + ": not valid JSON");
  const nlohmann::json::json_pointer key("/config/data/drill_phonemes");
  if (!info.contains(key) || !info.at(key).is_string() || info.at(key).get<std::string>().empty()) return {};

  const Tokenizer tokenizer = Tokenizer::fromFile((fs::path(llmDir) / "tokenizer.json").string());
  std::vector<std::int64_t> ids;
  for (int byte = 0x80; byte <= 0xFF; ++byte) {
    const auto id = tokenizer.tokenId(ByteLevel::encode(std::string(1, static_cast<char>(byte))));
    if (id) ids.push_back(*id);
  }
  return ids;
}

}  // namespace sinkscope
