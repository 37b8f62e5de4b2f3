#include "core/train/TextCorpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;

const char* const kWordnetFiles[] = {"data.noun", "data.verb", "data.adj", "data.adv"};
// Pictures, not sentences.
const char* const kSkippedFortuneFiles[] = {"art", "ascii-art"};
// Fortunes longer than this are poems or listings rather than sentences.
constexpr std::size_t kMaxFortuneChars = 600;
// Below this share of letters among the non-space characters a fortune is a table,
// code or a drawing.
constexpr double kMinLetterShare = 0.7;

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open corpus file " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

bool mostlyLetters(const std::string& text) {
  std::size_t letters = 0;
  std::size_t visible = 0;
  for (unsigned char c : text) {
    if (c == ' ') continue;
    ++visible;
    if (c >= 'a' && c <= 'z') ++letters;
  }
  return visible > 0 && static_cast<double>(letters) >= kMinLetterShare * static_cast<double>(visible);
}

// One WordNet gloss: the definition and its quoted examples, split at the
// semicolons outside quotes.
void splitGloss(const std::string& gloss, std::vector<std::string>& out) {
  std::string part;
  bool quoted = false;
  auto flush = [&] {
    std::string text = TextCorpus::normalize(part);
    // A quoted example; an attribution after the closing quote is dropped.
    if (text.size() >= 2 && text.front() == '"') {
      const auto close = text.find('"', 1);
      text = TextCorpus::normalize(close == std::string::npos ? text.substr(1) : text.substr(1, close - 1));
    }
    if (!text.empty()) out.push_back(text);
    part.clear();
  };
  for (char c : gloss) {
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      flush();
    } else {
      part.push_back(c);
    }
  }
  flush();
}

}  // namespace

std::string TextCorpus::normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pendingSpace = false;
  for (unsigned char c : text) {
    if (c >= 0x80) return {};
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pendingSpace = !out.empty();
      continue;
    }
    if (c < 0x20 || c == 0x7f) return {};
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return out;
}

std::string TextCorpus::transcriptKey(std::string_view sentence) {
  std::string key;
  std::string word;
  auto flush = [&] {
    std::size_t begin = 0;
    std::size_t end = word.size();
    while (begin < end && (word[begin] == '\'' || !isWordChar(word[begin]))) ++begin;
    while (end > begin && (word[end - 1] == '\'' || !isWordChar(word[end - 1]))) --end;
    std::string core;
    for (std::size_t i = begin; i < end; ++i) {
      if (isWordChar(word[i])) core.push_back(word[i]);
    }
    if (!core.empty()) key += (key.empty() ? "" : " ") + core;
    word.clear();
  };
  for (char c : sentence) {
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower == ' ' || lower == '\t' || lower == '\n' || lower == '-') {
      flush();
    } else {
      word.push_back(lower);
    }
  }
  flush();
  return key;
}

int TextCorpus::bucket(std::string_view line) {
  int lowest = 100;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    const bool end = i == line.size() ||
                     ((line[i] == '.' || line[i] == '!' || line[i] == '?') && (i + 1 == line.size() || line[i + 1] == ' '));
    if (!end) continue;
    const std::string key = transcriptKey(line.substr(start, i - start));
    if (!key.empty()) lowest = std::min(lowest, static_cast<int>(fnv1a(key) % 100));
    start = i + 1;
  }
  return lowest;
}

std::vector<std::string> TextCorpus::wordnetSentences(const std::string& dictDir) {
  std::vector<std::string> sentences;
  for (const char* name : kWordnetFiles) {
    const std::string path = (fs::path(dictDir) / name).string();
    for (const std::string& line : readLines(path)) {
      // The licence header lines start with spaces; synset lines with their offset.
      if (line.empty() || line[0] == ' ') continue;
      const auto bar = line.find(" | ");
      if (bar == std::string::npos) continue;
      splitGloss(line.substr(bar + 3), sentences);
    }
  }
  if (sentences.empty()) throw Error("no WordNet glosses found in " + dictDir + " (expected data.noun etc.)");
  return sentences;
}

std::vector<std::string> TextCorpus::fortuneSentences(const std::string& fortunesDir) {
  std::error_code error;
  if (!fs::is_directory(fortunesDir, error)) throw Error("fortunes folder " + fortunesDir + " does not exist");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fortunesDir)) {
    const std::string name = entry.path().filename().string();
    // name.dat is fortune's index, name.u8 a link to the same cookies.
    if (!entry.is_regular_file() || name.find('.') != std::string::npos) continue;
    if (std::find(std::begin(kSkippedFortuneFiles), std::end(kSkippedFortuneFiles), name) !=
        std::end(kSkippedFortuneFiles)) {
      continue;
    }
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> sentences;
  for (const std::string& file : files) {
    std::string cookie;
    auto flush = [&] {
      std::string text = normalize(cookie);
      if (!text.empty() && text.size() <= kMaxFortuneChars && mostlyLetters(text)) sentences.push_back(text);
      cookie.clear();
    };
    for (const std::string& line : readLines(file)) {
      if (line == "%") {
        flush();
      } else {
        cookie += line;
        cookie += '\n';
      }
    }
    flush();
  }
  if (sentences.empty()) throw Error("no fortune cookies found in " + fortunesDir);
  return sentences;
}

std::vector<std::string> TextCorpus::textFileLines(const std::string& path) {
  std::vector<std::string> lines;
  for (const std::string& line : readLines(path)) {
    std::string text = normalize(line);
    if (!text.empty()) lines.push_back(std::move(text));
  }
  if (lines.empty()) throw Error("corpus file " + path + " holds no usable line");
  return lines;
}

TextCorpus TextCorpus::build(const Sources& sources, int heldoutBuckets) {
  std::vector<std::string> lines;
  auto append = [&](std::vector<std::string> more) {
    lines.insert(lines.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  if (!sources.wordnetDir.empty()) append(wordnetSentences(sources.wordnetDir));
  if (!sources.fortunesDir.empty()) append(fortuneSentences(sources.fortunesDir));
  for (const std::string& file : sources.textFiles) append(textFileLines(file));
  return fromLines(lines, heldoutBuckets);
}

TextCorpus TextCorpus::fromLines(const std::vector<std::string>& lines, int heldoutBuckets) {
  TextCorpus corpus;
  std::unordered_set<std::string> seen;
  for (const std::string& raw : lines) {
    std::string line = normalize(raw);
    if (line.empty() || !seen.insert(line).second) continue;
    if (bucket(line) < heldoutBuckets) {
      corpus.heldout_.push_back(std::move(line));
    } else {
      corpus.train_.push_back(std::move(line));
    }
  }
  if (corpus.train_.empty() || corpus.heldout_.empty()) {
    throw Error("corpus of " + std::to_string(seen.size()) +
                " distinct lines leaves no training or no held-out line; add text or change data.heldout_buckets");
  }
  return corpus;
}

std::int64_t TextCorpus::characterCount() const {
  std::int64_t count = 0;
  for (const auto& line : train_) count += static_cast<std::int64_t>(line.size());
  for (const auto& line : heldout_) count += static_cast<std::int64_t>(line.size());
  return count;
}

void TextCorpus::write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error("cannot write corpus file " + path);
  for (const auto& line : train_) out << line << '\n';
  for (const auto& line : heldout_) out << line << '\n';
  if (!out) throw Error("cannot write corpus file " + path);
}

}  // namespace sinkscope
