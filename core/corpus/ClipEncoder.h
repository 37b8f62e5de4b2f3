#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope::corpus {

// Writes one AV clip with the FFmpeg libraries: 96×96 gray frames at 25 fps as H.264
// (libx264 superfast, yuv420p, CRF 16, one thread and bit-exact flags so the bytes do not depend
// on the machine's core count) and 16 kHz mono audio as AAC, in MP4. In-process
// because starting the ffmpeg program per clip cost more than the rest of an
// utterance together.
class ClipEncoder {
 public:
  static constexpr int kFps = 25;
  static void write(const std::string& path, const std::vector<std::uint8_t>& frames, int frameCount,
                    const std::vector<std::int16_t>& audio16k);
};

}  // namespace sinkscope::corpus
