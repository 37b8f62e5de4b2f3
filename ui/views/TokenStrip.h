#pragma once

#include <vector>

#include <QRect>
#include <QWidget>

#include "core/base/Trace.h"

namespace sinkscope::ui {

class TokenSelection;

// The input and response tokens as a wrapping strip of chips coloured by segment
// (BOS, delimiters, audio, video, prompt, response). A token that is a sink in some
// head of the chosen layer gets a dark frame, thicker the more heads it sinks; the
// selected token is outlined. Clicking a chip selects it everywhere.
class TokenStrip : public QWidget {
  Q_OBJECT

 public:
  TokenStrip(TokenSelection* selection, QWidget* parent = nullptr);

  void setTrace(TracePtr trace);
  void setLayer(int layer);       // -1: the largest sink fraction over all layers
  void setEpsilon(double epsilon);
  // Fraction of heads whose sink score for each token exceeds epsilon (per the layer
  // setting); 0 for the last tokens, seen by fewer than TraceTaps::kSinkMinQueries
  // queries; empty without hook_received taps.
  const std::vector<double>& sinkFractions() const { return sinkFractions_; }
  int tokenAt(const QPoint& point) const;
  QRect chipRect(int position) const { return chips_.at(static_cast<std::size_t>(position)); }

  QSize sizeHint() const override;
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void computeSinks();
  int layout(int width, std::vector<QRect>* chips) const;
  QString label(int position) const;

  TokenSelection* selection_;
  TracePtr trace_;
  int layer_ = -1;
  double epsilon_ = 0.3;
  std::vector<double> sinkFractions_;
  std::vector<QRect> chips_;
};

}  // namespace sinkscope::ui
