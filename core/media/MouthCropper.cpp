#include "core/media/MouthCropper.h"

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "core/base/Error.h"
#include "core/media/MeanFace.h"
#include "core/media/OpenCvImage.h"

namespace sinkscope {

namespace {

constexpr std::array<int, 8> kStablePoints = {28, 33, 36, 39, 42, 45, 48, 54};
constexpr int kMouthFirst = 48;
constexpr int kMouthLast = 67;

PointF centroid(const Landmarks68& points) {
  double x = 0, y = 0;
  for (const auto& p : points) {
    x += p.x;
    y += p.y;
  }
  return {static_cast<float>(x / points.size()), static_cast<float>(y / points.size())};
}

}  // namespace

MouthCropper::MouthCropper(MouthCropOptions options) : options_(options) {
  if (options_.halfWindowFrames < 0) {
    throw ConfigError("MouthCropper: halfWindowFrames must be >= 0, got " +
                      std::to_string(options_.halfWindowFrames));
  }
  if (options_.cropSizePx < 1 || options_.cropSizePx > kReferenceSizePx) {
    throw ConfigError("MouthCropper: cropSizePx must be 1.." + std::to_string(kReferenceSizePx) +
                      ", got " + std::to_string(options_.cropSizePx));
  }
}

std::vector<Landmarks68> MouthCropper::interpolate(
    const std::vector<std::optional<Landmarks68>>& track) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < track.size(); ++i) {
    if (track[i]) found.push_back(i);
  }
  if (found.empty()) throw MediaError("mouth crop: no face in any of the " +
                                      std::to_string(track.size()) + " frames");
  std::vector<Landmarks68> filled(track.size());
  for (std::size_t i = 0; i < found.front(); ++i) filled[i] = *track[found.front()];
  for (std::size_t i = found.back(); i < track.size(); ++i) filled[i] = *track[found.back()];
  for (std::size_t g = 0; g + 1 < found.size(); ++g) {
    const std::size_t a = found[g];
    const std::size_t b = found[g + 1];
    const Landmarks68& from = *track[a];
    const Landmarks68& to = *track[b];
    for (std::size_t i = a; i < b; ++i) {
      const float t = static_cast<float>(i - a) / static_cast<float>(b - a);
      for (std::size_t p = 0; p < from.size(); ++p) {
        filled[i][p] = {from[p].x + t * (to[p].x - from[p].x), from[p].y + t * (to[p].y - from[p].y)};
      }
    }
  }
  return filled;
}

std::vector<Landmarks68> MouthCropper::smooth(const std::vector<Landmarks68>& track,
                                              int halfWindowFrames) {
  const auto n = static_cast<long>(track.size());
  std::vector<Landmarks68> smoothed(track.size());
  for (long i = 0; i < n; ++i) {
    const long margin = std::min<long>({halfWindowFrames, i, n - 1 - i});
    std::array<double, 2 * 68> sum{};
    for (long j = i - margin; j <= i + margin; ++j) {
      for (std::size_t p = 0; p < 68; ++p) {
        sum[2 * p] += track[j][p].x;
        sum[2 * p + 1] += track[j][p].y;
      }
    }
    const double count = static_cast<double>(2 * margin + 1);
    Landmarks68& out = smoothed[i];
    for (std::size_t p = 0; p < 68; ++p) {
      out[p] = {static_cast<float>(sum[2 * p] / count), static_cast<float>(sum[2 * p + 1] / count)};
    }
    const PointF own = centroid(track[i]);
    const PointF mean = centroid(out);
    for (auto& point : out) {
      point.x += own.x - mean.x;
      point.y += own.y - mean.y;
    }
  }
  return smoothed;
}

void MouthCropper::setTrack(const std::vector<std::optional<Landmarks68>>& track) {
  landmarks_ = interpolate(track);
  smoothed_ = smooth(landmarks_, options_.halfWindowFrames);
  frameToCrop_.assign(smoothed_.size(), {});

  const Landmarks68& reference = MeanFace::reference();
  std::vector<cv::Point2f> target;
  for (int p : kStablePoints) target.emplace_back(reference[p].x, reference[p].y);
  const int half = options_.cropSizePx / 2;
  const int maxOrigin = kReferenceSizePx - options_.cropSizePx;

  for (std::size_t i = 0; i < smoothed_.size(); ++i) {
    const Landmarks68& points = smoothed_[i];
    std::vector<cv::Point2f> source;
    for (int p : kStablePoints) source.emplace_back(points[p].x, points[p].y);
    const cv::Mat fit = cv::estimateAffinePartial2D(source, target, cv::noArray(), cv::LMEDS);
    if (fit.empty()) {
      throw MediaError("mouth crop: no similarity transform fits the landmarks of frame " +
                       std::to_string(i));
    }
    std::array<double, 6> m{};
    for (int r = 0; r < 2; ++r) {
      for (int c = 0; c < 3; ++c) m[3 * r + c] = fit.at<double>(r, c);
    }
    double cx = 0, cy = 0;
    for (int p = kMouthFirst; p <= kMouthLast; ++p) {
      cx += m[0] * points[p].x + m[1] * points[p].y + m[2];
      cy += m[3] * points[p].x + m[4] * points[p].y + m[5];
    }
    cx /= kMouthLast - kMouthFirst + 1;
    cy /= kMouthLast - kMouthFirst + 1;
    // auto_avsr rounds the window's corner half to even (Python's round) and fails
    // on a window that leaves the frame; here the window is kept inside instead.
    const double originX = std::clamp(std::nearbyint(cx - half), 0.0, static_cast<double>(maxOrigin));
    const double originY = std::clamp(std::nearbyint(cy - half), 0.0, static_cast<double>(maxOrigin));
    m[2] -= originX;
    m[5] -= originY;
    frameToCrop_[i] = m;
  }
}

const Landmarks68& MouthCropper::landmarks(std::size_t frame) const { return landmarks_.at(frame); }

const Landmarks68& MouthCropper::smoothedLandmarks(std::size_t frame) const {
  return smoothed_.at(frame);
}

const std::array<double, 6>& MouthCropper::frameToCrop(std::size_t frame) const {
  return frameToCrop_.at(frame);
}

Image MouthCropper::crop(const Image& picture, std::size_t frame) const {
  if (frame >= frameToCrop_.size()) {
    throw MediaError("mouth crop: frame " + std::to_string(frame) + " is past the track's " +
                     std::to_string(frameToCrop_.size()) + " frames");
  }
  if (picture.empty() || (picture.channels != 1 && picture.channels != 3)) {
    throw MediaError("mouth crop: frame " + std::to_string(frame) + " has no gray or BGR picture");
  }
  cv::Mat gray = asMat(picture);
  if (picture.channels == 3) cv::cvtColor(asMat(picture), gray, cv::COLOR_BGR2GRAY);
  const auto& m = frameToCrop_[frame];
  const cv::Mat transform = (cv::Mat_<double>(2, 3) << m[0], m[1], m[2], m[3], m[4], m[5]);
  Image out(options_.cropSizePx, options_.cropSizePx, 1);
  cv::Mat target = asMat(out);
  cv::warpAffine(gray, target, transform, target.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(0));
  return out;
}

}  // namespace sinkscope
