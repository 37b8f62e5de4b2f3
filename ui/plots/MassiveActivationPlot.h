#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

class QCPAbstractItem;
class QCPAxisRect;

namespace sinkscope::ui {

// One layer's residual stream and the feature dims to call out.
struct MassiveActivationData {
  int layer = 0;
  std::vector<TraceToken> tokens;  // T
  HostTensor hidden;               // [T, D]
  std::vector<int> fixedDims;      // massive dims shared by sink tokens, ascending
  // Ranges (log scale) of the heatmap colours and of the spike bars' axis, so two
  // plots can share one scale; unset: the natural ranges below.
  std::optional<std::pair<double, double>> colorRange;
  std::optional<std::pair<double, double>> peakRange;

  // Dims per heatmap column (1 when D <= MassiveActivationPlot::kMaxColumns).
  int dimsPerColumn() const;
  // max |h| per token.
  std::vector<double> tokenPeaks() const;
  // 5th percentile to max of the (max-pooled) heatmap cells.
  std::pair<double, double> naturalColorRange() const;
  // A third of the smallest to three times the largest token peak.
  std::pair<double, double> naturalPeakRange() const;

  // hidden from blocks.{layer}.hook_resid_post; fixed dims are those massive
  // (|h| > minAbs and > minRatio x median) in two or more tokens. minAbs = 0 leaves
  // the ratio criterion alone, for small models (DESIGN §2).
  static MassiveActivationData fromTrace(const Trace& trace, int layer, float minAbs = 100.0f,
                                         float minRatio = 1000.0f);
};

// Token x feature heatmap of |h| (log colour), a per-token spike bar (max |h|, log)
// and the fixed dims marked on the top axis. Wide hidden sizes are max-pooled into
// at most kMaxColumns columns so a single massive dim never drops out of the image.
class MassiveActivationPlot : public PlotWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxColumns = 512;

  explicit MassiveActivationPlot(QWidget* parent = nullptr);

  void setData(MassiveActivationData data);
  const MassiveActivationData& data() const { return data_; }
  // Dims per heatmap column (1 when D <= kMaxColumns).
  int dimsPerColumn() const;
  // max |h| per token, as the spike bar shows it.
  std::vector<double> tokenPeaks() const;
  double colorRangeLower() const { return colorLower_; }
  double colorRangeUpper() const { return colorUpper_; }
  int tokenAt(const QPointF& pixel) const;
  QPointF tokenPixel(int token) const;  // token row centre, customPlot() pixels

 protected:
  void rebuild() override;
  void updateSelection() override;

 private:
  void onMousePress(QMouseEvent* event);
  void onMouseMove(QMouseEvent* event);

  MassiveActivationData data_;
  QCPAxisRect* mapRect_ = nullptr;
  QCPAxisRect* spikeRect_ = nullptr;
  QList<QCPAbstractItem*> selectionItems_;
  double colorLower_ = 0.0;
  double colorUpper_ = 0.0;
};

}  // namespace sinkscope::ui
