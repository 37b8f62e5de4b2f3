#pragma once

#include <string>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

class QCPAbstractItem;
class QCPAxisRect;
class QCPColorMap;

namespace sinkscope::ui {

// For each layer and token, the fraction of heads in which the token is a sink.
struct SinkMapData {
  std::vector<TraceToken> tokens;  // T
  std::vector<int> layers;         // the layer of each row, bottom row first
  HostTensor fraction;             // [L, T] in [0, 1]
  float sinkThreshold = 0.3f;

  static SinkMapData fromTrace(const Trace& trace, float sinkThreshold = 0.3f);
};

// Layer x token map of the sink fraction, tokens coloured by segment along x; click
// selects a token.
class SinkMapPlot : public PlotWidget {
  Q_OBJECT

 public:
  explicit SinkMapPlot(QWidget* parent = nullptr);

  void setData(SinkMapData data);
  const SinkMapData& data() const { return data_; }
  // Token column under a pixel of the widget; -1 outside the map.
  int tokenAt(const QPointF& pixel) const;
  QPointF cellCenterPixel(int row, int token) const;  // customPlot() pixels

 protected:
  void rebuild() override;
  void updateSelection() override;

 private:
  void onMousePress(QMouseEvent* event);
  void onMouseMove(QMouseEvent* event);

  SinkMapData data_;
  QCPAxisRect* mapRect_ = nullptr;
  QList<QCPAbstractItem*> selectionItems_;
};

}  // namespace sinkscope::ui
