#pragma once

#include <string>
#include <string_view>

namespace sinkscope {

// GPT-2's reversible byte <-> character map used by byte-level BPE: printable
// Latin-1 bytes stand for themselves, the other 68 bytes for U+0100.. in order,
// so every byte sequence becomes a string of visible characters.
class ByteLevel {
 public:
  // Each byte of `bytes` replaced by its character, as UTF-8.
  static std::string encode(std::string_view bytes);

  // Appends to `bytes` the bytes `token`'s characters stand for; false (and
  // `bytes` untouched) when some character is not one of the 256.
  static bool decode(std::string_view token, std::string& bytes);
};

}  // namespace sinkscope
