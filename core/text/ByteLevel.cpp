#include "core/text/ByteLevel.h"

#include <array>

#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

struct ByteTables {
  std::array<char32_t, 256> charOfByte{};
  std::array<std::string, 256> utf8OfByte;
  // Every mapped character is below U+0144.
  std::array<int, 0x144> byteOfChar{};

  ByteTables() {
    byteOfChar.fill(-1);
    char32_t nextExtra = 0x100;
    for (int byte = 0; byte < 256; ++byte) {
      const bool printable = (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) ||
                             (byte >= 0xAE && byte <= 0xFF);
      charOfByte[byte] = printable ? static_cast<char32_t>(byte) : nextExtra++;
      Utf8::append(utf8OfByte[byte], charOfByte[byte]);
      byteOfChar[charOfByte[byte]] = byte;
    }
  }
};

const ByteTables& tables() {
  static const ByteTables instance;
  return instance;
}

}  // namespace

std::string ByteLevel::encode(std::string_view bytes) {
  const ByteTables& t = tables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) out += t.utf8OfByte[static_cast<unsigned char>(byte)];
  return out;
}

bool ByteLevel::decode(std::string_view token, std::string& bytes) {
  const ByteTables& t = tables();
  std::string decoded;
  decoded.reserve(token.size());
  std::size_t pos = 0;
  while (pos < token.size()) {
    const char32_t c = Utf8::next(token, pos);
    if (c >= t.byteOfChar.size() || t.byteOfChar[c] < 0) return false;
    decoded.push_back(static_cast<char>(t.byteOfChar[c]));
  }
  bytes += decoded;
  return true;
}

}  // namespace sinkscope
