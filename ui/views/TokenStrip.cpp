#include "ui/views/TokenStrip.h"

#include <algorithm>

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "ui/main/TokenSelection.h"
#include "ui/plots/SegmentPalette.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {
constexpr int kMarginPx = 6;

// The plots' segment colours, lightened for a chip behind dark text; BOS and the
// delimiters keep their full colour (white text) so they stand out.
QColor chipFill(Segment segment) {
  const QColor base = SegmentPalette().color(segment);
  const bool edge = segment == Segment::AudioDelimiter || segment == Segment::VideoDelimiter;
  return edge || segment == Segment::Bos ? base : base.lighter(160);
}

QColor chipText(Segment segment) {
  return chipFill(segment).lightness() < 140 ? QColor(Qt::white) : QColor(20, 20, 20);
}
constexpr int kGapPx = 3;
constexpr int kChipHeightPx = 22;
constexpr int kMaxChipWidthPx = 120;
}  // namespace

TokenStrip::TokenStrip(TokenSelection* selection, QWidget* parent)
    : QWidget(parent), selection_(selection) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  connect(selection_, &TokenSelection::changed, this, qOverload<>(&QWidget::update));
}

void TokenStrip::setTrace(TracePtr trace) {
  trace_ = std::move(trace);
  computeSinks();
  layout(width(), &chips_);
  updateGeometry();
  update();
}

void TokenStrip::setLayer(int layer) {
  layer_ = layer;
  computeSinks();
  update();
}

void TokenStrip::setEpsilon(double epsilon) {
  epsilon_ = epsilon;
  computeSinks();
  update();
}

void TokenStrip::computeSinks() {
  sinkFractions_.clear();
  if (!trace_) return;
  const int tokens = trace_->numTokens();
  sinkFractions_.assign(static_cast<std::size_t>(tokens), 0.0);
  for (int l = 0; l < trace_->numLayers; ++l) {
    if (layer_ >= 0 && l != layer_) continue;
    const HostTensor* received = trace_->find(TraceTaps::blockTap(l, "attn.hook_received"));
    if (received == nullptr || received->dim() != 2 || received->size(1) != tokens) continue;
    const std::vector<float> fraction = TraceTaps::sinkFraction(*received, static_cast<float>(epsilon_));
    for (int t = 0; t < tokens; ++t) {
      auto& best = sinkFractions_[static_cast<std::size_t>(t)];
      best = std::max(best, static_cast<double>(fraction[static_cast<std::size_t>(t)]));
    }
  }
}

QString TokenStrip::label(int position) const {
  QString text = QString::fromStdString(trace_->tokens[static_cast<std::size_t>(position)].text);
  text.replace('\n', QStringLiteral("\u21b5"));
  if (text.trimmed().isEmpty()) text = QStringLiteral("\u2423");
  return text;
}

int TokenStrip::layout(int width, std::vector<QRect>* chips) const {
  chips->clear();
  if (!trace_) return kMarginPx * 2;
  const QFontMetrics metrics(font());
  int x = kMarginPx, y = kMarginPx;
  for (int t = 0; t < trace_->numTokens(); ++t) {
    const int w = std::min(kMaxChipWidthPx, metrics.horizontalAdvance(label(t)) + 10);
    if (x + w > width - kMarginPx && x > kMarginPx) {
      x = kMarginPx;
      y += kChipHeightPx + kGapPx;
    }
    chips->emplace_back(x, y, w, kChipHeightPx);
    x += w + kGapPx;
  }
  return y + kChipHeightPx + kMarginPx;
}

QSize TokenStrip::sizeHint() const { return {600, heightForWidth(600)}; }

int TokenStrip::heightForWidth(int width) const {
  std::vector<QRect> chips;
  return layout(width, &chips);
}

void TokenStrip::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  layout(width(), &chips_);
  setMinimumHeight(heightForWidth(width()));
}

void TokenStrip::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  if (!trace_) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect(), Qt::AlignCenter, tr("Open a clip or type a prompt to see its tokens."));
    return;
  }
  const QFontMetrics metrics(font());
  for (int t = 0; t < static_cast<int>(chips_.size()); ++t) {
    const QRect& r = chips_[static_cast<std::size_t>(t)];
    const Segment segment = trace_->tokens[static_cast<std::size_t>(t)].segment;
    const double sink = sinkFractions_.empty() ? 0.0 : sinkFractions_[static_cast<std::size_t>(t)];
    painter.setBrush(chipFill(segment));
    QPen pen(sink > 0.0 ? QColor(20, 20, 20) : chipFill(segment).darker(130));
    pen.setWidthF(sink > 0.0 ? 1.0 + 3.0 * sink : 1.0);
    painter.setPen(pen);
    painter.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    if (t == selection_->current()) {
      QPen outline(palette().color(QPalette::Highlight));
      outline.setWidth(3);
      painter.setPen(outline);
      painter.setBrush(Qt::NoBrush);
      painter.drawRoundedRect(QRectF(r).adjusted(-2, -2, 2, 2), 5, 5);
    }
    painter.setPen(chipText(segment));
    painter.drawText(r.adjusted(5, 0, -5, 0), Qt::AlignVCenter | Qt::AlignLeft,
                     metrics.elidedText(label(t), Qt::ElideRight, r.width() - 10));
  }
}

int TokenStrip::tokenAt(const QPoint& point) const {
  for (int t = 0; t < static_cast<int>(chips_.size()); ++t)
    if (chips_[static_cast<std::size_t>(t)].contains(point)) return t;
  return -1;
}

void TokenStrip::mousePressEvent(QMouseEvent* event) {
  const int t = tokenAt(event->position().toPoint());
  if (t >= 0) selection_->select(t);
}

bool TokenStrip::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip && trace_) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int t = tokenAt(help->pos());
    if (t < 0) {
      QToolTip::hideText();
      return true;
    }
    const TraceToken& token = trace_->tokens[static_cast<std::size_t>(t)];
    QString tip = tr("#%1 %2  (%3)").arg(t).arg(label(t), QString::fromStdString(segmentName(token.segment)));
    if (token.startSec >= 0.0) tip += tr("\n%1 - %2 s").arg(token.startSec, 0, 'f', 2).arg(token.endSec, 0, 'f', 2);
    if (!sinkFractions_.empty() &&
        !TraceTaps::seenByEnoughQueries(t, trace_->numTokens(), TraceTaps::kSinkMinQueries)) {
      tip += tr("\nseen by fewer than %1 queries: not counted as a sink").arg(TraceTaps::kSinkMinQueries);
    } else if (!sinkFractions_.empty()) {
      tip += tr("\nsink in %1% of heads%2").arg(qRound(100.0 * sinkFractions_[static_cast<std::size_t>(t)]))
                 .arg(layer_ >= 0 ? tr(" (layer %1)").arg(layer_) : tr(" (most in any layer)"));
    }
    QToolTip::showText(help->globalPos(), tip, this);
    return true;
  }
  return QWidget::event(event);
}

}  // namespace sinkscope::ui
