#include "core/train/PhonemeTable.h"

#include <fstream>

#include "core/base/Error.h"

namespace sinkscope {

const std::string& PhonemeTable::codes() {
  static const std::string kCodes =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "!#$%&()*+,-./:;<=>?@[]^_{|}~";
  return kCodes;
}

PhonemeTable PhonemeTable::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read the phoneme table " + path);
  PhonemeTable table;
  table.source_ = path;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (tab == std::string::npos) throw FormatError(where + "expected 'sentence<TAB>phoneme codes'");
    std::string coded = line.substr(tab + 1);
    for (const char ch : coded) {
      if (ch != ' ' && codes().find(ch) == std::string::npos)
        throw FormatError(where + "'" + std::string(1, ch) + "' is not a phoneme code");
    }
    table.rows_[line.substr(0, tab)] = std::move(coded);
  }
  if (table.rows_.empty()) throw FormatError(path + ": the phoneme table has no rows");
  return table;
}

const std::string& PhonemeTable::of(const std::string& sentence) const {
  const auto found = rows_.find(sentence);
  if (found == rows_.end())
    throw Error(source_ + " has no phonemes for \"" + sentence + "\" (run scripts/phonemise.py on this corpus)");
  return found->second;
}

}  // namespace sinkscope
