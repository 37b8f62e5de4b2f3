#include "WavReader.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/base/Error.h"

namespace sinkscope::test {

namespace {

std::uint32_t readLe32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

std::uint16_t readLe16(const unsigned char* p) { return std::uint16_t(p[0] | p[1] << 8); }

}  // namespace

WavAudio WavReader::readPcm16(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MediaError(path + ": cannot open");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 || std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    throw MediaError(path + ": not a RIFF/WAVE file");
  }
  WavAudio audio;
  int bitsPerSample = 0;
  bool haveFormat = false;
  std::size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const unsigned char* chunk = bytes.data() + pos;
    const std::size_t size = readLe32(chunk + 4);
    const std::size_t body = pos + 8;
    if (body + size > bytes.size()) throw MediaError(path + ": chunk runs past the end of the file");
    if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16) {
      const int format = readLe16(bytes.data() + body);
      audio.channels = readLe16(bytes.data() + body + 2);
      audio.sampleRateHz = static_cast<int>(readLe32(bytes.data() + body + 4));
      bitsPerSample = readLe16(bytes.data() + body + 14);
      if (format != 1 || bitsPerSample != 16 || audio.channels < 1) {
        throw MediaError(path + ": expected 16-bit PCM, found format " + std::to_string(format) + " with " +
                         std::to_string(bitsPerSample) + " bits");
      }
      haveFormat = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!haveFormat) throw MediaError(path + ": data chunk before fmt chunk");
      audio.samples.resize(size / 2);
      for (std::size_t i = 0; i < audio.samples.size(); ++i) {
        const auto value = static_cast<std::int16_t>(readLe16(bytes.data() + body + 2 * i));
        audio.samples[i] = static_cast<float>(value) / 32768.0f;
      }
      return audio;
    }
    pos = body + size + (size & 1);  // chunks are padded to even sizes
  }
  throw MediaError(path + ": no data chunk");
}

}  // namespace sinkscope::test
