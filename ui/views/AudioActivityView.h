#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/base/HostTensor.h"
#include "ui/plots/PlotWidget.h"

namespace sinkscope::ui {

struct LiveResult;

// The audio around a live utterance as the audio view draws it; times in seconds
// since capture start.
struct AudioActivityData {
  std::vector<float> samples;  // 16 kHz mono
  double startSec = 0.0;       // the first sample's time
  HostTensor mel;              // [80, frames], 100 frames/s from startSec (may be empty)
  std::vector<std::pair<double, double>> speechSec;  // what the voice activity detector cut
  std::pair<double, double> currentSec{0.0, 0.0};    // the utterance the model read

  static AudioActivityData fromResult(const LiveResult& result);
  double endSec() const;
};

// Waveform above Whisper's log-mel on one time axis, with the voice-activity segments
// shaded and the analysed utterance outlined.
class AudioActivityView : public PlotWidget {
  Q_OBJECT

 public:
  static constexpr int kEnvelopeColumns = 1200;  // waveform drawn as min/max per column

  explicit AudioActivityView(QWidget* parent = nullptr);

  void setData(AudioActivityData data);
  const AudioActivityData& data() const { return data_; }

 protected:
  void rebuild() override;

 private:
  AudioActivityData data_;
};

}  // namespace sinkscope::ui
