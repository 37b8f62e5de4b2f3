#include "core/analysis/ErrorRate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

bool isAsciiPunctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool isSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char32_t lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1 capitals
  return c;
}

std::u32string decode(const std::string& text) {
  std::u32string out;
  std::size_t pos = 0;
  while (pos < text.size()) out.push_back(Utf8::next(text, pos));
  return out;
}

std::string encode(const std::u32string& text) {
  std::string out;
  for (char32_t c : text) Utf8::append(out, c);
  return out;
}

std::vector<std::u32string> splitWords(const std::u32string& normalized) {
  std::vector<std::u32string> words;
  std::u32string word;
  for (char32_t c : normalized) {
    if (c == ' ') {
      words.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

}  // namespace

double EditCounts::rate() const {
  return referenceLength > 0 ? static_cast<double>(errors()) / static_cast<double>(referenceLength)
                             : std::numeric_limits<double>::quiet_NaN();
}

void EditCounts::add(const EditCounts& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  referenceLength += other.referenceLength;
}

nlohmann::json EditCounts::toJson() const {
  return {{"substitutions", substitutions},
          {"deletions", deletions},
          {"insertions", insertions},
          {"reference_length", referenceLength},
          {"errors", errors()},
          {"rate", referenceLength > 0 ? nlohmann::json(rate()) : nlohmann::json()}};
}

EditCounts EditCounts::fromJson(const nlohmann::json& json) {
  EditCounts c;
  c.substitutions = json.at("substitutions").get<std::int64_t>();
  c.deletions = json.at("deletions").get<std::int64_t>();
  c.insertions = json.at("insertions").get<std::int64_t>();
  c.referenceLength = json.at("reference_length").get<std::int64_t>();
  return c;
}

std::string ErrorRate::normalize(const std::string& text, bool stripPunctuation) {
  std::u32string out;
  bool pendingSpace = false;
  for (char32_t c : decode(text)) {
    if (stripPunctuation && isAsciiPunctuation(c)) continue;
    if (isSpace(c)) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    out.push_back(lower(c));
  }
  return encode(out);
}

EditCounts ErrorRate::align(const std::vector<std::u32string>& reference, const std::vector<std::u32string>& hypothesis) {
  const std::size_t n = reference.size();
  const std::size_t m = hypothesis.size();
  // cost[i][j]: edits turning reference[0..i) into hypothesis[0..j).
  std::vector<std::vector<std::int64_t>> cost(n + 1, std::vector<std::int64_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) cost[i][0] = static_cast<std::int64_t>(i);
  for (std::size_t j = 0; j <= m; ++j) cost[0][j] = static_cast<std::int64_t>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::int64_t diagonal = cost[i - 1][j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
      cost[i][j] = std::min({diagonal, cost[i - 1][j] + 1, cost[i][j - 1] + 1});
    }
  }
  EditCounts counts;
  counts.referenceLength = static_cast<std::int64_t>(n);
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1)) {
      if (reference[i - 1] != hypothesis[j - 1]) ++counts.substitutions;
      --i;
      --j;
    } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
      ++counts.deletions;
      --i;
    } else {
      ++counts.insertions;
      --j;
    }
  }
  return counts;
}

EditCounts ErrorRate::words(const std::string& reference, const std::string& hypothesis) const {
  return align(splitWords(decode(normalize(reference, stripPunctuation_))),
               splitWords(decode(normalize(hypothesis, stripPunctuation_))));
}

EditCounts ErrorRate::characters(const std::string& reference, const std::string& hypothesis) const {
  const auto asUnits = [&](const std::string& text) {
    std::vector<std::u32string> units;
    for (char32_t c : decode(normalize(text, stripPunctuation_))) units.emplace_back(1, c);
    return units;
  };
  return align(asUnits(reference), asUnits(hypothesis));
}

void ErrorRate::add(const std::string& reference, const std::string& hypothesis) {
  words_.add(words(reference, hypothesis));
  characters_.add(characters(reference, hypothesis));
}

}  // namespace sinkscope
