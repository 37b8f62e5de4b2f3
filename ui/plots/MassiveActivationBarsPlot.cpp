#include "ui/plots/MassiveActivationBarsPlot.h"

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/ObliqueBarChart.h"

namespace sinkscope::ui {

MassiveActivationBarsPlot::MassiveActivationBarsPlot(QWidget* parent) : PlotWidget(parent) {}

void MassiveActivationBarsPlot::setData(MassiveActivationData data) {
  const auto count = static_cast<std::int64_t>(data.tokens.size());
  if (data.hidden.dim() != 2 || data.hidden.size(0) != count) {
    throw ShapeError("MassiveActivationBarsPlot: hidden must be [" + std::to_string(count) + ", D], found " +
                     data.hidden.shapeString());
  }
  data_ = std::move(data);
  defaultWindow();
  rebuild();
}

void MassiveActivationBarsPlot::setWindow(std::vector<int> tokens, std::vector<int> dims) {
  defaultWindow();
  const int count = static_cast<int>(data_.tokens.size());
  const int width = data_.hidden.dim() == 2 ? static_cast<int>(data_.hidden.size(1)) : 0;
  for (int t : tokens) {
    if (t < 0 || t >= count) throw ShapeError("MassiveActivationBarsPlot: token " + std::to_string(t) + " out of range");
  }
  for (int d : dims) {
    if (d < 0 || d >= width) throw ShapeError("MassiveActivationBarsPlot: dim " + std::to_string(d) + " out of range");
  }
  if (!tokens.empty()) tokens_ = std::move(tokens);
  if (!dims.empty()) dims_ = std::move(dims);
  rebuild();
}

void MassiveActivationBarsPlot::defaultWindow() {
  const int count = static_cast<int>(data_.tokens.size());
  const int width = data_.hidden.dim() == 2 ? static_cast<int>(data_.hidden.size(1)) : 0;
  tokens_.clear();
  for (int t = 0; t < std::min(count, kMaxTokens); ++t) tokens_.push_back(t);
  dims_ = data_.fixedDims;
  const int others = std::max(0, std::min(width, kDefaultDims) - static_cast<int>(dims_.size()));
  // Spread the ordinary dims evenly so the window shows what a typical dim looks like.
  for (int i = 0; i < others; ++i) {
    int d = static_cast<int>((i + 0.5) * width / double(others));
    while (std::find(dims_.begin(), dims_.end(), d) != dims_.end()) d = (d + 1) % width;
    dims_.push_back(d);
  }
  std::sort(dims_.begin(), dims_.end());
}

void MassiveActivationBarsPlot::rebuild() {
  resetPlot();
  chart_ = nullptr;
  addTitle(QStringLiteral("Massive activations, layer %1").arg(data_.layer),
           QStringLiteral("|h| per token and feature dim; fixed massive dims highlighted"));
  QCPAxisRect* rect = addAxisRect(0, 0);
  for (QCPAxis* axis : rect->axes()) axis->setVisible(false);
  rect->setAutoMargins(QCP::msNone);
  rect->setMargins(QMargins(4, 4, 4, 4));
  if (tokens_.empty() || dims_.empty()) return;

  QVector<QVector<double>> values;
  QVector<QString> rowLabels;
  QVector<bool> highlighted;
  for (int d : dims_) {
    QVector<double> row;
    for (int t : tokens_) row.append(std::fabs(data_.hidden.at(t, d)));
    values.append(row);
    const bool fixed = std::find(data_.fixedDims.begin(), data_.fixedDims.end(), d) != data_.fixedDims.end();
    rowLabels.append(QStringLiteral("dim %1").arg(d));
    highlighted.append(fixed);
  }
  QVector<QString> columnLabels;
  QVector<QColor> columnColors;
  for (int t : tokens_) {
    columnLabels.append(tokenLabel(data_.tokens[t]));
    columnColors.append(palette_.color(data_.tokens[t].segment));
  }
  chart_ = new ObliqueBarChart(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  chart_->setData(values, rowLabels, columnLabels, columnColors, highlighted);
  QFont font = plot_->font();
  font.setPointSizeF(7.5);
  chart_->setStyle({palette_.foreground(), palette_.mutedForeground(), palette_.sinkMarker(), font});
  chart_->setHeightLabel(QStringLiteral("|h|"));
  rect->axis(QCPAxis::atBottom)->setRange(0, 1);
  rect->axis(QCPAxis::atLeft)->setRange(0, 1);
  addSegmentLegend(data_.tokens);
}

}  // namespace sinkscope::ui
