#include "core/analysis/TranscriptDiff.h"

#include <algorithm>
#include <sstream>

#include "core/analysis/ErrorRate.h"

namespace sinkscope {

namespace {

std::vector<std::string> wordsOf(const std::string& text) {
  std::istringstream in(ErrorRate::normalize(text, false));
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

TranscriptDiff TranscriptDiff::of(const std::string& before, const std::string& after) {
  const std::vector<std::string> a = wordsOf(before);
  const std::vector<std::string> b = wordsOf(after);
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // cost[i][j]: fewest edits turning a[i..] into b[j..]; filled from the end so the
  // walk below reads the alignment front to back.
  std::vector<std::vector<int>> cost(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n + 1; i-- > 0;) {
    for (std::size_t j = m + 1; j-- > 0;) {
      if (i == n) {
        cost[i][j] = static_cast<int>(m - j);
      } else if (j == m) {
        cost[i][j] = static_cast<int>(n - i);
      } else {
        const int diagonal = cost[i + 1][j + 1] + (a[i] == b[j] ? 0 : 1);
        cost[i][j] = std::min({diagonal, cost[i + 1][j] + 1, cost[i][j + 1] + 1});
      }
    }
  }
  TranscriptDiff diff;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && cost[i][j] == cost[i + 1][j + 1] + (a[i] == b[j] ? 0 : 1)) {
      diff.edits_.push_back({a[i] == b[j] ? WordEdit::Kind::Same : WordEdit::Kind::Changed, a[i], b[j]});
      ++i;
      ++j;
    } else if (i < n && cost[i][j] == cost[i + 1][j] + 1) {
      diff.edits_.push_back({WordEdit::Kind::Removed, a[i], {}});
      ++i;
    } else {
      diff.edits_.push_back({WordEdit::Kind::Added, {}, b[j]});
      ++j;
    }
  }
  return diff;
}

int TranscriptDiff::count(WordEdit::Kind kind) const {
  return static_cast<int>(std::count_if(edits_.begin(), edits_.end(), [kind](const WordEdit& e) { return e.kind == kind; }));
}

}  // namespace sinkscope
