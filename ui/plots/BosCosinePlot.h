#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

namespace sinkscope::ui {

// c_l[t] = cos(h_l[0], h_l[t]) for every layer row and token (DESIGN §2).
struct BosCosineData {
  std::vector<TraceToken> tokens;        // T
  std::vector<std::string> layerLabels;  // one per row
  HostTensor cosine;                     // [L, T]
  std::vector<int> sinkTokens;           // intermediate sinks (BOS excluded)
  std::vector<int> highlightTokens;      // drawn as lines of their own
  // Cosine axis range, so two plots can share one axis; unset: naturalValueRange().
  std::optional<std::pair<double, double>> valueRange;

  // From a little below the lowest cosine (at least -1.05) to 1.08.
  std::pair<double, double> naturalValueRange() const;

  // Rows from hook_embed ("emb") and blocks.{l}.hook_resid_post; sink tokens are the
  // intermediate sinks of TraceTaps (fraction of heads >= minSinkFraction).
  static BosCosineData fromTrace(const Trace& trace, float sinkThreshold = 0.3f, float minSinkFraction = 0.25f);
  // Cosine of every row of a [T, D] tensor with its row 0.
  static std::vector<float> cosineWithFirst(const HostTensor& hidden);
};

// Cosine with BOS per layer: mean and ±1 s.d. band for the intermediate sinks and for
// the other tokens, plus lines for highlighted tokens and the selected one.
class BosCosinePlot : public PlotWidget {
  Q_OBJECT

 public:
  explicit BosCosinePlot(QWidget* parent = nullptr);

  void setData(BosCosineData data);
  const BosCosineData& data() const { return data_; }
  // Mean cosine per layer over the sink tokens / the ordinary tokens (not BOS).
  std::vector<double> sinkMean() const;
  std::vector<double> otherMean() const;

 protected:
  void rebuild() override;

 private:
  std::vector<int> otherTokens() const;
  void addGroup(QCPAxisRect* rect, const std::vector<int>& tokens, const QString& name, const QColor& color);

  BosCosineData data_;
};

}  // namespace sinkscope::ui
