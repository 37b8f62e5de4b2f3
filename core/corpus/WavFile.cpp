#include "core/corpus/WavFile.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "core/base/Error.h"

namespace sinkscope::corpus {

namespace {

std::uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24); }
std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}

}  // namespace

WavFile::Audio WavFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MediaError("cannot open WAV file " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 12 || std::memcmp(b, "RIFF", 4) != 0 || std::memcmp(b + 8, "WAVE", 4) != 0)
    throw MediaError(path + ": not a RIFF/WAVE file");
  int channels = 0;
  int bits = 0;
  Audio audio;
  std::size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const std::uint32_t size = le32(b + pos + 4);
    const std::size_t body = pos + 8;
    if (std::memcmp(b + pos, "fmt ", 4) == 0 && size >= 16 && body + 16 <= bytes.size()) {
      const int format = le16(b + body);
      channels = le16(b + body + 2);
      audio.sampleRateHz = static_cast<int>(le32(b + body + 4));
      bits = le16(b + body + 14);
      if (format != 1 || bits != 16 || channels < 1)
        throw MediaError(path + ": expected 16-bit PCM, found format " + std::to_string(format) + " with " +
                         std::to_string(bits) + " bits");
    } else if (std::memcmp(b + pos, "data", 4) == 0) {
      if (channels == 0) throw MediaError(path + ": data chunk before fmt chunk");
      // Engines that stream their output leave the size at 0 or 0xffffffff.
      std::size_t dataBytes = size;
      if (size == 0 || body + size > bytes.size()) dataBytes = bytes.size() - body;
      const std::size_t frames = dataBytes / (2 * static_cast<std::size_t>(channels));
      audio.samples.resize(frames);
      for (std::size_t f = 0; f < frames; ++f) {
        long sum = 0;
        for (int c = 0; c < channels; ++c)
          sum += static_cast<std::int16_t>(le16(b + body + 2 * (f * channels + c)));
        audio.samples[f] = static_cast<std::int16_t>(sum / channels);
      }
      return audio;
    }
    pos = body + size + (size & 1);
  }
  throw MediaError(path + ": no data chunk");
}

void WavFile::write(const std::string& path, const std::vector<std::int16_t>& samples, int sampleRateHz) {
  std::string s = "RIFF";
  const auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
  put32(s, 36 + dataBytes);
  s += "WAVEfmt ";
  put32(s, 16);
  put16(s, 1);
  put16(s, 1);
  put32(s, static_cast<std::uint32_t>(sampleRateHz));
  put32(s, static_cast<std::uint32_t>(sampleRateHz * 2));
  put16(s, 2);
  put16(s, 16);
  s += "data";
  put32(s, dataBytes);
  for (auto v : samples) put16(s, static_cast<std::uint16_t>(v));
  std::ofstream out(path, std::ios::binary);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
  if (!out) throw Error("cannot write WAV file " + path);
}

}  // namespace sinkscope::corpus
