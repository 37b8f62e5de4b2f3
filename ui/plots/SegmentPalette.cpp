#include "ui/plots/SegmentPalette.h"

namespace sinkscope::ui {

SegmentPalette::SegmentPalette(PlotTheme theme) : theme_(theme) {}

QColor SegmentPalette::color(Segment segment) const {
  const bool dark = theme_ == PlotTheme::Dark;
  switch (segment) {
    case Segment::Bos: return dark ? QColor(0xF0, 0xE4, 0x42) : QColor(0x22, 0x22, 0x22);
    case Segment::AudioDelimiter: return dark ? QColor(0x3D, 0x8F, 0xD1) : QColor(0x00, 0x72, 0xB2);
    case Segment::Audio: return QColor(0x56, 0xB4, 0xE9);
    case Segment::VideoDelimiter: return QColor(0xD5, 0x5E, 0x00);
    case Segment::Video: return QColor(0xE6, 0x9F, 0x00);
    case Segment::Prompt: return QColor(0x00, 0x9E, 0x73);
    case Segment::Response: return QColor(0xCC, 0x79, 0xA7);
  }
  return foreground();
}

QString SegmentPalette::displayName(Segment segment) {
  switch (segment) {
    case Segment::Bos: return QStringLiteral("BOS");
    case Segment::AudioDelimiter: return QStringLiteral("Audio delimiter");
    case Segment::Audio: return QStringLiteral("Audio");
    case Segment::VideoDelimiter: return QStringLiteral("Video delimiter");
    case Segment::Video: return QStringLiteral("Video");
    case Segment::Prompt: return QStringLiteral("Prompt");
    case Segment::Response: return QStringLiteral("Response");
  }
  return QString();
}

QColor SegmentPalette::background() const {
  return theme_ == PlotTheme::Dark ? QColor(0x1E, 0x1F, 0x22) : QColor(Qt::white);
}

QColor SegmentPalette::foreground() const {
  return theme_ == PlotTheme::Dark ? QColor(0xE6, 0xE6, 0xE6) : QColor(0x20, 0x20, 0x20);
}

QColor SegmentPalette::mutedForeground() const {
  return theme_ == PlotTheme::Dark ? QColor(0x5A, 0x5C, 0x62) : QColor(0xC8, 0xC8, 0xC8);
}

QColor SegmentPalette::sinkMarker() const {
  return theme_ == PlotTheme::Dark ? QColor(0xFF, 0x5C, 0x8A) : QColor(0xE0, 0x00, 0x50);
}

QColor SegmentPalette::selection() const {
  return theme_ == PlotTheme::Dark ? QColor(Qt::white) : QColor(0x00, 0x00, 0x00);
}

std::vector<SegmentRun> SegmentPalette::runs(const std::vector<TraceToken>& tokens) {
  std::vector<SegmentRun> result;
  for (int t = 0; t < static_cast<int>(tokens.size()); ++t) {
    if (result.empty() || result.back().segment != tokens[t].segment) {
      result.push_back({tokens[t].segment, t, t + 1});
    } else {
      result.back().end = t + 1;
    }
  }
  return result;
}

}  // namespace sinkscope::ui
