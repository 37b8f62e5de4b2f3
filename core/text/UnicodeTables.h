#pragma once

#include <cstddef>

namespace sinkscope {

// Inclusive code point range. The tables are sorted and non-overlapping so a
// binary search answers membership; they live in the generated UnicodeTables.cpp.
struct CodeRange {
  char32_t first;
  char32_t last;
};

extern const char* const kUnicodeTablesVersion;
extern const CodeRange kLetterRanges[];       // general categories L*
extern const std::size_t kLetterRangesCount;
extern const CodeRange kNumberRanges[];       // general categories N*
extern const std::size_t kNumberRangesCount;
extern const CodeRange kWhiteSpaceRanges[];   // property White_Space
extern const std::size_t kWhiteSpaceRangesCount;

}  // namespace sinkscope
