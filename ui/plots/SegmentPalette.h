#pragma once

#include <QColor>
#include <QString>
#include <vector>

#include "core/base/Segment.h"
#include "core/base/Trace.h"

namespace sinkscope::ui {

enum class PlotTheme { Light, Dark };

// A maximal run of consecutive positions with the same segment, [begin, end).
struct SegmentRun {
  Segment segment = Segment::Bos;
  int begin = 0;
  int end = 0;
};

// Colours and display names of the input segments (DESIGN §3) and the theme colours
// every plot shares. Segment colours come from the Okabe–Ito set, which stays
// distinguishable under the common colour-vision deficiencies; the audio pair is
// blue, the video pair orange/red, so a delimiter reads as its modality's edge.
class SegmentPalette {
 public:
  explicit SegmentPalette(PlotTheme theme = PlotTheme::Light);

  PlotTheme theme() const { return theme_; }
  QColor color(Segment segment) const;
  // "BOS", "Audio delimiter", "Audio", "Video delimiter", "Video", "Prompt", "Response"
  static QString displayName(Segment segment);

  QColor background() const;
  QColor foreground() const;     // text, axes
  QColor mutedForeground() const;  // grid lines, secondary text
  QColor sinkMarker() const;     // outline of sink columns
  QColor selection() const;      // the selected token

  // The segment runs of a token sequence, in order.
  static std::vector<SegmentRun> runs(const std::vector<TraceToken>& tokens);

 private:
  PlotTheme theme_;
};

}  // namespace sinkscope::ui
