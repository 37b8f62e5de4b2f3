#include "core/capture/VoiceActivityDetector.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/base/Error.h"

namespace sinkscope {

struct VoiceActivityDetector::Impl {
  std::unique_ptr<webrtc::AudioProcessing> processing;
  webrtc::AudioFrame frame;
};

VoiceActivityDetector::VoiceActivityDetector(VoiceActivityOptions options)
    : impl_(std::make_unique<Impl>()), hangoverMs_(options.likelihood <= 1 ? 90 : 140) {
  if (options.likelihood < 0 || options.likelihood > 3) {
    throw ConfigError("VoiceActivityOptions: 'likelihood' must be 0..3, found " +
                      std::to_string(options.likelihood));
  }
  impl_->processing.reset(webrtc::AudioProcessing::Create());
  if (!impl_->processing) throw DeviceError("VoiceActivityDetector: WebRTC AudioProcessing cannot be created");
  webrtc::VoiceDetection* detection = impl_->processing->voice_detection();
  if (detection->Enable(true) != webrtc::AudioProcessing::kNoError ||
      detection->set_likelihood(static_cast<webrtc::VoiceDetection::Likelihood>(options.likelihood)) !=
          webrtc::AudioProcessing::kNoError ||
      detection->set_frame_size_ms(kFrameMs) != webrtc::AudioProcessing::kNoError) {
    throw DeviceError("VoiceActivityDetector: WebRTC refused its voice detection settings");
  }
  impl_->frame.sample_rate_hz_ = 16000;
  impl_->frame.num_channels_ = 1;
  impl_->frame.samples_per_channel_ = kFrameSamples;
}

VoiceActivityDetector::~VoiceActivityDetector() = default;

bool VoiceActivityDetector::isSpeech(const float* samples) {
  webrtc::AudioFrame& frame = impl_->frame;
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    const float scaled = std::round(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f);
    frame.data_[i] = static_cast<int16_t>(scaled);
  }
  const int status = impl_->processing->ProcessStream(&frame);
  if (status != webrtc::AudioProcessing::kNoError) {
    throw DeviceError("VoiceActivityDetector: WebRTC ProcessStream failed with " + std::to_string(status));
  }
  return impl_->processing->voice_detection()->stream_has_voice();
}

}  // namespace sinkscope
