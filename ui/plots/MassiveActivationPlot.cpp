#include "ui/plots/MassiveActivationPlot.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <tuple>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

// |h| below this is drawn as the floor of the log colour scale.
constexpr double kFloor = 1e-3;

}  // namespace

MassiveActivationData MassiveActivationData::fromTrace(const Trace& trace, int layer, float minAbs, float minRatio) {
  MassiveActivationData data;
  data.layer = layer;
  data.tokens = trace.tokens;
  data.hidden = TraceTaps::residual(trace, layer);
  data.fixedDims = TraceTaps::massiveDims(data.hidden, minAbs, minRatio);
  return data;
}

MassiveActivationPlot::MassiveActivationPlot(QWidget* parent) : PlotWidget(parent) {
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mousePress, this, &MassiveActivationPlot::onMousePress);
  connect(plot_, &QCustomPlot::mouseMove, this, &MassiveActivationPlot::onMouseMove);
}

void MassiveActivationPlot::setData(MassiveActivationData data) {
  const auto count = static_cast<std::int64_t>(data.tokens.size());
  if (data.hidden.dim() != 2 || data.hidden.size(0) != count) {
    throw ShapeError("MassiveActivationPlot: hidden must be [" + std::to_string(count) + ", D], found " +
                     data.hidden.shapeString());
  }
  for (int d : data.fixedDims) {
    if (d < 0 || d >= data.hidden.size(1)) {
      throw ShapeError("MassiveActivationPlot: fixed dim " + std::to_string(d) + " outside " + data.hidden.shapeString());
    }
  }
  data_ = std::move(data);
  rebuild();
}

int MassiveActivationData::dimsPerColumn() const {
  const int width = hidden.dim() == 2 ? static_cast<int>(hidden.size(1)) : 0;
  constexpr int kMax = MassiveActivationPlot::kMaxColumns;
  return std::max(1, (width + kMax - 1) / kMax);
}

std::vector<double> MassiveActivationData::tokenPeaks() const {
  const int count = static_cast<int>(tokens.size());
  std::vector<double> peaks(static_cast<std::size_t>(count), 0.0);
  for (int t = 0; t < count; ++t) {
    for (std::int64_t d = 0; d < hidden.size(1); ++d) peaks[t] = std::max<double>(peaks[t], std::fabs(hidden.at(t, d)));
  }
  return peaks;
}

std::pair<double, double> MassiveActivationData::naturalColorRange() const {
  const int count = static_cast<int>(tokens.size());
  const int width = hidden.dim() == 2 ? static_cast<int>(hidden.size(1)) : 0;
  if (count == 0 || width == 0) return {kFloor, kFloor * 10};
  const int step = dimsPerColumn();
  std::vector<double> cells;
  cells.reserve(static_cast<std::size_t>(count) * ((width + step - 1) / step));
  for (int t = 0; t < count; ++t) {
    for (int first = 0; first < width; first += step) {
      double peak = 0.0;
      for (int d = first; d < std::min(width, first + step); ++d) peak = std::max<double>(peak, std::fabs(hidden.at(t, d)));
      cells.push_back(std::max(kFloor, peak));
    }
  }
  // The scale starts at the 5th percentile: a few near-zero values would otherwise
  // spend decades of colour on nothing.
  const double highest = *std::max_element(cells.begin(), cells.end());
  auto fifth = cells.begin() + cells.size() / 20;
  std::nth_element(cells.begin(), fifth, cells.end());
  return {*fifth, std::max(highest, *fifth * 10)};
}

std::pair<double, double> MassiveActivationData::naturalPeakRange() const {
  const std::vector<double> peaks = tokenPeaks();
  if (peaks.empty()) return {kFloor, kFloor * 10};
  const double low = std::max(kFloor, *std::min_element(peaks.begin(), peaks.end()) / 3.0);
  return {low, std::max(low * 10, *std::max_element(peaks.begin(), peaks.end()) * 3.0)};
}

int MassiveActivationPlot::dimsPerColumn() const { return data_.dimsPerColumn(); }

std::vector<double> MassiveActivationPlot::tokenPeaks() const { return data_.tokenPeaks(); }

void MassiveActivationPlot::rebuild() {
  resetPlot();
  selectionItems_.clear();
  mapRect_ = nullptr;
  spikeRect_ = nullptr;
  const int count = static_cast<int>(data_.tokens.size());
  const int width = data_.hidden.dim() == 2 ? static_cast<int>(data_.hidden.size(1)) : 0;
  QStringList dims;
  for (int d : data_.fixedDims) dims << QString::number(d);
  addTitle(QStringLiteral("Activation magnitudes |h|, layer %1").arg(data_.layer),
           dims.isEmpty() ? QStringLiteral("no fixed massive dims")
                          : QStringLiteral("fixed massive dims (marked on top): %1").arg(dims.join(QStringLiteral(", "))));
  mapRect_ = addAxisRect(0, 0);
  if (count == 0 || width == 0) return;

  QCPAxis* featureAxis = mapRect_->axis(QCPAxis::atBottom);
  QCPAxis* tokenAxis = mapRect_->axis(QCPAxis::atLeft);
  featureAxis->setLabel(dimsPerColumn() > 1 ? QStringLiteral("feature dim (max over %1 dims per column)").arg(dimsPerColumn())
                                            : QStringLiteral("feature dim"));
  tokenAxis->setLabel(QStringLiteral("token"));
  featureAxis->grid()->setVisible(false);
  tokenAxis->grid()->setVisible(false);
  setTokenTicks(tokenAxis, data_.tokens);

  const int step = dimsPerColumn();
  const int columns = (width + step - 1) / step;
  auto* map = new QCPColorMap(featureAxis, tokenAxis);
  map->data()->setSize(columns, count);
  // Column c covers dims [c*step, (c+1)*step); its centre sits at the middle dim.
  const double firstCentre = 0.5 * (step - 1);
  map->data()->setRange(QCPRange(firstCentre, firstCentre + (columns - 1) * step), QCPRange(0, count - 1));
  for (int t = 0; t < count; ++t) {
    for (int c = 0; c < columns; ++c) {
      double peak = 0.0;
      for (int d = c * step; d < std::min(width, (c + 1) * step); ++d) {
        peak = std::max<double>(peak, std::fabs(data_.hidden.at(t, d)));
      }
      map->data()->setCell(c, t, std::max(kFloor, peak));
    }
  }
  std::tie(colorLower_, colorUpper_) = data_.colorRange.value_or(data_.naturalColorRange());
  map->setInterpolate(false);

  auto* scale = new QCPColorScale(plot_);
  body_->addElement(0, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->setDataScaleType(QCPAxis::stLogarithmic);
  scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  scale->axis()->setNumberFormat(QStringLiteral("eb"));
  scale->axis()->setNumberPrecision(0);
  scale->setLabel(QStringLiteral("|h|"));
  scale->setBarWidth(12);
  styleAxis(scale->axis());
  scale->setGradient(sequentialGradient());
  map->setColorScale(scale);
  map->setDataScaleType(QCPAxis::stLogarithmic);
  map->setDataRange(QCPRange(colorLower_, colorUpper_));

  const double bandWidth = std::max(1.0, 0.035 * width);
  const double gap = 0.15 * bandWidth;
  addSegmentBand(mapRect_, data_.tokens, false, -0.5 - gap - bandWidth, -0.5 - gap);
  featureAxis->setRange(-0.5 - gap - bandWidth, width - 0.5);
  tokenAxis->setRange(-0.5, count - 0.5);
  tokenAxis->setRangeReversed(true);

  // The fixed dims on the top axis, so they can be read off at any width.
  QCPAxis* topAxis = mapRect_->axis(QCPAxis::atTop);
  topAxis->setVisible(true);
  topAxis->setRange(featureAxis->range());
  QSharedPointer<QCPAxisTickerText> fixedTicker(new QCPAxisTickerText);
  for (int d : data_.fixedDims) fixedTicker->addTick(d, QString::number(d));
  topAxis->setTicker(fixedTicker);
  topAxis->setSubTicks(false);
  topAxis->setTickPen(QPen(palette_.sinkMarker(), 2));
  topAxis->setTickLengthOut(6);
  topAxis->setTickLengthIn(0);
  topAxis->setTickLabelColor(palette_.sinkMarker());
  QFont bold = topAxis->tickLabelFont();
  bold.setBold(true);
  topAxis->setTickLabelFont(bold);
  topAxis->setBasePen(Qt::NoPen);
  connect(featureAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), topAxis,
          qOverload<const QCPRange&>(&QCPAxis::setRange));

  // Spike panel: max |h| per token, bars in the token's segment colour.
  spikeRect_ = addAxisRect(0, 2);
  QCPAxis* peakAxis = spikeRect_->axis(QCPAxis::atBottom);
  QCPAxis* spikeTokens = spikeRect_->axis(QCPAxis::atLeft);
  spikeRect_->axis(QCPAxis::atTop)->setVisible(true);
  spikeRect_->axis(QCPAxis::atTop)->setTicks(false);
  spikeRect_->axis(QCPAxis::atTop)->setTickLabels(false);
  spikeRect_->axis(QCPAxis::atTop)->setBasePen(Qt::NoPen);
  spikeTokens->setTickLabels(false);
  spikeTokens->setTicks(false);
  spikeTokens->grid()->setVisible(false);
  spikeTokens->setRange(-0.5, count - 0.5);
  spikeTokens->setRangeReversed(true);
  peakAxis->setScaleType(QCPAxis::stLogarithmic);
  peakAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  peakAxis->setNumberFormat(QStringLiteral("eb"));
  peakAxis->setNumberPrecision(0);
  peakAxis->setLabel(QStringLiteral("max |h| per token"));
  const std::vector<double> peaks = tokenPeaks();
  const auto [peakLow, peakHigh] = data_.peakRange.value_or(data_.naturalPeakRange());
  peakAxis->setRange(peakLow, peakHigh);
  for (const SegmentRun& run : SegmentPalette::runs(data_.tokens)) {
    auto* bars = new QCPBars(spikeTokens, peakAxis);
    bars->setWidth(0.8);
    bars->setBaseValue(peakLow);
    bars->setPen(Qt::NoPen);
    bars->setBrush(palette_.color(run.segment));
    for (int t = run.begin; t < run.end; ++t) bars->addData(t, peaks[t]);
  }
  body_->setColumnStretchFactor(0, 3.0);
  body_->setColumnStretchFactor(1, 0.01);
  body_->setColumnStretchFactor(2, 1.0);
  auto* group = new QCPMarginGroup(plot_);
  mapRect_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  spikeRect_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  addSegmentLegend(data_.tokens);
  updateSelection();
}

void MassiveActivationPlot::updateSelection() {
  for (QCPAbstractItem* item : selectionItems_) plot_->removeItem(item);
  selectionItems_.clear();
  const int count = static_cast<int>(data_.tokens.size());
  if (mapRect_ != nullptr && spikeRect_ != nullptr && selectedToken_ >= 0 && selectedToken_ < count) {
    for (QCPAxisRect* rect : {mapRect_, spikeRect_}) {
      auto* row = new QCPItemRect(plot_);
      row->setClipAxisRect(rect);
      row->topLeft->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
      row->bottomRight->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
      row->topLeft->setTypeX(QCPItemPosition::ptAxisRectRatio);
      row->bottomRight->setTypeX(QCPItemPosition::ptAxisRectRatio);
      row->topLeft->setCoords(0.0, selectedToken_ - 0.5);
      row->bottomRight->setCoords(1.0, selectedToken_ + 0.5);
      row->setPen(QPen(palette_.selection(), 1.4, Qt::DashLine));
      row->setBrush(Qt::NoBrush);
      row->setSelectable(false);
      selectionItems_.append(row);
    }
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

int MassiveActivationPlot::tokenAt(const QPointF& pixel) const {
  for (QCPAxisRect* rect : {mapRect_, spikeRect_}) {
    if (rect == nullptr || !rect->rect().contains(pixel.toPoint())) continue;
    const int token = static_cast<int>(std::lround(rect->axis(QCPAxis::atLeft)->pixelToCoord(pixel.y())));
    if (token >= 0 && token < static_cast<int>(data_.tokens.size())) return token;
  }
  return -1;
}

QPointF MassiveActivationPlot::tokenPixel(int token) const {
  if (mapRect_ == nullptr) return {};
  const double x = mapRect_->center().x();
  const double y = mapRect_->axis(QCPAxis::atLeft)->coordToPixel(token);
  return QPointF(x, y);
}

void MassiveActivationPlot::onMousePress(QMouseEvent* event) {
  const int token = tokenAt(event->position());
  if (event->button() != Qt::LeftButton || token < 0) return;
  selectedToken_ = token;
  updateSelection();
  emit tokenSelected(token);
}

void MassiveActivationPlot::onMouseMove(QMouseEvent* event) {
  const int token = tokenAt(event->position());
  if (token < 0 || mapRect_ == nullptr || !mapRect_->rect().contains(event->position().toPoint())) {
    QToolTip::hideText();
    return;
  }
  const int width = static_cast<int>(data_.hidden.size(1));
  const int dim = static_cast<int>(std::lround(mapRect_->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x())));
  if (dim < 0 || dim >= width) {
    QToolTip::hideText();
    return;
  }
  const int step = dimsPerColumn();
  const int first = dim / step * step;
  const int last = std::min(width, first + step) - 1;
  int peakDim = first;
  for (int d = first; d <= last; ++d) {
    if (std::fabs(data_.hidden.at(token, d)) > std::fabs(data_.hidden.at(token, peakDim))) peakDim = d;
  }
  const TraceToken& info = data_.tokens[token];
  QToolTip::showText(event->globalPosition().toPoint(),
                     QStringLiteral("token %1 \"%2\" (%3)\ndim %4: h = %5")
                         .arg(token)
                         .arg(tokenLabel(info, 24), SegmentPalette::displayName(info.segment))
                         .arg(peakDim)
                         .arg(data_.hidden.at(token, peakDim), 0, 'g', 5),
                     plot_);
}

}  // namespace sinkscope::ui
