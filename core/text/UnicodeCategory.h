#pragma once

namespace sinkscope {

// The character classes of the pre-tokenizer regexes: \p{L}, \p{N} and \s as
// Oniguruma (the regex engine of HF tokenizers) defines them. The ranges come from
// the generated UnicodeTables.cpp (Unicode version in unicodeVersion()); code
// points assigned after that version count as none of the three.
class UnicodeCategory {
 public:
  static bool isLetter(char32_t codePoint);
  static bool isNumber(char32_t codePoint);
  static bool isWhiteSpace(char32_t codePoint);
  static const char* unicodeVersion();
};

}  // namespace sinkscope
