#include "core/text/PreTokenizer.h"

#include "core/text/ByteLevel.h"
#include "core/text/TokenizerJson.h"
#include "core/text/UnicodeCategory.h"
#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

const char* const kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kGpt2Regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// The text as code points, with the byte offset of each (offsets has one more
// entry: the end), so scanners index characters and cut bytes.
struct CodePoints {
  std::vector<char32_t> chars;
  std::vector<std::size_t> offsets;

  explicit CodePoints(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      offsets.push_back(pos);
      chars.push_back(Utf8::next(text, pos));
    }
    offsets.push_back(text.size());
  }
  std::size_t size() const { return chars.size(); }
};

bool isLetter(char32_t c) { return UnicodeCategory::isLetter(c); }
bool isNumber(char32_t c) { return UnicodeCategory::isNumber(c); }
bool isSpace(char32_t c) { return UnicodeCategory::isWhiteSpace(c); }
bool isNewline(char32_t c) { return c == '\r' || c == '\n'; }
bool isOther(char32_t c) { return !isSpace(c) && !isLetter(c) && !isNumber(c); }

// Simple case folding restricted to the letters of the contractions: Oniguruma's
// (?i) also folds U+017F LATIN SMALL LETTER LONG S to 's'.
char32_t foldContraction(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  if (c == 0x17F) return 's';
  return c;
}

// Length in characters of 's|'t|'re|'ve|'m|'ll|'d at i, 0 when none matches.
std::size_t contraction(const CodePoints& cp, std::size_t i, bool ignoreCase) {
  const std::size_t n = cp.size();
  if (cp.chars[i] != '\'' || i + 1 >= n) return 0;
  auto at = [&](std::size_t k) -> char32_t {
    if (k >= n) return 0;
    return ignoreCase ? foldContraction(cp.chars[k]) : cp.chars[k];
  };
  const char32_t a = at(i + 1);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  const char32_t b = at(i + 2);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

std::size_t runEnd(const CodePoints& cp, std::size_t i, bool (*inClass)(char32_t)) {
  while (i < cp.size() && inClass(cp.chars[i])) ++i;
  return i;
}

// \s+(?!\S) then \s+ at i (cp[i] is white space): the run minus its last
// character when a non-space follows it, so that character can lead the next word.
std::size_t spaceRun(const CodePoints& cp, std::size_t i) {
  const std::size_t end = runEnd(cp, i, isSpace);
  if (end < cp.size() && end - i > 1) return end - 1;
  return end;
}

std::size_t llama3Match(const CodePoints& cp, std::size_t i) {
  const std::size_t n = cp.size();
  const char32_t c = cp.chars[i];
  if (std::size_t length = contraction(cp, i, true)) return i + length;
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (isLetter(c)) return runEnd(cp, i, isLetter);
  if (!isNumber(c) && !isNewline(c) && i + 1 < n && isLetter(cp.chars[i + 1])) {
    return runEnd(cp, i + 1, isLetter);
  }
  // \p{N}{1,3}
  if (isNumber(c)) {
    std::size_t end = i;
    while (end < n && end - i < 3 && isNumber(cp.chars[end])) ++end;
    return end;
  }
  //  ?[^\s\p{L}\p{N}]+[\r\n]*
  const std::size_t otherStart = c == ' ' ? i + 1 : i;
  if (otherStart < n && isOther(cp.chars[otherStart])) {
    return runEnd(cp, runEnd(cp, otherStart, isOther), isNewline);
  }
  if (isSpace(c)) {
    // \s*[\r\n]+ : backtracking leaves the run up to and including its last newline.
    const std::size_t end = runEnd(cp, i, isSpace);
    for (std::size_t k = end; k > i; --k) {
      if (isNewline(cp.chars[k - 1])) return k;
    }
    return spaceRun(cp, i);
  }
  return i + 1;
}

std::size_t gpt2Match(const CodePoints& cp, std::size_t i) {
  const std::size_t n = cp.size();
  const char32_t c = cp.chars[i];
  if (std::size_t length = contraction(cp, i, false)) return i + length;
  const std::size_t start = c == ' ' ? i + 1 : i;
  if (start < n) {
    const char32_t first = cp.chars[start];
    if (isLetter(first)) return runEnd(cp, start, isLetter);    //  ?\p{L}+
    if (isNumber(first)) return runEnd(cp, start, isNumber);    //  ?\p{N}+
    if (isOther(first)) return runEnd(cp, start, isOther);      //  ?[^\s\p{L}\p{N}]+
  }
  if (isSpace(c)) return spaceRun(cp, i);
  return i + 1;
}

}  // namespace

std::vector<std::size_t> PreTokenizer::matchEnds(Pattern pattern, std::string_view text) {
  const CodePoints cp(text);
  std::vector<std::size_t> ends;
  std::size_t i = 0;
  while (i < cp.size()) {
    i = pattern == Pattern::Llama3 ? llama3Match(cp, i) : gpt2Match(cp, i);
    ends.push_back(cp.offsets[i]);
  }
  return ends;
}

void PreTokenizer::splitPieces(Pattern pattern, std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  for (const std::string& piece : pieces) {
    std::size_t begin = 0;
    for (std::size_t end : matchEnds(pattern, piece)) {
      out.push_back(piece.substr(begin, end - begin));
      begin = end;
    }
  }
  pieces.swap(out);
}

void PreTokenizer::parseStep(const nlohmann::json& node, const std::string& file,
                             const std::string& key, std::vector<Step>& steps) {
  const std::string type = TokenizerJson::string(node, "type", file, key);
  if (type == "Sequence") {
    const nlohmann::json& list = TokenizerJson::member(node, "pretokenizers", file, key);
    const std::string listKey = TokenizerJson::join(key, "pretokenizers");
    if (!list.is_array()) {
      TokenizerJson::fail(file, listKey, "expected a list, found " + TokenizerJson::describe(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      parseStep(list[i], file, listKey + "[" + std::to_string(i) + "]", steps);
    }
    return;
  }
  Step step;
  if (type == "ByteLevel") {
    step.kind = Kind::ByteLevel;
    step.addPrefixSpace = TokenizerJson::boolean(node, "add_prefix_space", true, file, key);
    step.useRegex = TokenizerJson::boolean(node, "use_regex", true, file, key);
  } else if (type == "Split") {
    const nlohmann::json& pattern = TokenizerJson::member(node, "pattern", file, key);
    const std::string patternKey = TokenizerJson::join(key, "pattern");
    if (!pattern.is_object() || !pattern.contains("Regex") || !pattern["Regex"].is_string()) {
      TokenizerJson::fail(file, patternKey,
                          "only {\"Regex\": ...} patterns are supported, found " +
                              TokenizerJson::describe(pattern));
    }
    const std::string regex = pattern["Regex"].get<std::string>();
    if (regex == kLlama3Regex) {
      step.pattern = Pattern::Llama3;
    } else if (regex == kGpt2Regex) {
      step.pattern = Pattern::Gpt2;
    } else {
      TokenizerJson::fail(file, patternKey + ".Regex",
                          "unsupported pattern (only the Llama 3 and GPT-2 regexes are): " + regex);
    }
    const std::string behavior = TokenizerJson::string(node, "behavior", file, key);
    if (behavior != "Isolated") {
      TokenizerJson::fail(file, TokenizerJson::join(key, "behavior"),
                          "only \"Isolated\" is supported, found \"" + behavior + "\"");
    }
    if (TokenizerJson::boolean(node, "invert", false, file, key)) {
      TokenizerJson::fail(file, TokenizerJson::join(key, "invert"), "only false is supported");
    }
  } else if (type == "Metaspace") {
    step.kind = Kind::Metaspace;
    step.replacement = TokenizerJson::string(node, "replacement", file, key);
    std::size_t pos = 0;
    Utf8::next(step.replacement, pos);
    if (step.replacement.empty() || pos != step.replacement.size()) {
      TokenizerJson::fail(file, TokenizerJson::join(key, "replacement"),
                          "expected one character, found \"" + step.replacement + "\"");
    }
    const std::string scheme = node.contains("prepend_scheme") && node["prepend_scheme"].is_string()
                                   ? node["prepend_scheme"].get<std::string>()
                                   : "always";
    if (scheme == "always") {
      step.prepend = Prepend::Always;
    } else if (scheme == "first") {
      step.prepend = Prepend::First;
    } else if (scheme == "never") {
      step.prepend = Prepend::Never;
    } else {
      TokenizerJson::fail(file, TokenizerJson::join(key, "prepend_scheme"),
                          "expected always, first or never, found \"" + scheme + "\"");
    }
    // Files older than prepend_scheme say add_prefix_space=false for "never".
    if (!TokenizerJson::boolean(node, "add_prefix_space", true, file, key)) step.prepend = Prepend::Never;
    step.splitOnReplacement = TokenizerJson::boolean(node, "split", true, file, key);
  } else {
    TokenizerJson::fail(file, TokenizerJson::join(key, "type"),
                        "unsupported pre-tokenizer \"" + type + "\"");
  }
  if (!steps.empty() && steps.back().kind != Kind::Split) {
    TokenizerJson::fail(file, key, "a pre-tokenizer after ByteLevel or Metaspace is not supported");
  }
  steps.push_back(step);
}

PreTokenizer PreTokenizer::fromJson(const nlohmann::json& node, const std::string& file) {
  PreTokenizer result;
  if (node.is_null()) return result;
  parseStep(node, file, "pre_tokenizer", result.steps_);
  result.byteLevel_ = !result.steps_.empty() && result.steps_.back().kind == Kind::ByteLevel;
  return result;
}

void PreTokenizer::metaspace(const Step& step, bool atTextStart, std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    std::string piece;
    for (char c : pieces[k]) {
      if (c == ' ') {
        piece += step.replacement;
      } else {
        piece.push_back(c);
      }
    }
    const bool startsWithReplacement = piece.compare(0, step.replacement.size(), step.replacement) == 0;
    const bool prepend = step.prepend == Prepend::Always ||
                         (step.prepend == Prepend::First && atTextStart && k == 0);
    if (prepend && !startsWithReplacement) piece.insert(0, step.replacement);
    if (!step.splitOnReplacement) {
      out.push_back(std::move(piece));
      continue;
    }
    // Each replacement character starts a new word (HF: MergedWithNext).
    std::size_t begin = 0;
    for (std::size_t at = piece.find(step.replacement, 1); at != std::string::npos;
         at = piece.find(step.replacement, at + 1)) {
      out.push_back(piece.substr(begin, at - begin));
      begin = at;
    }
    out.push_back(piece.substr(begin));
  }
  pieces.swap(out);
}

void PreTokenizer::split(std::string_view text, bool atTextStart, std::vector<std::string>& words) const {
  if (text.empty()) return;
  std::vector<std::string> pieces{std::string(text)};
  for (const Step& step : steps_) {
    if (step.kind == Kind::Split) {
      splitPieces(step.pattern, pieces);
      continue;
    }
    if (step.kind == Kind::Metaspace) {
      metaspace(step, atTextStart, pieces);
      continue;
    }
    // HF prepends the space to every piece reaching ByteLevel, not only the first.
    if (step.addPrefixSpace) {
      for (std::string& piece : pieces) {
        if (piece.empty() || piece.front() != ' ') piece.insert(piece.begin(), ' ');
      }
    }
    if (step.useRegex) splitPieces(Pattern::Gpt2, pieces);
  }
  for (std::string& piece : pieces) {
    if (piece.empty()) continue;
    words.push_back(byteLevel_ ? ByteLevel::encode(piece) : std::move(piece));
  }
}

}  // namespace sinkscope
