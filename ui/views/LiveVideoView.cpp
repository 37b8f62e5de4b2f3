#include "ui/views/LiveVideoView.h"

#include <algorithm>

#include <qcustomplot.h>

#include "ui/controllers/LiveResult.h"

namespace sinkscope::ui {

namespace {

QImage toQImage(const Image& image) {
  if (image.empty()) return {};
  const QImage::Format format = image.channels == 3 ? QImage::Format_BGR888 : QImage::Format_Grayscale8;
  // QImage borrows the pixels; copy() gives it its own.
  return QImage(image.pixels.data(), image.width, image.height, image.width * image.channels, format).copy();
}

void addPicture(QCustomPlot* plot, QCPAxisRect* rect, const Image& image, double left, double top) {
  auto* item = new QCPItemPixmap(plot);
  item->setClipAxisRect(rect);
  item->topLeft->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  item->bottomRight->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  item->topLeft->setCoords(left, top);
  item->bottomRight->setCoords(left + image.width, top + image.height);
  item->setPixmap(QPixmap::fromImage(toQImage(image)));
  item->setScaled(true, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
  item->setSelectable(false);
}

// Pictures run downwards: y grows down, as in the image.
void pictureAxes(QCPAxisRect* rect) {
  QCPAxis* x = rect->axis(QCPAxis::atBottom);
  QCPAxis* y = rect->axis(QCPAxis::atLeft);
  y->setRangeReversed(true);
  for (QCPAxis* axis : {x, y}) {
    axis->setVisible(false);
    axis->grid()->setVisible(false);
  }
  rect->setAutoMargins(QCP::msNone);
  rect->setMargins(QMargins(2, 2, 2, 2));
}

}  // namespace

LiveVideoData LiveVideoData::fromResult(const LiveResult& result, std::size_t index, std::size_t stripLength) {
  LiveVideoData data;
  const std::size_t frames = std::max(result.media.frames.size(), result.pictures.size());
  if (frames == 0) return data;
  index = std::min(index, frames - 1);
  if (index < result.pictures.size()) data.picture = result.pictures[index];
  if (index < result.media.frames.size()) {
    data.frame = result.media.frames[index];
    data.hasTrack = !result.media.cropsOnly;
    const std::size_t first = index + 1 > stripLength ? index + 1 - stripLength : 0;
    for (std::size_t i = first; i <= index; ++i) data.strip.push_back(result.media.frames[i].crop);
  }
  data.caption = QStringLiteral("frame %1 of %2%3")
                     .arg(index + 1)
                     .arg(frames)
                     .arg(data.hasTrack && !data.frame.faceFound ? QStringLiteral(" (landmarks interpolated)")
                                                                  : QString());
  return data;
}

std::array<PointF, 4> LiveVideoData::cropCorners(const std::array<double, 6>& a, int cropSizePx) {
  // crop = A · frame + t, so frame = A⁻¹ · (crop − t).
  const double det = a[0] * a[4] - a[1] * a[3];
  std::array<PointF, 4> corners{};
  if (det == 0.0) return corners;
  const double s = cropSizePx;
  const double crop[4][2] = {{0, 0}, {s, 0}, {s, s}, {0, s}};
  for (int i = 0; i < 4; ++i) {
    const double u = crop[i][0] - a[2];
    const double v = crop[i][1] - a[5];
    corners[i] = {static_cast<float>((a[4] * u - a[1] * v) / det), static_cast<float>((-a[3] * u + a[0] * v) / det)};
  }
  return corners;
}

// Centres content of `size` in the rect with equal x and y scales.
void fit(QCPAxisRect* rect, const QSizeF& size) {
  if (rect == nullptr || rect->width() <= 0 || rect->height() <= 0 || size.isEmpty()) return;
  const double scale = std::min(rect->width() / size.width(), rect->height() / size.height());
  const double padX = (rect->width() / scale - size.width()) / 2;
  const double padY = (rect->height() / scale - size.height()) / 2;
  rect->axis(QCPAxis::atBottom)->setRange(-padX, size.width() + padX);
  rect->axis(QCPAxis::atLeft)->setRange(-padY, size.height() + padY);
}

LiveVideoView::LiveVideoView(QWidget* parent) : PlotWidget(parent) {
  connect(plot_, &QCustomPlot::afterLayout, this, &LiveVideoView::fitPictures);
  rebuild();
}

void LiveVideoView::fitPictures() {
  fit(pictureRect_, pictureSize_);
  fit(stripRect_, stripSize_);
}

void LiveVideoView::setData(LiveVideoData data) {
  data_ = std::move(data);
  rebuild();
}

void LiveVideoView::rebuild() {
  resetPlot();
  QCPAxisRect* pictureRect = addAxisRect(0, 0);
  pictureRect_ = pictureRect;
  const Image& picture = data_.picture;
  const double width = picture.empty() ? 640 : picture.width;
  const double height = picture.empty() ? 360 : picture.height;
  pictureSize_ = QSizeF(width, height);
  pictureAxes(pictureRect);
  if (!picture.empty()) addPicture(plot_, pictureRect, picture, 0, 0);
  QCPAxis* x = pictureRect->axis(QCPAxis::atBottom);
  QCPAxis* y = pictureRect->axis(QCPAxis::atLeft);

  if (data_.hasTrack) {
    if (data_.frame.faceFound) {
      auto* box = new QCPItemRect(plot_);
      box->setClipAxisRect(pictureRect);
      box->topLeft->setAxes(x, y);
      box->bottomRight->setAxes(x, y);
      const FaceBox& f = data_.frame.box;
      box->topLeft->setCoords(f.left, f.top);
      box->bottomRight->setCoords(f.left + f.width, f.top + f.height);
      box->setPen(QPen(QColor(0x56, 0xB4, 0xE9), 2));
      box->setSelectable(false);
    }
    auto* points = new QCPGraph(x, y);
    points->setLineStyle(QCPGraph::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0xF0, 0xE4, 0x42), 3.5));
    for (const PointF& p : data_.frame.landmarks) points->addData(p.x, p.y);

    auto* crop = new QCPCurve(x, y);
    const auto corners = LiveVideoData::cropCorners(data_.frame.frameToCrop, data_.frame.crop.width > 0 ? data_.frame.crop.width : 96);
    for (int i = 0; i <= 4; ++i) crop->addData(i, corners[i % 4].x, corners[i % 4].y);
    crop->setPen(QPen(QColor(0xD5, 0x5E, 0x00), 2));
  }
  if (!data_.caption.isEmpty()) {
    auto* caption = new QCPItemText(plot_);
    caption->setClipAxisRect(pictureRect);
    caption->position->setType(QCPItemPosition::ptAxisRectRatio);
    caption->position->setAxisRect(pictureRect);
    caption->position->setCoords(0.01, 0.01);
    caption->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    caption->setText(data_.caption);
    caption->setColor(Qt::white);
    caption->setBrush(QColor(0, 0, 0, 150));
    caption->setPadding(QMargins(4, 2, 4, 2));
  }

  // The strip: the crops side by side in a row below, 96 px apart.
  const int cropSize = 96;
  const int slotCount = std::max<int>(8, static_cast<int>(data_.strip.size()));
  QCPAxisRect* stripRect = addAxisRect(1, 0);
  stripRect_ = stripRect;
  stripSize_ = QSizeF(slotCount * cropSize, cropSize);
  pictureAxes(stripRect);
  for (std::size_t i = 0; i < data_.strip.size(); ++i) {
    addPicture(plot_, stripRect, data_.strip[i], static_cast<double>(i) * cropSize, 0);
  }
  // Rows sized to their content's aspect at the plot's width.
  body_->setRowStretchFactor(0, height / width);
  body_->setRowStretchFactor(1, 1.0 / slotCount);
  fitPictures();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sinkscope::ui
