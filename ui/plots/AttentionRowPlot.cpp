#include "ui/plots/AttentionRowPlot.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {
constexpr int kNamedKeys = 3;
}  // namespace

AttentionRowData AttentionRowData::fromTrace(const Trace& trace, int layer, int head, int query) {
  if (query < 0 || query >= trace.numTokens()) {
    throw ShapeError("attention row: query " + std::to_string(query) + " outside 0.." +
                     std::to_string(trace.numTokens() - 1));
  }
  AttentionRowData data;
  data.layer = layer;
  data.head = head;
  data.query = query;
  data.tokens = trace.tokens;
  const HostTensor pattern = TraceTaps::pattern(trace, layer, head);
  for (int k = 0; k <= query; ++k) data.row.push_back(pattern.at(query, k));
  return data;
}

AttentionRowPlot::AttentionRowPlot(QWidget* parent) : PlotWidget(parent) {
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (rect_ == nullptr || data_.row.empty() || !rect_->rect().contains(event->position().toPoint())) return;
    const int key = static_cast<int>(std::lround(rect_->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x())));
    if (key < 0 || key >= static_cast<int>(data_.row.size())) return;
    selectedToken_ = key;
    rebuild();
    emit tokenSelected(key);
  });
}

void AttentionRowPlot::setData(AttentionRowData data) {
  if (data.query < 0 || data.query >= static_cast<int>(data.tokens.size()) ||
      static_cast<int>(data.row.size()) != data.query + 1) {
    throw ShapeError("AttentionRowPlot: a row of query " + std::to_string(data.query) + " needs " +
                     std::to_string(data.query + 1) + " keys, found " + std::to_string(data.row.size()));
  }
  data_ = std::move(data);
  rebuild();
}

int AttentionRowPlot::strongestKey() const {
  if (data_.row.empty()) return -1;
  return static_cast<int>(std::max_element(data_.row.begin(), data_.row.end()) - data_.row.begin());
}

void AttentionRowPlot::rebuild() {
  resetPlot();
  rect_ = nullptr;
  const int keys = static_cast<int>(data_.row.size());
  const QString head = data_.head < 0 ? QStringLiteral("mean over heads") : QStringLiteral("head %1").arg(data_.head);
  QString title = QStringLiteral("Attention row of token %1").arg(data_.query);
  if (!data_.tokens.empty()) {
    title += QStringLiteral(" \u201c%1\u201d").arg(tokenLabel(data_.tokens[data_.query], 20));
  }
  // The keys that got the most, named in the subtitle.
  std::vector<int> order(static_cast<std::size_t>(keys));
  std::iota(order.begin(), order.end(), 0);
  const int named = std::min(kNamedKeys, keys);
  std::partial_sort(order.begin(), order.begin() + named, order.end(),
                    [this](int a, int b) { return data_.row[a] > data_.row[b]; });
  QStringList top;
  for (int i = 0; i < named; ++i) {
    const int k = order[i];
    top << QStringLiteral("%1 \u201c%2\u201d %3").arg(k).arg(tokenLabel(data_.tokens[k], 14)).arg(data_.row[k], 0, 'f', 2);
  }
  addTitle(title + QStringLiteral(", layer %1 (%2)").arg(data_.layer).arg(head),
           top.isEmpty() ? QString() : QStringLiteral("most attention: %1").arg(top.join(QStringLiteral(", "))));
  rect_ = addAxisRect(0, 0);
  if (keys == 0) return;
  QCPAxis* keyAxis = rect_->axis(QCPAxis::atBottom);
  QCPAxis* valueAxis = rect_->axis(QCPAxis::atLeft);
  keyAxis->setLabel(QStringLiteral("key token"));
  valueAxis->setLabel(QStringLiteral("attention"));
  keyAxis->grid()->setVisible(false);
  const std::vector<TraceToken> visible(data_.tokens.begin(), data_.tokens.begin() + keys);
  setTokenTicks(keyAxis, visible);
  for (const SegmentRun& run : SegmentPalette::runs(visible)) {
    auto* bars = new QCPBars(keyAxis, valueAxis);
    bars->setWidth(0.85);
    bars->setPen(Qt::NoPen);
    bars->setBrush(palette_.color(run.segment));
    for (int k = run.begin; k < run.end; ++k) bars->addData(k, data_.row[k]);
  }
  const double highest = *std::max_element(data_.row.begin(), data_.row.end());
  keyAxis->setRange(-0.7, keys - 0.3);
  valueAxis->setRange(0.0, std::max(0.05, highest * 1.12));
  if (selectedToken_ >= 0 && selectedToken_ < keys) {
    auto* mark = new QCPItemRect(plot_);
    mark->setClipAxisRect(rect_);
    mark->topLeft->setAxes(keyAxis, valueAxis);
    mark->bottomRight->setAxes(keyAxis, valueAxis);
    mark->topLeft->setCoords(selectedToken_ - 0.5, valueAxis->range().upper);
    mark->bottomRight->setCoords(selectedToken_ + 0.5, 0.0);
    mark->setPen(QPen(palette_.selection(), 1.4, Qt::DashLine));
    mark->setBrush(Qt::NoBrush);
  }
  addSegmentLegend(visible);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sinkscope::ui
