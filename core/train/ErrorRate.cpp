#include "core/train/ErrorRate.h"

#include <algorithm>
#include <sstream>

namespace sinkscope {

std::vector<std::string> ErrorRate::words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

std::int64_t ErrorRate::editDistance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::int64_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<std::int64_t>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<std::int64_t>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::int64_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({substitution, previous[j] + 1, current[j - 1] + 1});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

void ErrorRate::add(const std::string& reference, const std::string& hypothesis) {
  const auto refWords = words(reference);
  wordEdits_ += editDistance(refWords, words(hypothesis));
  referenceWords_ += static_cast<std::int64_t>(refWords.size());
  // Characters of the space-normalised sentences, spaces included (jiwer's cer).
  auto characters = [](const std::vector<std::string>& w) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (i > 0) out.emplace_back(" ");
      for (char c : w[i]) out.emplace_back(1, c);
    }
    return out;
  };
  const auto refChars = characters(refWords);
  charEdits_ += editDistance(refChars, characters(words(hypothesis)));
  referenceChars_ += static_cast<std::int64_t>(refChars.size());
  ++sentences_;
}

double ErrorRate::wer() const {
  return referenceWords_ > 0 ? static_cast<double>(wordEdits_) / static_cast<double>(referenceWords_) : 0.0;
}

double ErrorRate::cer() const {
  return referenceChars_ > 0 ? static_cast<double>(charEdits_) / static_cast<double>(referenceChars_) : 0.0;
}

}  // namespace sinkscope
