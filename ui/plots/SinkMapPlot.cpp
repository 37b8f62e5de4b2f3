#include "ui/plots/SinkMapPlot.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

SinkMapData SinkMapData::fromTrace(const Trace& trace, float sinkThreshold) {
  SinkMapData data;
  data.tokens = trace.tokens;
  data.sinkThreshold = sinkThreshold;
  data.layers = TraceTaps::attentionLayers(trace);
  const std::int64_t count = trace.numTokens();
  data.fraction = HostTensor({static_cast<std::int64_t>(data.layers.size()), count});
  for (std::size_t row = 0; row < data.layers.size(); ++row) {
    const std::vector<float> fraction =
        TraceTaps::sinkFraction(TraceTaps::sinkScores(trace, data.layers[row]), sinkThreshold);
    std::copy(fraction.begin(), fraction.end(), data.fraction.values.begin() + row * count);
  }
  return data;
}

SinkMapPlot::SinkMapPlot(QWidget* parent) : PlotWidget(parent) {
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mousePress, this, &SinkMapPlot::onMousePress);
  connect(plot_, &QCustomPlot::mouseMove, this, &SinkMapPlot::onMouseMove);
}

void SinkMapPlot::setData(SinkMapData data) {
  const auto count = static_cast<std::int64_t>(data.tokens.size());
  const auto rows = static_cast<std::int64_t>(data.layers.size());
  if (data.fraction.dim() != 2 || data.fraction.size(0) != rows || data.fraction.size(1) != count) {
    throw ShapeError("SinkMapPlot: fraction must be [" + std::to_string(rows) + ", " + std::to_string(count) +
                     "], found " + data.fraction.shapeString());
  }
  data_ = std::move(data);
  rebuild();
}

void SinkMapPlot::rebuild() {
  resetPlot();
  selectionItems_.clear();
  const int count = static_cast<int>(data_.tokens.size());
  const int rows = static_cast<int>(data_.layers.size());
  addTitle(QStringLiteral("Attention sinks per layer"),
           QStringLiteral("share of heads with sink score > %1 (last %2 tokens not counted: too few queries)")
               .arg(data_.sinkThreshold)
               .arg(TraceTaps::kSinkMinQueries - 1));
  mapRect_ = addAxisRect(0, 0);
  if (count == 0 || rows == 0) return;
  QCPAxis* tokenAxis = mapRect_->axis(QCPAxis::atBottom);
  QCPAxis* layerAxis = mapRect_->axis(QCPAxis::atLeft);
  tokenAxis->grid()->setVisible(false);
  layerAxis->grid()->setVisible(false);
  tokenAxis->setLabel(QStringLiteral("token"));
  layerAxis->setLabel(QStringLiteral("layer"));
  setTokenTicks(tokenAxis, data_.tokens);
  QSharedPointer<QCPAxisTickerText> layerTicker(new QCPAxisTickerText);
  const int layerStep = std::max(1, rows / 16);
  for (int row = 0; row < rows; row += layerStep) layerTicker->addTick(row, QString::number(data_.layers[row]));
  layerAxis->setTicker(layerTicker);
  layerAxis->setSubTicks(false);

  auto* map = new QCPColorMap(tokenAxis, layerAxis);
  map->data()->setSize(count, rows);
  map->data()->setRange(QCPRange(0, count - 1), QCPRange(0, rows - 1));
  for (int row = 0; row < rows; ++row) {
    for (int t = 0; t < count; ++t) map->data()->setCell(t, row, data_.fraction.at(row, t));
  }
  map->setInterpolate(false);
  // Small maps get their nonzero fractions written in the cells.
  if (count <= 64 && rows <= 32) {
    QFont font = plot_->font();
    font.setPointSizeF(6.5);
    for (int row = 0; row < rows; ++row) {
      for (int t = 0; t < count; ++t) {
        const float value = data_.fraction.at(row, t);
        if (value <= 0.0f) continue;
        auto* label = new QCPItemText(plot_);
        label->setClipAxisRect(mapRect_);
        label->position->setAxes(tokenAxis, layerAxis);
        label->position->setCoords(t, row);
        label->setText(value >= 0.995f ? QStringLiteral("1") : QString::number(value, 'f', 2).mid(1));
        label->setFont(font);
        label->setColor(value > 0.45f ? QColor(Qt::white) : QColor(0x20, 0x20, 0x20));
        label->setSelectable(false);
      }
    }
  }
  auto* scale = new QCPColorScale(plot_);
  body_->addElement(0, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->setLabel(QStringLiteral("fraction of heads"));
  scale->setBarWidth(12);
  styleAxis(scale->axis());
  scale->setGradient(fractionGradient(palette_.theme()));
  map->setColorScale(scale);
  map->setDataRange(QCPRange(0.0, 1.0));
  auto* group = new QCPMarginGroup(plot_);
  mapRect_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);

  // The segment band runs under the map; its height is a fixed share of the rows.
  const double bandHeight = std::max(0.45, 0.07 * rows);
  const double gap = 0.08 * bandHeight;
  const double bottom = -0.5 - gap - bandHeight;
  addSegmentBand(mapRect_, data_.tokens, true, bottom, -0.5 - gap);
  tokenAxis->setRange(-0.5, count - 0.5);
  layerAxis->setRange(bottom, rows - 0.5);
  addSegmentLegend(data_.tokens);
  updateSelection();
}

void SinkMapPlot::updateSelection() {
  for (QCPAbstractItem* item : selectionItems_) plot_->removeItem(item);
  selectionItems_.clear();
  const int count = static_cast<int>(data_.tokens.size());
  if (mapRect_ != nullptr && selectedToken_ >= 0 && selectedToken_ < count) {
    auto* rect = new QCPItemRect(plot_);
    rect->setClipAxisRect(mapRect_);
    rect->topLeft->setAxes(mapRect_->axis(QCPAxis::atBottom), mapRect_->axis(QCPAxis::atLeft));
    rect->bottomRight->setAxes(mapRect_->axis(QCPAxis::atBottom), mapRect_->axis(QCPAxis::atLeft));
    rect->topLeft->setCoords(selectedToken_ - 0.5, data_.layers.size() - 0.5);
    rect->bottomRight->setCoords(selectedToken_ + 0.5, mapRect_->axis(QCPAxis::atLeft)->range().lower);
    rect->setPen(QPen(palette_.selection(), 1.6, Qt::DashLine));
    rect->setBrush(Qt::NoBrush);
    rect->setSelectable(false);
    selectionItems_.append(rect);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

int SinkMapPlot::tokenAt(const QPointF& pixel) const {
  if (mapRect_ == nullptr || !mapRect_->rect().contains(pixel.toPoint())) return -1;
  const double coord = mapRect_->axis(QCPAxis::atBottom)->pixelToCoord(pixel.x());
  const int token = static_cast<int>(std::lround(coord));
  return token >= 0 && token < static_cast<int>(data_.tokens.size()) ? token : -1;
}

QPointF SinkMapPlot::cellCenterPixel(int row, int token) const {
  if (mapRect_ == nullptr) return {};
  const double x = mapRect_->axis(QCPAxis::atBottom)->coordToPixel(token);
  const double y = mapRect_->axis(QCPAxis::atLeft)->coordToPixel(row);
  return QPointF(x, y);
}

void SinkMapPlot::onMousePress(QMouseEvent* event) {
  const int token = tokenAt(event->position());
  if (event->button() != Qt::LeftButton || token < 0) return;
  selectedToken_ = token;
  updateSelection();
  emit tokenSelected(token);
}

void SinkMapPlot::onMouseMove(QMouseEvent* event) {
  const int token = tokenAt(event->position());
  const double rowCoord = mapRect_ ? mapRect_->axis(QCPAxis::atLeft)->pixelToCoord(event->position().y()) : -1;
  const int row = static_cast<int>(std::lround(rowCoord));
  if (token < 0 || row < 0 || row >= static_cast<int>(data_.layers.size())) {
    QToolTip::hideText();
    return;
  }
  const TraceToken& info = data_.tokens[token];
  QToolTip::showText(event->globalPosition().toPoint(),
                     QStringLiteral("token %1 \"%2\" (%3)\nlayer %4: sink in %5% of heads")
                         .arg(token)
                         .arg(tokenLabel(info, 24), SegmentPalette::displayName(info.segment))
                         .arg(data_.layers[row])
                         .arg(100.0 * data_.fraction.at(row, token), 0, 'f', 0),
                     plot_);
}

}  // namespace sinkscope::ui
