#pragma once

#include <vector>

#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/PlotWidget.h"

namespace sinkscope::ui {

class ObliqueBarChart;

// The "3-D" view of Sun et al.: |h| as bars over tokens (front) and a window of
// feature dims (depth), in an oblique projection. The massive dims rise as walls of
// bars at the sink tokens and nowhere else.
class MassiveActivationBarsPlot : public PlotWidget {
  Q_OBJECT

 public:
  static constexpr int kDefaultDims = 8;
  static constexpr int kMaxTokens = 48;

  explicit MassiveActivationBarsPlot(QWidget* parent = nullptr);

  // Default window: the first kMaxTokens tokens; the fixed dims plus evenly spread
  // other dims up to kDefaultDims rows.
  void setData(MassiveActivationData data);
  // An explicit window; empty vectors keep the defaults.
  void setWindow(std::vector<int> tokens, std::vector<int> dims);
  const std::vector<int>& windowTokens() const { return tokens_; }
  const std::vector<int>& windowDims() const { return dims_; }
  const ObliqueBarChart* chart() const { return chart_; }

 protected:
  void rebuild() override;

 private:
  void defaultWindow();

  MassiveActivationData data_;
  std::vector<int> tokens_;
  std::vector<int> dims_;
  ObliqueBarChart* chart_ = nullptr;
};

}  // namespace sinkscope::ui
