#include "ui/plots/BosCosinePlot.h"

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

std::vector<double> groupMean(const HostTensor& cosine, const std::vector<int>& tokens) {
  const std::int64_t rows = cosine.size(0);
  std::vector<double> mean(static_cast<std::size_t>(rows), 0.0);
  if (tokens.empty()) return mean;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (int t : tokens) mean[r] += cosine.at(r, t);
    mean[r] /= double(tokens.size());
  }
  return mean;
}

}  // namespace

std::vector<float> BosCosineData::cosineWithFirst(const HostTensor& hidden) {
  const std::int64_t count = hidden.size(0);
  const std::int64_t width = hidden.size(1);
  std::vector<float> result(static_cast<std::size_t>(count), 0.0f);
  double bosNorm = 0.0;
  for (std::int64_t d = 0; d < width; ++d) bosNorm += double(hidden.at(0, d)) * hidden.at(0, d);
  for (std::int64_t t = 0; t < count; ++t) {
    double dot = 0.0;
    double norm = 0.0;
    for (std::int64_t d = 0; d < width; ++d) {
      dot += double(hidden.at(0, d)) * hidden.at(t, d);
      norm += double(hidden.at(t, d)) * hidden.at(t, d);
    }
    const double denominator = std::sqrt(bosNorm * norm);
    result[t] = denominator > 0.0 ? static_cast<float>(dot / denominator) : 0.0f;
  }
  return result;
}

BosCosineData BosCosineData::fromTrace(const Trace& trace, float sinkThreshold, float minSinkFraction) {
  BosCosineData data;
  data.tokens = trace.tokens;
  std::vector<const HostTensor*> rows;
  if (const HostTensor* embed = trace.find("hook_embed")) {
    data.layerLabels.push_back("emb");
    rows.push_back(embed);
  }
  for (int layer : TraceTaps::residualLayers(trace)) {
    data.layerLabels.push_back(std::to_string(layer));
    rows.push_back(&TraceTaps::residual(trace, layer));
  }
  const std::int64_t count = trace.numTokens();
  data.cosine = HostTensor({static_cast<std::int64_t>(rows.size()), count});
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::vector<float> cosine = cosineWithFirst(*rows[r]);
    std::copy(cosine.begin(), cosine.end(), data.cosine.values.begin() + r * count);
  }
  if (!TraceTaps::attentionLayers(trace).empty()) {
    data.sinkTokens = TraceTaps::intermediateSinks(trace, sinkThreshold, minSinkFraction);
  }
  return data;
}

BosCosinePlot::BosCosinePlot(QWidget* parent) : PlotWidget(parent) {}

void BosCosinePlot::setData(BosCosineData data) {
  const auto count = static_cast<std::int64_t>(data.tokens.size());
  const auto rows = static_cast<std::int64_t>(data.layerLabels.size());
  if (data.cosine.dim() != 2 || data.cosine.size(0) != rows || data.cosine.size(1) != count) {
    throw ShapeError("BosCosinePlot: cosine must be [" + std::to_string(rows) + ", " + std::to_string(count) +
                     "], found " + data.cosine.shapeString());
  }
  for (int t : data.sinkTokens) {
    if (t <= 0 || t >= count) throw ShapeError("BosCosinePlot: sink token " + std::to_string(t) + " out of range");
  }
  data_ = std::move(data);
  rebuild();
}

std::vector<int> BosCosinePlot::otherTokens() const {
  std::vector<int> tokens;
  for (int t = 1; t < static_cast<int>(data_.tokens.size()); ++t) {
    if (std::find(data_.sinkTokens.begin(), data_.sinkTokens.end(), t) == data_.sinkTokens.end()) tokens.push_back(t);
  }
  return tokens;
}

std::pair<double, double> BosCosineData::naturalValueRange() const {
  double lowest = 0.0;
  for (float v : cosine.values) lowest = std::min<double>(lowest, v);
  return {std::max(-1.05, lowest - 0.1), 1.08};
}

std::vector<double> BosCosinePlot::sinkMean() const { return groupMean(data_.cosine, data_.sinkTokens); }
std::vector<double> BosCosinePlot::otherMean() const { return groupMean(data_.cosine, otherTokens()); }

void BosCosinePlot::addGroup(QCPAxisRect* rect, const std::vector<int>& tokens, const QString& name,
                             const QColor& color) {
  if (tokens.empty()) return;
  QCPAxis* layerAxis = rect->axis(QCPAxis::atBottom);
  QCPAxis* valueAxis = rect->axis(QCPAxis::atLeft);
  const int rows = static_cast<int>(data_.layerLabels.size());
  const std::vector<double> mean = groupMean(data_.cosine, tokens);
  auto* lower = new QCPGraph(layerAxis, valueAxis);
  auto* upper = new QCPGraph(layerAxis, valueAxis);
  auto* line = new QCPGraph(layerAxis, valueAxis);
  for (int r = 0; r < rows; ++r) {
    double variance = 0.0;
    for (int t : tokens) variance += std::pow(data_.cosine.at(r, t) - mean[r], 2);
    const double sd = std::sqrt(variance / double(tokens.size()));
    lower->addData(r, std::max(-1.0, mean[r] - sd));
    upper->addData(r, std::min(1.0, mean[r] + sd));
    line->addData(r, mean[r]);
  }
  QColor fill = color;
  fill.setAlpha(60);
  lower->setPen(Qt::NoPen);
  upper->setPen(Qt::NoPen);
  upper->setBrush(fill);
  upper->setChannelFillGraph(lower);
  line->setPen(QPen(color, 2.4));
  line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 6));
  line->setName(QStringLiteral("%1 (n = %2), mean ± s.d.").arg(name).arg(tokens.size()));
  line->setProperty("legend", true);
}

void BosCosinePlot::rebuild() {
  resetPlot();
  addTitle(QStringLiteral("Cosine similarity with BOS per layer"),
           QStringLiteral("cos(h[BOS], h[t]) of the residual stream after each layer"));
  QCPAxisRect* rect = addAxisRect(0, 0);
  const int rows = static_cast<int>(data_.layerLabels.size());
  if (rows == 0) return;
  QCPAxis* layerAxis = rect->axis(QCPAxis::atBottom);
  QCPAxis* valueAxis = rect->axis(QCPAxis::atLeft);
  layerAxis->setLabel(QStringLiteral("layer"));
  valueAxis->setLabel(QStringLiteral("cosine with BOS"));
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  const int step = std::max(1, rows / 16);
  for (int i = 0; i < rows; i += step) ticker->addTick(i, QString::fromStdString(data_.layerLabels[i]));
  layerAxis->setTicker(ticker);
  layerAxis->setSubTicks(false);
  layerAxis->grid()->setVisible(true);

  addGroup(rect, otherTokens(), QStringLiteral("other tokens"), palette_.color(Segment::AudioDelimiter));
  addGroup(rect, data_.sinkTokens, QStringLiteral("intermediate sinks"), palette_.sinkMarker());

  std::vector<int> lines = data_.highlightTokens;
  const int count = static_cast<int>(data_.tokens.size());
  if (selectedToken_ > 0 && selectedToken_ < count &&
      std::find(lines.begin(), lines.end(), selectedToken_) == lines.end()) {
    lines.push_back(selectedToken_);
  }
  const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
  int index = 0;
  for (int t : lines) {
    if (t <= 0 || t >= count) continue;
    auto* graph = new QCPGraph(layerAxis, valueAxis);
    const QColor color = palette_.color(data_.tokens[t].segment);
    const bool selected = t == selectedToken_;
    graph->setPen(QPen(selected ? palette_.selection() : color, selected ? 2.2 : 1.6, styles[index++ % 4]));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, color, color, 5));
    for (int r = 0; r < rows; ++r) graph->addData(r, data_.cosine.at(r, t));
    graph->setName(QStringLiteral("token %1 \"%2\"%3").arg(t).arg(tokenLabel(data_.tokens[t], 16),
                                                        selected ? QStringLiteral(" (selected)") : QString()));
    graph->setProperty("legend", true);
  }

  const auto [valueLow, valueHigh] = data_.valueRange.value_or(data_.naturalValueRange());
  layerAxis->setRange(-0.3, rows - 0.7);
  valueAxis->setRange(valueLow, valueHigh);

  auto* legend = new QCPLegend;
  const int row = plot_->plotLayout()->rowCount();
  plot_->plotLayout()->addElement(row, 0, legend);
  plot_->plotLayout()->setRowStretchFactor(row, 0.001);
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(2);
  legend->setBrush(Qt::NoBrush);
  legend->setBorderPen(Qt::NoPen);
  legend->setTextColor(palette_.foreground());
  legend->setColumnSpacing(18);
  for (int i = 0; i < plot_->plottableCount(); ++i) {
    if (plot_->plottable(i)->property("legend").toBool()) plot_->plottable(i)->addToLegend(legend);
  }
}

}  // namespace sinkscope::ui
