#include "ui/views/SegmentColors.h"

namespace sinkscope::ui {

QColor SegmentColors::fill(Segment segment) {
  // Okabe-Ito based, light enough for dark text.
  switch (segment) {
    case Segment::Bos: return {230, 159, 0};
    case Segment::AudioDelimiter: return {0, 114, 178};
    case Segment::Audio: return {153, 204, 238};
    case Segment::VideoDelimiter: return {0, 158, 115};
    case Segment::Video: return {153, 221, 196};
    case Segment::Prompt: return {220, 220, 220};
    case Segment::Response: return {204, 121, 167};
  }
  return {200, 200, 200};
}

QColor SegmentColors::text(Segment segment) {
  switch (segment) {
    case Segment::AudioDelimiter:
    case Segment::VideoDelimiter: return Qt::white;
    default: return {20, 20, 20};
  }
}

}  // namespace sinkscope::ui
