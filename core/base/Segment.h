#pragma once

#include <cstdint>
#include <string>

namespace sinkscope {

// What part of the Llama-AVSR input layout a position belongs to (DESIGN §3).
// Text-only sequences use Bos, Prompt (the typed text) and Response (generated).
enum class Segment : std::uint8_t {
  Bos,
  AudioDelimiter,
  Audio,
  VideoDelimiter,
  Video,
  Prompt,
  Response,
};

inline constexpr int kSegmentCount = 7;

// Stable lower-case names used in report.json, dumps and the UI legend.
std::string segmentName(Segment segment);
Segment segmentFromName(const std::string& name);  // throws Error on unknown names

}  // namespace sinkscope
