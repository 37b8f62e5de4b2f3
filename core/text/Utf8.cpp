#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

bool isContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

int Utf8::scan(std::string_view bytes, std::size_t pos, char32_t& codePoint) {
  const auto lead = static_cast<unsigned char>(bytes[pos]);
  if (lead < 0x80) {
    codePoint = lead;
    return 1;
  }
  int width = 0;
  unsigned char secondLow = 0x80;
  unsigned char secondHigh = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    width = 2;
    codePoint = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    width = 3;
    codePoint = lead & 0x0F;
    // Overlong forms and surrogates are excluded by narrowing the second byte.
    if (lead == 0xE0) secondLow = 0xA0;
    if (lead == 0xED) secondHigh = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    width = 4;
    codePoint = lead & 0x07;
    if (lead == 0xF0) secondLow = 0x90;
    if (lead == 0xF4) secondHigh = 0x8F;
  } else {
    return -1;
  }
  for (int i = 1; i < width; ++i) {
    if (pos + i >= bytes.size()) return -i;
    const auto byte = static_cast<unsigned char>(bytes[pos + i]);
    const bool ok = i == 1 ? (byte >= secondLow && byte <= secondHigh) : isContinuation(byte);
    if (!ok) return -i;
    codePoint = (codePoint << 6) | (byte & 0x3F);
  }
  return width;
}

char32_t Utf8::next(std::string_view text, std::size_t& pos) {
  char32_t codePoint = 0;
  const int length = scan(text, pos, codePoint);
  if (length < 0) {
    ++pos;
    return kInvalid;
  }
  pos += static_cast<std::size_t>(length);
  return codePoint;
}

void Utf8::append(std::string& out, char32_t codePoint) {
  if (codePoint < 0x80) {
    out.push_back(static_cast<char>(codePoint));
  } else if (codePoint < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (codePoint >> 6)));
    out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
  } else if (codePoint < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (codePoint >> 12)));
    out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (codePoint >> 18)));
    out.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
  }
}

bool Utf8::isValid(std::string_view bytes) {
  std::size_t pos = 0;
  char32_t codePoint = 0;
  while (pos < bytes.size()) {
    const int length = scan(bytes, pos, codePoint);
    if (length < 0) return false;
    pos += static_cast<std::size_t>(length);
  }
  return true;
}

std::string Utf8::lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t pos = 0;
  char32_t codePoint = 0;
  while (pos < bytes.size()) {
    const int length = scan(bytes, pos, codePoint);
    if (length > 0) {
      out.append(bytes.substr(pos, static_cast<std::size_t>(length)));
      pos += static_cast<std::size_t>(length);
    } else {
      append(out, 0xFFFD);
      pos += static_cast<std::size_t>(-length);
    }
  }
  return out;
}

}  // namespace sinkscope
