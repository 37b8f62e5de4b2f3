#include "core/text/UnicodeCategory.h"

#include <algorithm>

#include "core/text/UnicodeTables.h"

namespace sinkscope {

namespace {

bool inRanges(const CodeRange* ranges, std::size_t count, char32_t codePoint) {
  const CodeRange* end = ranges + count;
  const CodeRange* it = std::upper_bound(
      ranges, end, codePoint, [](char32_t value, const CodeRange& range) { return value < range.first; });
  return it != ranges && codePoint <= (it - 1)->last;
}

}  // namespace

bool UnicodeCategory::isLetter(char32_t codePoint) {
  if (codePoint < 0x80) {
    return (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z');
  }
  return inRanges(kLetterRanges, kLetterRangesCount, codePoint);
}

bool UnicodeCategory::isNumber(char32_t codePoint) {
  if (codePoint < 0x80) return codePoint >= '0' && codePoint <= '9';
  return inRanges(kNumberRanges, kNumberRangesCount, codePoint);
}

bool UnicodeCategory::isWhiteSpace(char32_t codePoint) {
  if (codePoint < 0x80) return codePoint == ' ' || (codePoint >= 0x09 && codePoint <= 0x0D);
  return inRanges(kWhiteSpaceRanges, kWhiteSpaceRangesCount, codePoint);
}

const char* UnicodeCategory::unicodeVersion() { return kUnicodeTablesVersion; }

}  // namespace sinkscope
