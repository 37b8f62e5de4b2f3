#include "core/corpus/SentenceSource.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_set>
#include <sstream>

#include "core/base/Error.h"
#include "core/corpus/CorpusRng.h"

namespace sinkscope::corpus {

namespace {

namespace fs = std::filesystem;

// Fortune files read for sentences: general quotations and jokes. Files of ASCII art,
// and those whose humour is about ethnicity, sex or drugs, are left out on purpose.
const char* const kFortuneFiles[] = {
    "computers", "cookie", "definitions", "education", "food", "fortunes", "goedel",
    "humorists", "kids", "law", "linux", "literature", "love", "magic", "medicine",
    "miscellaneous", "news", "paradoxum", "people", "pets", "platitudes", "pratchett",
    "riddles", "science", "songs-poems", "sports", "startrek", "tao", "translate-me",
    "wisdom", "work", "zippy"};

// Abbreviations that a TTS engine expands in its own way: a sentence holding one is
// dropped rather than guessed.
const std::set<std::string> kAbbreviations = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "etc", "vs", "eg", "ie", "inc", "ltd",
    "co", "vol", "pp", "ch", "prof", "gen", "col", "capt", "lt", "sgt", "rev",
    "ft", "mt", "dept", "univ", "approx", "fig", "esp"};

const char* const kOnes[] = {"zero", "one", "two", "three", "four", "five", "six", "seven",
                             "eight", "nine", "ten", "eleven", "twelve", "thirteen",
                             "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                             "nineteen"};
const char* const kTens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
                             "seventy", "eighty", "ninety"};

std::string spellBelowThousand(long v) {
  std::string out;
  if (v >= 100) {
    out = std::string(kOnes[v / 100]) + " hundred";
    v %= 100;
    if (v == 0) return out;
    out += " ";
  }
  if (v < 20) return out + kOnes[v];
  out += kTens[v / 10];
  if (v % 10) out += std::string(" ") + kOnes[v % 10];
  return out;
}

bool isPauseMark(char c) { return c == ',' || c == ';' || c == ':'; }

bool isStrippable(char c) {
  return c == '"' || c == '\'' || c == '`' || c == ',' || c == '.' || c == ';' || c == ':' ||
         c == '!' || c == '?';
}

}  // namespace

std::string splitName(CorpusSplit split) {
  switch (split) {
    case CorpusSplit::Train: return "train";
    case CorpusSplit::Valid: return "valid";
    case CorpusSplit::Test: return "test";
    case CorpusSplit::Noise: return "noise";
  }
  return "train";
}

std::string SentenceSource::spellNumber(long value) {
  if (value < 0 || value > 999999) throw Error("spellNumber: " + std::to_string(value) + " outside 0..999999");
  if (value < 1000) return spellBelowThousand(value);
  std::string out = spellBelowThousand(value / 1000) + " thousand";
  if (value % 1000) out += " " + spellBelowThousand(value % 1000);
  return out;
}

std::vector<std::string> SentenceSource::splitSentences(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    current += text[i];
    const char c = text[i];
    const bool end = c == '.' || c == '!' || c == '?';
    const bool followedBySpace = i + 1 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])) ||
                                 text[i + 1] == '"';
    if (end && followedBySpace) {
      // A closing quote belongs to the sentence it closes.
      while (i + 1 < text.size() && text[i + 1] == '"') current += text[++i];
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

std::optional<Sentence> SentenceSource::normalize(const std::string& raw, const std::string& source) {
  for (unsigned char c : raw) {
    if (c >= 0x80) return std::nullopt;
    if (std::isalnum(c) || std::isspace(c)) continue;
    if (std::string("'\",.;:!?-`").find(static_cast<char>(c)) == std::string::npos) return std::nullopt;
  }
  // A double hyphen is a dash (a pause); a single one joins words that are spoken
  // separately ("well-known" -> "well known").
  std::string text;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '-' && i + 1 < raw.size() && raw[i + 1] == '-') {
      text += " , ";
      while (i + 1 < raw.size() && raw[i + 1] == '-') ++i;
    } else if (raw[i] == '-') {
      text += ' ';
    } else {
      text += raw[i];
    }
  }

  std::vector<std::string> words;
  std::vector<bool> pauseAfter;
  char finalMark = '.';
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    std::size_t begin = 0;
    std::size_t end = token.size();
    bool pause = false;
    while (begin < end && isStrippable(token[begin])) ++begin;
    while (end > begin && isStrippable(token[end - 1])) {
      const char c = token[end - 1];
      if (isPauseMark(c)) pause = true;
      if (c == '?' || c == '!') finalMark = c;
      --end;
    }
    if (begin == end) {  // a lone mark such as the " , " left by a dash
      if (!pauseAfter.empty() && isPauseMark(token[0])) pauseAfter.back() = true;
      continue;
    }
    const std::string core = token.substr(begin, end - begin);
    std::string lower;
    for (char c : core) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // "Mr." and friends; the trailing period was stripped above.
    if (end < token.size() && token[end] == '.' && kAbbreviations.count(lower)) return std::nullopt;
    if (core.find('.') != std::string::npos || core.find(';') != std::string::npos ||
        core.find(':') != std::string::npos || core.find('"') != std::string::npos ||
        core.find('!') != std::string::npos || core.find('?') != std::string::npos ||
        core.find(',') != std::string::npos || core.find('`') != std::string::npos)
      return std::nullopt;

    const bool allDigits = std::all_of(core.begin(), core.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    const bool anyDigit = std::any_of(core.begin(), core.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (allDigits) {
      if (core.size() > 6 || (core.size() > 1 && core[0] == '0')) return std::nullopt;
      std::istringstream spelled(spellNumber(std::stol(core)));
      std::string w;
      while (spelled >> w) {
        words.push_back(w);
        pauseAfter.push_back(false);
      }
      pauseAfter.back() = pause;
      continue;
    }
    if (anyDigit) return std::nullopt;
    const int upper = static_cast<int>(std::count_if(core.begin(), core.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }));
    if (core.size() >= 2 && upper == static_cast<int>(core.size())) return std::nullopt;  // acronym
    if (core.size() == 1 && lower != "a" && lower != "i") return std::nullopt;            // spelled letter
    if (core.size() > 20) return std::nullopt;
    // Apostrophes stay inside words (don't, o'clock); at the edges they were quotes.
    if (lower.find("''") != std::string::npos) return std::nullopt;
    words.push_back(lower);
    pauseAfter.push_back(pause);
  }
  const int count = static_cast<int>(words.size());
  if (count < kMinWords || count > kMaxWords) return std::nullopt;

  Sentence s;
  s.source = source;
  s.wordCount = count;
  for (int i = 0; i < count; ++i) {
    if (i) s.text += ' ';
    s.text += words[i];
    s.speech += words[i];
    if (i + 1 < count) s.speech += pauseAfter[i] ? ", " : " ";
  }
  s.speech += finalMark == '!' ? '.' : finalMark;
  return s;
}

CorpusSplit SentenceSource::splitOf(const std::string& text) {
  const std::uint64_t bucket = CorpusRng::hashText(text) % 100;
  if (bucket < 2) return CorpusSplit::Test;
  if (bucket < 4) return CorpusSplit::Valid;
  if (bucket < 6) return CorpusSplit::Noise;
  return CorpusSplit::Train;
}

void SentenceSource::add(const std::string& raw, const std::string& source) {
  auto sentence = normalize(raw, source);
  if (!sentence) return;
  if (!seen_.insert(sentence->text).second) return;
  sentences_.push_back(std::move(*sentence));
}

SentenceSource SentenceSource::fromRaw(const std::vector<std::pair<std::string, std::string>>& rawAndSource) {
  SentenceSource out;
  for (const auto& [raw, source] : rawAndSource) out.add(raw, source);
  return out;
}

SentenceSource SentenceSource::load(const std::string& wordnetDir, const std::string& fortunesDir) {
  SentenceSource out;
  std::vector<std::pair<std::string, std::string>> raw;
  for (const char* part : {"noun", "verb", "adj", "adv"}) {
    std::ifstream in(wordnetDir + "/data." + part);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("  ", 0) == 0) continue;  // the licence header
      const auto bar = line.find(" | ");
      if (bar == std::string::npos) continue;
      std::string gloss = line.substr(bar + 3);
      // A gloss is "definition; "example"; "example"".
      std::size_t pos = 0;
      bool first = true;
      while (pos < gloss.size()) {
        while (pos < gloss.size() && (gloss[pos] == ' ' || gloss[pos] == ';')) ++pos;
        if (pos >= gloss.size()) break;
        if (gloss[pos] == '"') {
          const auto close = gloss.find('"', pos + 1);
          const std::string example = gloss.substr(pos + 1, (close == std::string::npos ? gloss.size() : close) - pos - 1);
          raw.emplace_back(example, "wordnet-example");
          pos = close == std::string::npos ? gloss.size() : close + 1;
          // Attributions after an example ("- Shakespeare") are skipped with the rest.
          const auto semi = gloss.find(';', pos);
          pos = semi == std::string::npos ? gloss.size() : semi;
        } else {
          const auto semi = gloss.find(';', pos);
          const std::string definition = gloss.substr(pos, (semi == std::string::npos ? gloss.size() : semi) - pos);
          if (first) raw.emplace_back(definition, "wordnet-gloss");
          pos = semi == std::string::npos ? gloss.size() : semi;
        }
        first = false;
      }
    }
  }
  for (const char* name : kFortuneFiles) {
    std::ifstream in(fortunesDir + "/" + name);
    if (!in) continue;
    std::string line;
    std::string fortune;
    auto flush = [&] {
      for (const auto& s : splitSentences(fortune)) raw.emplace_back(s, std::string("fortunes/") + name);
      fortune.clear();
    };
    while (std::getline(in, line)) {
      if (line == "%") {
        flush();
        continue;
      }
      const auto firstChar = line.find_first_not_of(" \t");
      if (firstChar == std::string::npos) continue;
      if (line.compare(firstChar, 2, "--") == 0) continue;  // attribution line
      fortune += line.substr(firstChar) + " ";
    }
    flush();
  }
  for (const auto& [text, source] : raw) out.add(text, source);
  if (out.sentences_.empty())
    throw Error("no sentences found in " + wordnetDir + " or " + fortunesDir +
                " (install wordnet-base and fortunes)");
  return out;
}

std::vector<const Sentence*> SentenceSource::ofSplit(CorpusSplit split) const {
  std::vector<const Sentence*> out;
  for (const auto& s : sentences_)
    if (splitOf(s.text) == split) out.push_back(&s);
  return out;
}

}  // namespace sinkscope::corpus
