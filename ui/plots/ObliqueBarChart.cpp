#include "ui/plots/ObliqueBarChart.h"

#include <QFontMetricsF>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

namespace sinkscope::ui {

namespace {

// Share of a cell a bar occupies, along the front and in depth.
constexpr double kBarWidthShare = 0.72;
constexpr double kBarDepthShare = 0.6;
// Direction rows recede in: this many cell widths right and up per row.
constexpr double kDepthRight = 0.55;
constexpr double kDepthUp = 0.42;

}  // namespace

ObliqueBarChart::ObliqueBarChart(QCPAxis* keyAxis, QCPAxis* valueAxis) : QCPAbstractPlottable(keyAxis, valueAxis) {
  setSelectable(QCP::stNone);
}

void ObliqueBarChart::setData(const QVector<QVector<double>>& values, const QVector<QString>& rowLabels,
                              const QVector<QString>& columnLabels, const QVector<QColor>& columnColors,
                              const QVector<bool>& highlightedRows) {
  values_ = values;
  rowLabels_ = rowLabels;
  columnLabels_ = columnLabels;
  columnColors_ = columnColors;
  highlightedRows_ = highlightedRows;
  fronts_.clear();
}

double ObliqueBarChart::maxValue() const {
  double highest = 0.0;
  for (const auto& row : values_) {
    for (double v : row) highest = std::max(highest, v);
  }
  return highest > 0.0 ? highest : 1.0;
}

QRectF ObliqueBarChart::frontFace(int row, int column) const {
  if (row < 0 || row >= fronts_.size() || column < 0 || column >= fronts_[row].size()) return {};
  return fronts_[row][column];
}

double ObliqueBarChart::selectTest(const QPointF&, bool, QVariant*) const { return -1.0; }

QCPRange ObliqueBarChart::getKeyRange(bool& foundRange, QCP::SignDomain) const {
  foundRange = true;
  return QCPRange(0.0, 1.0);
}

QCPRange ObliqueBarChart::getValueRange(bool& foundRange, QCP::SignDomain, const QCPRange&) const {
  foundRange = true;
  return QCPRange(0.0, 1.0);
}

double ObliqueBarChart::niceStep(double range, int targetTicks) {
  const double raw = range / std::max(1, targetTicks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10.0 * magnitude;
}

ObliqueBarChart::Geometry ObliqueBarChart::layout(const QRectF& area) const {
  const int columns = values_.isEmpty() ? 1 : values_.first().size();
  const int rows = std::max(1, static_cast<int>(values_.size()));
  const QFontMetricsF metrics(style_.font);
  double longestColumn = 0.0;
  for (const QString& label : columnLabels_) longestColumn = std::max(longestColumn, metrics.horizontalAdvance(label));
  double longestRow = 0.0;
  for (const QString& label : rowLabels_) longestRow = std::max(longestRow, metrics.horizontalAdvance(label));
  // Room for height tick labels on the left, column labels below, row labels right.
  const double left = metrics.horizontalAdvance(QStringLiteral("00000")) + 2.5 * metrics.height();
  const double bottom = longestColumn + 10.0;
  const double right = longestRow + 16.0;
  const double top = metrics.height() * 1.5;
  const double width = std::max(10.0, area.width() - left - right);
  const double height = std::max(10.0, area.height() - top - bottom);

  Geometry g;
  g.cellWidth = width / (columns + kDepthRight * rows);
  // Rows at least a text line apart, so their labels do not collide; at most 45 %
  // of the height goes to depth, the rest to the bars themselves.
  double depthUp = std::max(kDepthUp * g.cellWidth, 1.25 * metrics.height());
  depthUp = std::min(depthUp, 0.45 * height / rows);
  g.depthStep = QPointF(std::max(kDepthRight * g.cellWidth, 0.6 * depthUp), -depthUp);
  g.cellWidth = (width - g.depthStep.x() * rows) / columns;
  g.fullHeight = height - depthUp * rows;
  g.origin = QPointF(area.left() + left, area.top() + top + height);
  return g;
}

QPointF ObliqueBarChart::floorPoint(const Geometry& g, double column, double row) const {
  return g.origin + QPointF(column * g.cellWidth, 0.0) + row * g.depthStep;
}

void ObliqueBarChart::draw(QCPPainter* painter) {
  if (values_.isEmpty() || values_.first().isEmpty()) return;
  const QRectF area = keyAxis()->axisRect()->rect();
  const Geometry g = layout(area);
  const int rows = values_.size();
  const int columns = values_.first().size();
  const double highest = maxValue();
  const double step = niceStep(highest, 5);
  const double axisTop = std::ceil(highest / step) * step;
  const double pixelsPerUnit = g.fullHeight / axisTop;
  painter->setFont(style_.font);
  const QFontMetricsF metrics(style_.font);
  painter->setRenderHint(QPainter::Antialiasing, true);

  // Floor, left wall and back wall with height grid lines.
  const QPointF frontLeft = floorPoint(g, 0, 0);
  const QPointF frontRight = floorPoint(g, columns, 0);
  const QPointF backLeft = floorPoint(g, 0, rows);
  const QPointF backRight = floorPoint(g, columns, rows);
  const QPointF up(0.0, -axisTop * pixelsPerUnit);
  QColor wall = style_.grid;
  wall.setAlpha(40);
  painter->setPen(QPen(style_.grid, 1.0));
  painter->setBrush(wall);
  painter->drawPolygon(QPolygonF({frontLeft, frontRight, backRight, backLeft}));
  painter->setBrush(Qt::NoBrush);
  painter->drawPolygon(QPolygonF({frontLeft, backLeft, backLeft + up, frontLeft + up}));
  painter->drawPolygon(QPolygonF({backLeft, backRight, backRight + up, backLeft + up}));
  for (int r = 1; r < rows; ++r) {
    painter->setPen(QPen(style_.grid, 0.6, Qt::DotLine));
    painter->drawLine(floorPoint(g, 0, r), floorPoint(g, columns, r));
  }
  for (double v = step; v <= axisTop + 1e-9; v += step) {
    const QPointF lift(0.0, -v * pixelsPerUnit);
    painter->setPen(QPen(style_.grid, 0.8, Qt::DashLine));
    painter->drawLine(frontLeft + lift, backLeft + lift);
    painter->drawLine(backLeft + lift, backRight + lift);
  }
  // Height ticks on the front-left edge.
  painter->setPen(QPen(style_.text, 1.0));
  painter->drawLine(frontLeft, frontLeft + up);
  for (double v = 0.0; v <= axisTop + 1e-9; v += step) {
    const QPointF at = frontLeft + QPointF(0.0, -v * pixelsPerUnit);
    painter->drawLine(at, at + QPointF(-4.0, 0.0));
    const QString text = QString::number(v, 'g', 4);
    const QRectF box(at.x() - 6.0 - metrics.horizontalAdvance(text), at.y() - metrics.height() / 2,
                     metrics.horizontalAdvance(text), metrics.height());
    painter->drawText(box, Qt::AlignRight | Qt::AlignVCenter, text);
  }
  if (!heightLabel_.isEmpty()) {
    painter->save();
    const QPointF middle = frontLeft + 0.5 * up;
    painter->translate(area.left() + metrics.height() * 0.8, middle.y());
    painter->rotate(-90);
    painter->drawText(QRectF(-100, -metrics.height() / 2, 200, metrics.height()), Qt::AlignCenter, heightLabel_);
    painter->restore();
  }

  // Bars, farthest row first; within a row left to right (the viewer sits to the
  // front right, so a bar can only hide the right side of its left neighbour).
  fronts_ = QVector<QVector<QRectF>>(rows, QVector<QRectF>(columns));
  const double barWidth = kBarWidthShare * g.cellWidth;
  const QPointF depth = kBarDepthShare * g.depthStep;
  for (int r = rows - 1; r >= 0; --r) {
    for (int c = 0; c < columns; ++c) {
      const double value = std::max(0.0, values_[r][c]);
      const double heightPx = value * pixelsPerUnit;
      const QPointF base = floorPoint(g, c + 0.5 * (1.0 - kBarWidthShare), r + 0.5 * (1.0 - kBarDepthShare));
      const QRectF front(base.x(), base.y() - heightPx, barWidth, heightPx);
      fronts_[r][c] = front;
      const QColor color = c < columnColors_.size() ? columnColors_[c] : style_.text;
      painter->setPen(QPen(color.darker(160), 0.6));
      painter->setBrush(color.darker(135));
      painter->drawPolygon(QPolygonF({front.topRight(), front.topRight() + depth, front.bottomRight() + depth,
                                      front.bottomRight()}));
      painter->setBrush(color.lighter(125));
      painter->drawPolygon(QPolygonF({front.topLeft(), front.topLeft() + depth, front.topRight() + depth,
                                      front.topRight()}));
      painter->setBrush(color);
      painter->drawRect(front);
    }
  }

  // Value labels on the tall bars of highlighted rows, drawn last so nothing covers them.
  QFont bold = style_.font;
  bold.setBold(true);
  painter->setFont(bold);
  const QFontMetricsF boldMetrics(bold);
  for (int r = 0; r < rows; ++r) {
    if (r >= highlightedRows_.size() || !highlightedRows_[r]) continue;
    for (int c = 0; c < columns; ++c) {
      if (values_[r][c] < 0.25 * highest) continue;
      const QRectF& front = fronts_[r][c];
      const QString text = QString::number(values_[r][c], 'f', 0);
      const double textWidth = boldMetrics.horizontalAdvance(text);
      const QRectF box(front.center().x() + 0.5 * depth.x() - textWidth / 2 - 2,
                       front.top() + depth.y() - boldMetrics.height() - 3, textWidth + 4, boldMetrics.height());
      painter->setPen(Qt::NoPen);
      painter->setBrush(QColor(255, 255, 255, style_.text.lightness() > 128 ? 30 : 200));
      painter->drawRect(box);
      painter->setPen(style_.highlight);
      painter->drawText(box, Qt::AlignCenter, text);
    }
  }

  // Row labels along the right edge of the floor, column labels under the front.
  for (int r = 0; r < rows && r < rowLabels_.size(); ++r) {
    const bool highlighted = r < highlightedRows_.size() && highlightedRows_[r];
    painter->setFont(highlighted ? bold : style_.font);
    painter->setPen(highlighted ? style_.highlight : style_.text);
    const QPointF at = floorPoint(g, columns, r + 0.5) + QPointF(6.0, 0.0);
    painter->drawText(QRectF(at.x(), at.y() - metrics.height() / 2, 200, metrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, rowLabels_[r]);
  }
  painter->setFont(style_.font);
  painter->setPen(style_.text);
  for (int c = 0; c < columns && c < columnLabels_.size(); ++c) {
    const QPointF at = floorPoint(g, c + 0.5, 0) + QPointF(0.0, 5.0);
    painter->save();
    painter->translate(at);
    painter->rotate(-90);
    painter->drawText(QRectF(-400, -metrics.height() / 2, 400, metrics.height()), Qt::AlignRight | Qt::AlignVCenter,
                      columnLabels_[c]);
    painter->restore();
  }
}

void ObliqueBarChart::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const {
  painter->setPen(QPen(style_.text, 0.6));
  painter->setBrush(columnColors_.isEmpty() ? style_.text : columnColors_.first());
  painter->drawRect(rect.adjusted(rect.width() * 0.3, 0, -rect.width() * 0.3, 0));
}

}  // namespace sinkscope::ui
