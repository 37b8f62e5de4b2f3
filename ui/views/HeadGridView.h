#pragma once

#include <vector>

#include <QImage>
#include <QWidget>

#include "core/base/Trace.h"

namespace sinkscope::ui {

// The layers x heads thumbnail grid (issue 6): every captured head's attention
// pattern as a small map (rows = queries, log colour, the attention map's viridis
// scale from 1e-4 to 1), so heads with a sink stripe stand out at a glance. Clicking
// a thumbnail picks that layer and head for the main attention map. Thumbnails are
// made when the grid is first shown or asked for, so a hidden tab costs nothing per
// trace.
class HeadGridView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kThumbnailPx = 40;  // at most this many pixels of pattern per side

  explicit HeadGridView(QWidget* parent = nullptr);

  void setTrace(TracePtr trace);
  int layers() const { return layers_; }
  int heads() const { return heads_; }
  // The thumbnail of (layer, head) before scaling, or a null image when not captured.
  const QImage& thumbnail(int layer, int head) const;
  QRect cellRect(int layer, int head) const;
  bool cellAt(const QPoint& point, int* layer, int* head) const;
  void setCurrent(int layer, int head);

  QSize sizeHint() const override;

 signals:
  void headChosen(int layer, int head);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  QRect gridArea() const;
  void makeThumbnails() const;

  TracePtr trace_;
  int layers_ = 0;
  int heads_ = 0;
  mutable std::vector<QImage> thumbnails_;  // [layer * heads + head]
  mutable bool stale_ = false;
  int currentLayer_ = -1;
  int currentHead_ = -1;
};

}  // namespace sinkscope::ui
