#include "ui/plots/AttentionMapPlot.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

// Attention below this reads as "none" on the log scale.
constexpr double kFloor = 1e-4;

}  // namespace

AttentionMapData AttentionMapData::fromTrace(const Trace& trace, int layer, int head, float sinkThreshold) {
  AttentionMapData data;
  data.layer = layer;
  data.head = head;
  data.tokens = trace.tokens;
  data.pattern = TraceTaps::pattern(trace, layer, head);
  data.sinkThreshold = sinkThreshold;
  const bool haveScores = trace.find(TraceTaps::blockTap(layer, "attn.hook_received")) != nullptr ||
                          trace.find(TraceTaps::blockTap(layer, "attn.hook_pattern")) != nullptr;
  if (!haveScores) {
    data.sinkScore = TraceTaps::receivedAttention(data.pattern);
    return data;
  }
  const HostTensor scores = TraceTaps::sinkScores(trace, layer);
  const std::int64_t heads = scores.size(0);
  const std::int64_t count = scores.size(1);
  data.sinkScore.assign(static_cast<std::size_t>(count), 0.0f);
  if (head >= 0) {
    if (head >= heads) throw ShapeError("sink scores of layer " + std::to_string(layer) + " have no head " + std::to_string(head));
    for (std::int64_t k = 0; k < count; ++k) data.sinkScore[k] = scores.at(head, k);
  } else {
    // The mean over heads of s[h, k] is the sink score of the head-average pattern.
    for (std::int64_t k = 0; k < count; ++k) {
      double sum = 0.0;
      for (std::int64_t h = 0; h < heads; ++h) sum += scores.at(h, k);
      data.sinkScore[k] = static_cast<float>(sum / double(heads));
    }
  }
  return data;
}

std::pair<double, double> AttentionMapData::naturalColorRange() const {
  const int count = static_cast<int>(tokens.size());
  double lowest = 1.0;
  double highest = kFloor;
  for (int q = 0; q < count; ++q) {
    for (int k = 0; k <= q; ++k) {
      const double value = std::max<double>(kFloor, pattern.at(q, k));
      lowest = std::min(lowest, value);
      highest = std::max(highest, value);
    }
  }
  return {std::max(kFloor, lowest), std::max(highest, lowest * 10)};
}

AttentionMapPlot::AttentionMapPlot(QWidget* parent) : PlotWidget(parent) {
  setMouseTracking(true);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, &AttentionMapPlot::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &AttentionMapPlot::onMousePress);
}

void AttentionMapPlot::setData(AttentionMapData data) {
  const std::int64_t count = static_cast<std::int64_t>(data.tokens.size());
  if (data.pattern.dim() != 2 || data.pattern.size(0) != count || data.pattern.size(1) != count) {
    throw ShapeError("AttentionMapPlot: pattern must be [T, T] with T = " + std::to_string(count) + ", found " +
                     data.pattern.shapeString());
  }
  if (!data.sinkScore.empty() && static_cast<std::int64_t>(data.sinkScore.size()) != count) {
    throw ShapeError("AttentionMapPlot: sink scores must have " + std::to_string(count) + " entries, found " +
                     std::to_string(data.sinkScore.size()));
  }
  data_ = std::move(data);
  rebuild();
}

std::vector<int> AttentionMapPlot::sinkColumns() const {
  std::vector<int> columns;
  const auto count = static_cast<std::int64_t>(data_.sinkScore.size());
  for (int k = 0; k < static_cast<int>(count); ++k) {
    if (data_.sinkScore[k] > data_.sinkThreshold &&
        TraceTaps::seenByEnoughQueries(k, count, TraceTaps::kSinkMinQueries)) {
      columns.push_back(k);
    }
  }
  return columns;
}

double AttentionMapPlot::colorRangeLower() const { return map_ ? map_->dataRange().lower : 0.0; }
double AttentionMapPlot::colorRangeUpper() const { return map_ ? map_->dataRange().upper : 0.0; }

void AttentionMapPlot::rebuild() {
  resetPlot();
  map_ = nullptr;
  scale_ = nullptr;
  mapRect_ = nullptr;
  selectionItems_.clear();
  const int count = static_cast<int>(data_.tokens.size());
  const QString headText = data_.head < 0 ? QStringLiteral("mean over heads") : QStringLiteral("head %1").arg(data_.head);
  const std::vector<int> sinks = sinkColumns();
  QStringList names;
  for (int k : sinks) names << QStringLiteral("%1 %2").arg(k).arg(tokenLabel(data_.tokens[k], 18));
  const QString subtitle = data_.sinkScore.empty() ? QString()
                           : QStringLiteral("sink keys (outlined; sink score > %1): %2")
                                 .arg(data_.sinkThreshold)
                                 .arg(names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")));
  addTitle(QStringLiteral("Attention, layer %1 (%2)").arg(data_.layer).arg(headText), subtitle);
  mapRect_ = addAxisRect(0, 0);
  if (count == 0) return;

  QCPAxis* keyAxis = mapRect_->axis(QCPAxis::atBottom);
  QCPAxis* queryAxis = mapRect_->axis(QCPAxis::atLeft);
  keyAxis->setLabel(QStringLiteral("key token"));
  queryAxis->setLabel(QStringLiteral("query token"));
  keyAxis->grid()->setVisible(false);
  queryAxis->grid()->setVisible(false);
  setTokenTicks(keyAxis, data_.tokens);
  setTokenTicks(queryAxis, data_.tokens);

  map_ = new QCPColorMap(keyAxis, queryAxis);
  map_->data()->setSize(count, count);
  map_->data()->setRange(QCPRange(0, count - 1), QCPRange(0, count - 1));
  for (int q = 0; q < count; ++q) {
    for (int k = 0; k < count; ++k) {
      map_->data()->setCell(k, q, std::max<double>(kFloor, data_.pattern.at(q, k)));
      // Causal attention: keys after the query are not defined, not zero.
      if (k > q) map_->data()->setAlpha(k, q, 0);
    }
  }
  const auto [lower, upper] = data_.colorRange.value_or(data_.naturalColorRange());
  map_->setInterpolate(false);
  map_->setGradient(sequentialGradient());
  map_->setDataScaleType(QCPAxis::stLogarithmic);

  scale_ = new QCPColorScale(plot_);
  body_->addElement(0, 1, scale_);
  scale_->setType(QCPAxis::atRight);
  scale_->setDataScaleType(QCPAxis::stLogarithmic);
  scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  scale_->axis()->setNumberFormat(QStringLiteral("eb"));
  scale_->axis()->setNumberPrecision(0);
  scale_->setLabel(QStringLiteral("attention"));
  scale_->setBarWidth(12);
  styleAxis(scale_->axis());
  scale_->setGradient(sequentialGradient());
  map_->setColorScale(scale_);
  map_->setDataRange(QCPRange(lower, upper));
  auto* group = new QCPMarginGroup(plot_);
  mapRect_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, group);

  // Bands sit just outside the map: above it for keys, left of it for queries.
  const double bandWidth = std::max(0.8, 0.035 * count);
  const double gap = std::max(0.15, 0.006 * count);
  const double edge = -0.5 - gap;
  addSegmentBand(mapRect_, data_.tokens, true, edge - bandWidth, edge);
  addSegmentBand(mapRect_, data_.tokens, false, edge - bandWidth, edge);
  keyAxis->setRange(edge - bandWidth, count - 0.5);
  queryAxis->setRange(edge - bandWidth, count - 0.5);
  queryAxis->setRangeReversed(true);

  for (int k : sinks) {
    auto* outline = new QCPItemRect(plot_);
    outline->setClipAxisRect(mapRect_);
    outline->topLeft->setAxes(keyAxis, queryAxis);
    outline->bottomRight->setAxes(keyAxis, queryAxis);
    outline->topLeft->setCoords(k - 0.5, edge - bandWidth);
    outline->bottomRight->setCoords(k + 0.5, count - 0.5);
    outline->setPen(QPen(palette_.sinkMarker(), 1.6));
    outline->setBrush(Qt::NoBrush);
    outline->setSelectable(false);
  }
  addSegmentLegend(data_.tokens);
  updateSelection();
}

void AttentionMapPlot::updateSelection() {
  for (QCPAbstractItem* item : selectionItems_) plot_->removeItem(item);
  selectionItems_.clear();
  const int count = static_cast<int>(data_.tokens.size());
  if (mapRect_ != nullptr && selectedToken_ >= 0 && selectedToken_ < count) {
    QCPAxis* keyAxis = mapRect_->axis(QCPAxis::atBottom);
    QCPAxis* queryAxis = mapRect_->axis(QCPAxis::atLeft);
    const double t = selectedToken_;
    const QPen pen(palette_.selection(), 1.4, Qt::DashLine);
    // The selected token's column (what it receives) and row (what it attends to).
    for (int orientation = 0; orientation < 2; ++orientation) {
      auto* rect = new QCPItemRect(plot_);
      rect->setClipAxisRect(mapRect_);
      rect->topLeft->setAxes(keyAxis, queryAxis);
      rect->bottomRight->setAxes(keyAxis, queryAxis);
      if (orientation == 0) {
        rect->topLeft->setCoords(t - 0.5, t - 0.5);
        rect->bottomRight->setCoords(t + 0.5, count - 0.5);
      } else {
        rect->topLeft->setCoords(-0.5, t - 0.5);
        rect->bottomRight->setCoords(t + 0.5, t + 0.5);
      }
      rect->setPen(pen);
      rect->setBrush(Qt::NoBrush);
      rect->setSelectable(false);
      selectionItems_.append(rect);
    }
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QPointF AttentionMapPlot::cellCenterPixel(int query, int key) const {
  if (mapRect_ == nullptr) return {};
  const double x = mapRect_->axis(QCPAxis::atBottom)->coordToPixel(key);
  const double y = mapRect_->axis(QCPAxis::atLeft)->coordToPixel(query);
  return QPointF(x, y);
}

bool AttentionMapPlot::cellAt(const QPointF& pixel, int* query, int* key) const {
  if (mapRect_ == nullptr || map_ == nullptr) return false;
  const int count = static_cast<int>(data_.tokens.size());
  const double keyCoord = mapRect_->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x());
  const double queryCoord = mapRect_->axis(QCPAxis::atLeft)->pixelToCoord(pixel.y());
  const int k = static_cast<int>(std::lround(keyCoord));
  const int q = static_cast<int>(std::lround(queryCoord));
  if (keyCoord < -0.5 || queryCoord < -0.5 || k >= count || q >= count || k > q) return false;
  *query = q;
  *key = k;
  return true;
}

QString AttentionMapPlot::cellDescription(int query, int key) const {
  const TraceToken& q = data_.tokens[query];
  const TraceToken& k = data_.tokens[key];
  QString text = QStringLiteral("query %1 \"%2\" (%3)\nkey %4 \"%5\" (%6)\nattention %7")
                     .arg(query)
                     .arg(tokenLabel(q, 24), SegmentPalette::displayName(q.segment))
                     .arg(key)
                     .arg(tokenLabel(k, 24), SegmentPalette::displayName(k.segment))
                     .arg(data_.pattern.at(query, key), 0, 'g', 4);
  if (!data_.sinkScore.empty()) {
    text += QStringLiteral("\nsink score of key %1").arg(data_.sinkScore[key], 0, 'f', 3);
  }
  return text;
}

void AttentionMapPlot::onMouseMove(QMouseEvent* event) {
  int query = 0;
  int key = 0;
  if (cellAt(event->position(), &query, &key)) {
    QToolTip::showText(event->globalPosition().toPoint(), cellDescription(query, key), plot_);
  } else {
    QToolTip::hideText();
  }
}

void AttentionMapPlot::onMousePress(QMouseEvent* event) {
  int query = 0;
  int key = 0;
  if (event->button() != Qt::LeftButton || !cellAt(event->position(), &query, &key)) return;
  emit cellClicked(query, key);
  selectedToken_ = key;
  updateSelection();
  emit tokenSelected(key);
}

}  // namespace sinkscope::ui
