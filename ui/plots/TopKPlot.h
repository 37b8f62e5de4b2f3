#pragma once

#include <string>
#include <vector>

#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

namespace sinkscope::ui {

// Per layer, the three largest |h| over all tokens and features and the median |h|
// (Sun et al.'s layer-wise view of massive activations).
struct TopKData {
  std::vector<std::string> layerLabels;  // "emb", "0", "1", ...
  std::vector<double> top1, top2, top3, median;

  // hook_embed (as "emb") when captured, then every blocks.{l}.hook_resid_post.
  static TopKData fromTrace(const Trace& trace);
  // Appends one layer computed from its [T, D] hidden states.
  void addLayer(const std::string& label, const HostTensor& hidden);
};

// Layer-wise top-1/2/3 |h| against the median, on a log y axis.
class TopKPlot : public PlotWidget {
  Q_OBJECT

 public:
  explicit TopKPlot(QWidget* parent = nullptr);

  void setData(TopKData data);
  const TopKData& data() const { return data_; }
  double valueAxisLower() const;
  double valueAxisUpper() const;

 protected:
  void rebuild() override;

 private:
  TopKData data_;
  QCPAxisRect* rect_ = nullptr;
};

}  // namespace sinkscope::ui
