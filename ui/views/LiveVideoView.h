#pragma once

#include <array>
#include <vector>

#include <QSizeF>
#include <QString>

#include "core/engine/ClipMedia.h"
#include "core/media/Image.h"
#include "ui/plots/PlotWidget.h"

class QCPAxisRect;

namespace sinkscope::ui {

struct LiveResult;

// One frame of the mouth pipeline as the video view draws it.
struct LiveVideoData {
  Image picture;         // the camera picture (BGR or grey); may be empty
  ClipFrame frame;       // its face box, landmarks, crop transform and crop
  bool hasTrack = false; // the mouth pipeline ran on this frame (crops-only clips: no)
  std::vector<Image> strip;  // the latest mouth crops, oldest first, `frame`'s last
  QString caption;

  // Frame `index` of a live result's utterance with the `stripLength` crops up to it.
  static LiveVideoData fromResult(const LiveResult& result, std::size_t index, std::size_t stripLength = 8);
  // The 96x96 crop window's corners in picture pixels (the inverse of frameToCrop).
  static std::array<PointF, 4> cropCorners(const std::array<double, 6>& frameToCrop, int cropSizePx = 96);
};

// The camera picture with the face box, the 68 landmarks and the mouth crop's frame,
// above a strip of the latest 96x96 mouth crops (what the video encoder reads).
class LiveVideoView : public PlotWidget {
  Q_OBJECT

 public:
  explicit LiveVideoView(QWidget* parent = nullptr);

  void setData(LiveVideoData data);
  const LiveVideoData& data() const { return data_; }

 protected:
  void rebuild() override;

 private:
  // Keeps one picture pixel square at any widget size (after each layout pass).
  void fitPictures();

  LiveVideoData data_;
  QCPAxisRect* pictureRect_ = nullptr;
  QCPAxisRect* stripRect_ = nullptr;
  QSizeF pictureSize_;
  QSizeF stripSize_;
};

}  // namespace sinkscope::ui
