#include "core/train/CtcAlphabet.h"

namespace sinkscope {

const std::string& CtcAlphabet::symbols() {
  static const std::string kSymbols = " abcdefghijklmnopqrstuvwxyz'";
  return kSymbols;
}

std::int64_t CtcAlphabet::size() {
  return static_cast<std::int64_t>(symbols().size()) + 1;
}

std::vector<std::int64_t> CtcAlphabet::encode(const std::string& text) {
  std::vector<std::int64_t> ids;
  for (char c : text) {
    const auto at = symbols().find(c);
    if (at != std::string::npos) ids.push_back(static_cast<std::int64_t>(at) + 1);
  }
  return ids;
}

std::string CtcAlphabet::decodeGreedy(const std::vector<std::int64_t>& frameIds) {
  std::string out;
  std::int64_t previous = kBlank;
  for (std::int64_t id : frameIds) {
    if (id != previous && id != kBlank && id <= static_cast<std::int64_t>(symbols().size())) {
      out += symbols()[static_cast<std::size_t>(id - 1)];
    }
    previous = id;
  }
  return out;
}

}  // namespace sinkscope
