#include "ui/views/AudioActivityView.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include "core/capture/AudioSource.h"
#include "ui/controllers/LiveResult.h"

namespace sinkscope::ui {

namespace {

constexpr double kRate = AudioSource::kSampleRateHz;
constexpr double kMelFramesPerSec = 100.0;  // Whisper's hop of 160 samples

void shade(QCustomPlot* plot, QCPAxisRect* rect, double fromSec, double toSec, const QPen& pen, const QBrush& brush) {
  auto* item = new QCPItemRect(plot);
  item->setClipAxisRect(rect);
  item->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
  item->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
  item->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
  item->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
  item->topLeft->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  item->bottomRight->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  item->topLeft->setAxisRect(rect);
  item->bottomRight->setAxisRect(rect);
  item->topLeft->setCoords(fromSec, 0.0);
  item->bottomRight->setCoords(toSec, 1.0);
  item->setPen(pen);
  item->setBrush(brush);
  item->setSelectable(false);
}

}  // namespace

AudioActivityData AudioActivityData::fromResult(const LiveResult& result) {
  AudioActivityData data;
  data.samples = result.contextAudio;
  data.startSec = static_cast<double>(result.contextFirstSample) / kRate;
  data.mel = result.contextMel;
  for (const auto& [first, end] : result.speechSpans) data.speechSec.emplace_back(first / kRate, end / kRate);
  data.currentSec = {result.firstSample / kRate, result.endSample / kRate};
  return data;
}

double AudioActivityData::endSec() const { return startSec + static_cast<double>(samples.size()) / kRate; }

AudioActivityView::AudioActivityView(QWidget* parent) : PlotWidget(parent) {
  setToolTip(tr("Shaded: speech found by the voice activity detector. Dashed: the utterance the model read."));
  rebuild();
}

void AudioActivityView::setData(AudioActivityData data) {
  data_ = std::move(data);
  rebuild();
}

void AudioActivityView::rebuild() {
  resetPlot();
  QCPAxisRect* waveRect = addAxisRect(0, 0);
  QCPAxisRect* melRect = addAxisRect(1, 0);
  body_->setRowStretchFactor(0, 1.0);
  body_->setRowStretchFactor(1, 1.6);
  body_->setRowSpacing(2);
  auto* group = new QCPMarginGroup(plot_);
  waveRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
  melRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
  QCPAxis* waveTime = waveRect->axis(QCPAxis::atBottom);
  QCPAxis* melTime = melRect->axis(QCPAxis::atBottom);
  connect(waveTime, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), melTime, qOverload<const QCPRange&>(&QCPAxis::setRange));
  waveTime->setTickLabels(false);
  melTime->setLabel(QStringLiteral("time since capture start (s)"));
  waveRect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("amplitude"));
  melRect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("mel bin"));

  const double start = data_.startSec;
  const double end = std::max(data_.endSec(), start + 0.5);

  // Voice activity under everything; the analysed utterance outlined on top.
  QColor speech = palette_.color(Segment::Audio);
  speech.setAlpha(55);
  for (const auto& [from, to] : data_.speechSec) {
    shade(plot_, waveRect, from, to, Qt::NoPen, speech);
  }

  // Min/max per column keeps every peak at any zoom out, with few points.
  auto* wave = new QCPGraph(waveTime, waveRect->axis(QCPAxis::atLeft));
  wave->setPen(QPen(palette_.foreground(), 1));
  const std::size_t n = data_.samples.size();
  if (n > 0) {
    const std::size_t columns = std::min<std::size_t>(kEnvelopeColumns, n);
    QVector<double> keys, values;
    keys.reserve(static_cast<int>(2 * columns));
    values.reserve(static_cast<int>(2 * columns));
    for (std::size_t c = 0; c < columns; ++c) {
      const std::size_t from = c * n / columns;
      const std::size_t to = std::max(from + 1, (c + 1) * n / columns);
      const auto [lo, hi] = std::minmax_element(data_.samples.begin() + from, data_.samples.begin() + to);
      const double t = start + static_cast<double>(from) / kRate;
      keys << t << t;
      values << *lo << *hi;
    }
    wave->setData(keys, values, true);
  }
  float peak = 0.05f;
  for (float v : data_.samples) peak = std::max(peak, std::abs(v));
  waveRect->axis(QCPAxis::atLeft)->setRange(-peak * 1.05, peak * 1.05);

  if (data_.mel.dim() == 2 && data_.mel.size(1) > 0) {
    const int bins = static_cast<int>(data_.mel.size(0));
    const int frames = static_cast<int>(data_.mel.size(1));
    auto* map = new QCPColorMap(melTime, melRect->axis(QCPAxis::atLeft));
    map->data()->setSize(frames, bins);
    map->data()->setRange(QCPRange(start, start + (frames - 1) / kMelFramesPerSec), QCPRange(0, bins - 1));
    for (int f = 0; f < frames; ++f) {
      for (int b = 0; b < bins; ++b) map->data()->setCell(f, b, data_.mel.at(b, f));
    }
    map->setGradient(sequentialGradient());
    map->rescaleDataRange(true);
    map->setInterpolate(false);
    melRect->axis(QCPAxis::atLeft)->setRange(-0.5, bins - 0.5);
  }
  const QPen outline(palette_.selection(), 2, Qt::DashLine);
  if (data_.currentSec.second > data_.currentSec.first) {
    shade(plot_, waveRect, data_.currentSec.first, data_.currentSec.second, outline, Qt::NoBrush);
    shade(plot_, melRect, data_.currentSec.first, data_.currentSec.second, outline, Qt::NoBrush);
  }
  // The detector's segments as a bar along the spectrogram's foot, where shading would hide it.
  for (const auto& [from, to] : data_.speechSec) {
    auto* bar = new QCPItemRect(plot_);
    bar->setClipAxisRect(melRect);
    for (QCPItemPosition* p : {bar->topLeft, bar->bottomRight}) {
      p->setTypeX(QCPItemPosition::ptPlotCoords);
      p->setTypeY(QCPItemPosition::ptAxisRectRatio);
      p->setAxes(melTime, melRect->axis(QCPAxis::atLeft));
      p->setAxisRect(melRect);
    }
    bar->topLeft->setCoords(from, 0.96);
    bar->bottomRight->setCoords(to, 1.0);
    bar->setPen(Qt::NoPen);
    bar->setBrush(palette_.color(Segment::Audio));
    bar->setSelectable(false);
  }
  waveRect->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);
  waveTime->setRange(start, end);
  melTime->setRange(start, end);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sinkscope::ui
