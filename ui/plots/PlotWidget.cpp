#include "ui/plots/PlotWidget.h"

#include <QFontMetrics>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace sinkscope::ui {

namespace {

constexpr int kMaxTokenLabels = 64;
constexpr double kBaseFontPt = 9.0;
constexpr double kSmallFontPt = 7.0;

// Text drawn on a coloured swatch must stay legible on it.
QColor textColorOn(const QColor& fill) {
  const double luminance = 0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF();
  return luminance > 0.55 ? QColor(0x10, 0x10, 0x10) : QColor(Qt::white);
}

}  // namespace

PlotWidget::PlotWidget(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setNoAntialiasingOnDrag(true);
  setMinimumSize(240, 160);
}

PlotWidget::~PlotWidget() = default;

void PlotWidget::setTheme(PlotTheme theme) {
  palette_ = SegmentPalette(theme);
  rebuild();
}

void PlotWidget::setSelectedToken(int token) {
  if (token == selectedToken_) return;
  selectedToken_ = token;
  updateSelection();
}

void PlotWidget::updateSelection() { rebuild(); }

QImage PlotWidget::renderImage(int widthPx, int heightPx, double scale) {
  return plot_->toPixmap(widthPx, heightPx, scale).toImage();
}

QCPColorGradient PlotWidget::sequentialGradient() {
  QCPColorGradient gradient;
  gradient.clearColorStops();
  // Anchor colours of the viridis map (van der Walt & Smith), sampled at ninths.
  const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x48, 0x28, 0x78), QColor(0x3E, 0x4A, 0x89),
                          QColor(0x31, 0x68, 0x8E), QColor(0x26, 0x82, 0x8E), QColor(0x1F, 0x9E, 0x89),
                          QColor(0x35, 0xB7, 0x79), QColor(0x6E, 0xCE, 0x58), QColor(0xB5, 0xDE, 0x2B),
                          QColor(0xFD, 0xE7, 0x25)};
  const int count = static_cast<int>(std::size(stops));
  for (int i = 0; i < count; ++i) gradient.setColorStopAt(double(i) / (count - 1), stops[i]);
  gradient.setColorInterpolation(QCPColorGradient::ciRGB);
  gradient.setLevelCount(256);
  gradient.setNanHandling(QCPColorGradient::nhTransparent);
  return gradient;
}

QCPColorGradient PlotWidget::fractionGradient(PlotTheme theme) {
  QCPColorGradient gradient;
  gradient.clearColorStops();
  if (theme == PlotTheme::Dark) {
    gradient.setColorStopAt(0.0, QColor(0x26, 0x28, 0x2D));
    gradient.setColorStopAt(0.35, QColor(0x7A, 0x1F, 0x5C));
    gradient.setColorStopAt(0.7, QColor(0xE0, 0x5A, 0x3A));
    gradient.setColorStopAt(1.0, QColor(0xFC, 0xE3, 0x8A));
  } else {
    gradient.setColorStopAt(0.0, QColor(0xF7, 0xF7, 0xF7));
    gradient.setColorStopAt(0.3, QColor(0xFC, 0xBB, 0xA1));
    gradient.setColorStopAt(0.65, QColor(0xEF, 0x3B, 0x2C));
    gradient.setColorStopAt(1.0, QColor(0x67, 0x00, 0x0D));
  }
  gradient.setLevelCount(256);
  gradient.setNanHandling(QCPColorGradient::nhTransparent);
  return gradient;
}

void PlotWidget::resetPlot() {
  plot_->clearItems();
  plot_->clearPlottables();
  plot_->plotLayout()->clear();
  plot_->plotLayout()->simplify();
  plot_->setBackground(palette_.background());
  QFont font = plot_->font();
  font.setPointSizeF(kBaseFontPt);
  plot_->setFont(font);
  body_ = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(0, 0, body_);
  body_->setColumnSpacing(8);
  // Every rebuild starts here; the queued replot runs once it has finished, so a
  // plot whose rebuild does not replot itself is still drawn.
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QCPAxisRect* PlotWidget::addAxisRect(int row, int column) {
  auto* rect = new QCPAxisRect(plot_);
  body_->addElement(row, column, rect);
  styleAxisRect(rect);
  return rect;
}

QCPAxisRect* PlotWidget::firstAxisRect() const {
  const QList<QCPAxisRect*> rects = plot_->axisRects();
  return rects.isEmpty() ? nullptr : rects.first();
}

void PlotWidget::addTitle(const QString& text, const QString& subtitle) {
  QFont font = plot_->font();
  font.setPointSizeF(kBaseFontPt + 2);
  font.setBold(true);
  auto* title = new QCPTextElement(plot_, text, font);
  title->setTextColor(palette_.foreground());
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, title);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  if (subtitle.isEmpty()) return;
  font.setBold(false);
  font.setPointSizeF(kBaseFontPt);
  auto* second = new QCPTextElement(plot_, subtitle, font);
  second->setTextColor(palette_.foreground());
  second->setMargins(QMargins(0, 0, 0, 4));
  plot_->plotLayout()->insertRow(1);
  plot_->plotLayout()->addElement(1, 0, second);
  plot_->plotLayout()->setRowStretchFactor(1, 0.001);
}

void PlotWidget::styleAxisRect(QCPAxisRect* rect) {
  rect->setBackground(palette_.background());
  for (QCPAxis* axis : rect->axes()) styleAxis(axis);
}

void PlotWidget::styleAxis(QCPAxis* axis) {
  const QColor fg = palette_.foreground();
  const QPen pen(fg, 1);
  axis->setBasePen(pen);
  axis->setTickPen(pen);
  axis->setSubTickPen(pen);
  axis->setTickLabelColor(fg);
  axis->setLabelColor(fg);
  QFont font = plot_->font();
  font.setPointSizeF(kBaseFontPt);
  axis->setTickLabelFont(font);
  axis->setLabelFont(font);
  axis->grid()->setPen(QPen(palette_.mutedForeground(), 1, Qt::DotLine));
  axis->grid()->setZeroLinePen(Qt::NoPen);
  axis->grid()->setSubGridVisible(false);
}

void PlotWidget::addSegmentBand(QCPAxisRect* rect, const std::vector<TraceToken>& tokens,
                                bool tokensAlongX, double crossLow, double crossHigh) {
  QCPAxis* xAxis = rect->axis(QCPAxis::atBottom);
  QCPAxis* yAxis = rect->axis(QCPAxis::atLeft);
  QFont font = plot_->font();
  font.setPointSizeF(kSmallFontPt);
  font.setBold(true);
  for (const SegmentRun& run : SegmentPalette::runs(tokens)) {
    const QColor fill = palette_.color(run.segment);
    auto* band = new QCPItemRect(plot_);
    band->setClipAxisRect(rect);
    band->topLeft->setAxes(xAxis, yAxis);
    band->bottomRight->setAxes(xAxis, yAxis);
    const double low = run.begin - 0.5;
    const double high = run.end - 0.5;
    if (tokensAlongX) {
      band->topLeft->setCoords(low, crossLow);
      band->bottomRight->setCoords(high, crossHigh);
    } else {
      band->topLeft->setCoords(crossLow, low);
      band->bottomRight->setCoords(crossHigh, high);
    }
    band->setPen(QPen(palette_.background(), 0.5));
    band->setBrush(fill);
    band->setSelectable(false);

    auto* label = new QCPItemText(plot_);
    label->setClipAxisRect(rect);
    label->position->setAxes(xAxis, yAxis);
    const double middle = 0.5 * (low + high);
    const double cross = 0.5 * (crossLow + crossHigh);
    label->position->setCoords(tokensAlongX ? middle : cross, tokensAlongX ? cross : middle);
    label->setText(SegmentPalette::displayName(run.segment));
    label->setFont(font);
    label->setColor(textColorOn(fill));
    label->setPositionAlignment(Qt::AlignCenter);
    if (!tokensAlongX) label->setRotation(-90);
    label->setSelectable(false);
    // A name shows only where it fits in the band as laid out now (a squeezed dock
    // would otherwise print names over each other); decided again at every layout.
    const QFontMetrics metrics(font);
    const int textLength = metrics.horizontalAdvance(label->text()) + 6;
    const int textThickness = metrics.height();
    label->setVisible(false);
    connect(plot_, &QCustomPlot::afterLayout, label, [=] {
      QCPAxis* along = tokensAlongX ? xAxis : yAxis;
      QCPAxis* across = tokensAlongX ? yAxis : xAxis;
      const double length = std::abs(along->coordToPixel(high) - along->coordToPixel(low));
      const double thickness = std::abs(across->coordToPixel(crossHigh) - across->coordToPixel(crossLow));
      label->setVisible(length >= textLength && thickness >= textThickness);
    });
  }
}

void PlotWidget::addSegmentLegend(const std::vector<TraceToken>& tokens) {
  QCPAxisRect* host = firstAxisRect();
  if (host == nullptr) return;
  auto* legend = new QCPLegend;
  const int row = plot_->plotLayout()->rowCount();
  plot_->plotLayout()->addElement(row, 0, legend);
  plot_->plotLayout()->setRowStretchFactor(row, 0.001);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setBrush(Qt::NoBrush);
  legend->setBorderPen(Qt::NoPen);
  legend->setTextColor(palette_.foreground());
  legend->setIconSize(14, 10);
  legend->setColumnSpacing(14);
  legend->setMargins(QMargins(6, 2, 6, 4));
  legend->setLayer(QStringLiteral("legend"));
  bool present[kSegmentCount] = {};
  for (const TraceToken& token : tokens) present[static_cast<int>(token.segment)] = true;
  for (int s = 0; s < kSegmentCount; ++s) {
    if (!present[s]) continue;
    const auto segment = static_cast<Segment>(s);
    // An empty bar plottable draws nothing and only lends the legend its swatch.
    auto* swatch = new QCPBars(host->axis(QCPAxis::atBottom), host->axis(QCPAxis::atLeft));
    swatch->setName(SegmentPalette::displayName(segment));
    swatch->setBrush(palette_.color(segment));
    swatch->setPen(QPen(palette_.color(segment)));
    swatch->setSelectable(QCP::stNone);
    swatch->addToLegend(legend);
  }
}

void PlotWidget::setTokenTicks(QCPAxis* axis, const std::vector<TraceToken>& tokens) {
  const int count = static_cast<int>(tokens.size());
  if (count <= kMaxTokenLabels) {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int t = 0; t < count; ++t) ticker->addTick(t, tokenLabel(tokens[t]));
    axis->setTicker(ticker);
    QFont font = plot_->font();
    font.setPointSizeF(kSmallFontPt);
    axis->setTickLabelFont(font);
    axis->setSubTicks(false);
    if (axis->orientation() == Qt::Horizontal) axis->setTickLabelRotation(-90);
  } else {
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
  }
}

QString PlotWidget::tokenLabel(const TraceToken& token, int maxChars) {
  QString text = QString::fromStdString(token.text).trimmed();
  if (text.isEmpty()) text = QString::fromUtf8("\u2423");  // visible space
  if (text.size() > maxChars) text = text.left(maxChars - 1) + QString::fromUtf8("\u2026");
  return text;
}

}  // namespace sinkscope::ui
