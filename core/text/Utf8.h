#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sinkscope {

// UTF-8 helpers for the tokenizer. Input text is not trusted to be valid UTF-8:
// invalid bytes are carried through as single units so that byte-level
// tokenisation still round-trips them.
class Utf8 {
 public:
  // Returned by next() for a byte that does not start a valid sequence.
  static constexpr char32_t kInvalid = 0xFFFFFFFF;

  // The code point starting at `pos`, advancing `pos` past it; an invalid byte is
  // returned as kInvalid and `pos` advances by one.
  static char32_t next(std::string_view text, std::size_t& pos);

  static void append(std::string& out, char32_t codePoint);

  static bool isValid(std::string_view bytes);

  // Valid UTF-8 with each maximal invalid subpart replaced by one U+FFFD, the rule
  // of Rust's String::from_utf8_lossy, which HF tokenizers' decoders use.
  static std::string lossy(std::string_view bytes);

 private:
  // Length of the valid sequence at `pos` (> 0, code point in `codePoint`), or
  // minus the length of the maximal invalid subpart there.
  static int scan(std::string_view bytes, std::size_t pos, char32_t& codePoint);
};

}  // namespace sinkscope
