#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope::corpus {

// 16-bit PCM RIFF/WAVE, the one format the engines write and the corpus's noise
// files use. Multi-channel input is mixed down to mono on reading.
class WavFile {
 public:
  struct Audio {
    std::vector<std::int16_t> samples;
    int sampleRateHz = 0;
  };
  static Audio read(const std::string& path);  // throws MediaError naming the file
  static void write(const std::string& path, const std::vector<std::int16_t>& samples, int sampleRateHz);
};

}  // namespace sinkscope::corpus
