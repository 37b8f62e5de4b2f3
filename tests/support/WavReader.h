#pragma once

#include <string>
#include <vector>

namespace sinkscope::test {

// Just enough RIFF/WAVE to read test speech without FFmpeg: 16-bit PCM, any channel
// count (kept interleaved) and rate; other chunks (LIST, ...) are skipped.
struct WavAudio {
  int sampleRateHz = 0;
  int channels = 0;
  std::vector<float> samples;  // sample / 32768, interleaved
};

class WavReader {
 public:
  // Throws sinkscope::MediaError naming the file for anything but PCM16 WAVE.
  static WavAudio readPcm16(const std::string& path);
};

}  // namespace sinkscope::test
