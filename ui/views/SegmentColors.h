#pragma once

#include <QColor>

#include "core/base/Segment.h"

namespace sinkscope::ui {

// Chip colours of the token strip and transcript.
class SegmentColors {
 public:
  static QColor fill(Segment segment);
  static QColor text(Segment segment);
};

}  // namespace sinkscope::ui
