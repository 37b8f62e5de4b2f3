#include "ui/views/HeadGridView.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include <QMouseEvent>
#include <QPainter>
#include <qcustomplot.h>

#include "ui/plots/PlotWidget.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

constexpr int kLabelPx = 28;
constexpr int kGapPx = 3;
constexpr double kFloor = 1e-4;  // the attention map's log floor

// A [T, T] pattern max-pooled into at most kThumbnailPx cells per side (max, so a
// one-token sink column survives), coloured on a log scale.
QImage thumbnailOf(const HostTensor& pattern) {
  const int count = static_cast<int>(pattern.size(0));
  const int side = std::min(count, HeadGridView::kThumbnailPx);
  QImage image(side, side, QImage::Format_ARGB32);
  image.fill(Qt::transparent);
  if (side == 0) return image;
  QCPColorGradient gradient = PlotWidget::sequentialGradient();  // color() is not const
  const QCPRange range(kFloor, 1.0);
  for (int y = 0; y < side; ++y) {
    const int q0 = y * count / side;
    const int q1 = std::max(q0 + 1, (y + 1) * count / side);
    for (int x = 0; x <= y; ++x) {
      const int k0 = x * count / side;
      const int k1 = std::max(k0 + 1, (x + 1) * count / side);
      double peak = kFloor;
      for (int q = q0; q < q1; ++q) {
        for (int k = k0; k < std::min(k1, q + 1); ++k) peak = std::max<double>(peak, pattern.at(q, k));
      }
      image.setPixel(x, y, gradient.color(peak, range, true));
    }
  }
  return image;
}

}  // namespace

HeadGridView::HeadGridView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 120);
  setToolTip(tr("Every head's attention map; click one to show it in the attention map"));
}

void HeadGridView::setTrace(TracePtr trace) {
  trace_ = std::move(trace);
  layers_ = trace_->numLayers;
  heads_ = trace_->numHeads;
  stale_ = true;
  if (isVisible()) makeThumbnails();
  update();
}

void HeadGridView::makeThumbnails() const {
  if (!stale_) return;
  stale_ = false;
  thumbnails_.assign(static_cast<std::size_t>(layers_ * heads_), QImage());
  for (int l = 0; l < layers_; ++l) {
    for (int h = 0; h < heads_; ++h) {
      try {
        thumbnails_[static_cast<std::size_t>(l * heads_ + h)] = thumbnailOf(TraceTaps::pattern(*trace_, l, h));
      } catch (const std::exception&) {
        // Not captured for this layer or head: the cell stays empty.
      }
    }
  }
}

void HeadGridView::showEvent(QShowEvent* event) {
  makeThumbnails();
  QWidget::showEvent(event);
}

const QImage& HeadGridView::thumbnail(int layer, int head) const {
  makeThumbnails();
  return thumbnails_.at(static_cast<std::size_t>(layer * heads_ + head));
}

QSize HeadGridView::sizeHint() const { return {kLabelPx + std::max(1, heads_) * 44, kLabelPx + std::max(1, layers_) * 44}; }

QRect HeadGridView::gridArea() const { return rect().adjusted(kLabelPx, kLabelPx, -2, -2); }

QRect HeadGridView::cellRect(int layer, int head) const {
  if (layers_ == 0 || heads_ == 0) return {};
  const QRect area = gridArea();
  // Square cells, as large as both directions allow.
  const int cell = std::max(4, std::min((area.width() - kGapPx * (heads_ - 1)) / heads_,
                                        (area.height() - kGapPx * (layers_ - 1)) / layers_));
  return {area.left() + head * (cell + kGapPx), area.top() + layer * (cell + kGapPx), cell, cell};
}

bool HeadGridView::cellAt(const QPoint& point, int* layer, int* head) const {
  for (int l = 0; l < layers_; ++l) {
    for (int h = 0; h < heads_; ++h) {
      if (cellRect(l, h).contains(point)) {
        *layer = l;
        *head = h;
        return true;
      }
    }
  }
  return false;
}

void HeadGridView::setCurrent(int layer, int head) {
  currentLayer_ = layer;
  currentHead_ = head;
  update();
}

void HeadGridView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Base));
  if (layers_ == 0 || heads_ == 0) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect(), Qt::AlignCenter, tr("Every head's attention appears here."));
    return;
  }
  painter.setPen(palette().color(QPalette::Text));
  QFont font = painter.font();
  font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.8));
  painter.setFont(font);
  const int every = std::max(1, heads_ / 16);
  for (int h = 0; h < heads_; h += every) {
    const QRect cell = cellRect(0, h);
    painter.drawText(QRect(cell.left(), 0, cell.width(), kLabelPx), Qt::AlignCenter, QStringLiteral("h%1").arg(h));
  }
  for (int l = 0; l < layers_; ++l) {
    const QRect cell = cellRect(l, 0);
    painter.drawText(QRect(0, cell.top(), kLabelPx - 2, cell.height()), Qt::AlignRight | Qt::AlignVCenter,
                     QStringLiteral("L%1").arg(l));
  }
  for (int l = 0; l < layers_; ++l) {
    for (int h = 0; h < heads_; ++h) {
      const QRect cell = cellRect(l, h);
      const QImage& image = thumbnail(l, h);
      painter.fillRect(cell, palette().color(QPalette::AlternateBase));
      if (!image.isNull()) painter.drawImage(cell, image);
      if (l == currentLayer_ && h == currentHead_) {
        painter.setPen(QPen(QColor(0xD5, 0x5E, 0x00), 2.5));
        painter.drawRect(cell.adjusted(-1, -1, 1, 1));
      }
    }
  }
}

void HeadGridView::mousePressEvent(QMouseEvent* event) {
  int layer = 0;
  int head = 0;
  if (event->button() != Qt::LeftButton || !cellAt(event->position().toPoint(), &layer, &head)) return;
  setCurrent(layer, head);
  emit headChosen(layer, head);
}

}  // namespace sinkscope::ui
