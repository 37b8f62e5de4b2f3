#include "core/base/Segment.h"

#include "core/base/Error.h"

namespace sinkscope {

namespace {
constexpr const char* kNames[kSegmentCount] = {
    "bos", "audio_delimiter", "audio", "video_delimiter", "video", "prompt", "response"};
}

std::string segmentName(Segment segment) { return kNames[static_cast<int>(segment)]; }

Segment segmentFromName(const std::string& name) {
  for (int i = 0; i < kSegmentCount; ++i) {
    if (name == kNames[i]) return static_cast<Segment>(i);
  }
  throw Error("unknown segment name '" + name + "'");
}

}  // namespace sinkscope
