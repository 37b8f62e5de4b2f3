#pragma once

#include <QPointF>
#include <QString>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

class QCPAbstractItem;
class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;

namespace sinkscope::ui {

// What the attention map shows: one layer's pattern for one head or the head average.
struct AttentionMapData {
  int layer = 0;
  int head = -1;                   // -1: average over heads
  std::vector<TraceToken> tokens;  // T
  HostTensor pattern;              // [T, T], rows are queries, columns keys
  std::vector<float> sinkScore;    // [T] per key; empty: no sink marks
  float sinkThreshold = 0.3f;      // ε of DESIGN §2
  // Colour range (log scale) to draw with, so two maps can share one scale; unset:
  // naturalColorRange().
  std::optional<std::pair<double, double>> colorRange;

  // Smallest and largest attention on and below the diagonal, floored at 1e-4.
  std::pair<double, double> naturalColorRange() const;

  // Pattern from hook_pattern(_mean); sink score from hook_received (the head's row,
  // or the mean over heads) or from the pattern itself when that is not captured.
  static AttentionMapData fromTrace(const Trace& trace, int layer, int head, float sinkThreshold = 0.3f);
};

// Query x key attention heatmap on a log colour scale with segment bands along both
// axes, sink columns outlined, a tooltip naming query, key and value, and click to
// select the key token.
class AttentionMapPlot : public PlotWidget {
  Q_OBJECT

 public:
  explicit AttentionMapPlot(QWidget* parent = nullptr);

  void setData(AttentionMapData data);
  const AttentionMapData& data() const { return data_; }

  // Keys whose sink score exceeds the threshold, ascending; keys seen by fewer than
  // TraceTaps::kSinkMinQueries queries are left out (TraceTaps.h says why).
  std::vector<int> sinkColumns() const;
  // The colour scale's data range (log scale; the lower end floors the zeros).
  double colorRangeLower() const;
  double colorRangeUpper() const;
  // Centre of cell (query, key) in customPlot() pixel coordinates (where mouse
  // events arrive); the same for the pixel arguments below.
  QPointF cellCenterPixel(int query, int key) const;
  // The cell under a pixel; false outside the map or above the diagonal.
  bool cellAt(const QPointF& pixel, int* query, int* key) const;
  QString cellDescription(int query, int key) const;

 signals:
  void cellClicked(int query, int key);

 protected:
  void rebuild() override;
  void updateSelection() override;

 private:
  void onMouseMove(QMouseEvent* event);
  void onMousePress(QMouseEvent* event);

  AttentionMapData data_;
  QCPAxisRect* mapRect_ = nullptr;
  QCPColorMap* map_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  QList<QCPAbstractItem*> selectionItems_;
};

}  // namespace sinkscope::ui
