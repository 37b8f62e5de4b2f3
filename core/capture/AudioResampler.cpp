#include "core/capture/AudioResampler.h"

#include <speex/speex_resampler.h>

#include <string>

#include "core/base/Error.h"
#include "core/capture/AudioSource.h"

namespace sinkscope {

namespace {

constexpr int kQuality = 8;

struct SpeexDeleter {
  void operator()(SpeexResamplerState* state) const { speex_resampler_destroy(state); }
};

}  // namespace

struct AudioResampler::Impl {
  std::unique_ptr<SpeexResamplerState, SpeexDeleter> resampler;  // null when the rate is 16 kHz
  std::vector<float> mono;
};

AudioResampler::AudioResampler(int inputRateHz, int inputChannels)
    : inputRateHz_(inputRateHz), inputChannels_(inputChannels), impl_(std::make_unique<Impl>()) {
  if (inputRateHz <= 0 || inputChannels <= 0) {
    throw DeviceError("AudioResampler: expected a positive rate and channel count, found " +
                      std::to_string(inputRateHz) + " Hz, " + std::to_string(inputChannels) +
                      " channels");
  }
  if (inputRateHz != AudioSource::kSampleRateHz) {
    int error = 0;
    impl_->resampler.reset(speex_resampler_init(1, static_cast<spx_uint32_t>(inputRateHz),
                                                AudioSource::kSampleRateHz, kQuality, &error));
    if (!impl_->resampler) {
      throw DeviceError("AudioResampler: speexdsp cannot resample " + std::to_string(inputRateHz) +
                        " Hz: " + speex_resampler_strerror(error));
    }
    // Without this the first output samples are the filter's zero history.
    speex_resampler_skip_zeros(impl_->resampler.get());
  }
}

AudioResampler::~AudioResampler() = default;

std::vector<float> AudioResampler::process(const float* interleaved, std::size_t frameCount) {
  std::vector<float>& mono = impl_->mono;
  mono.resize(frameCount);
  for (std::size_t i = 0; i < frameCount; ++i) {
    float sum = 0.0f;
    for (int c = 0; c < inputChannels_; ++c) sum += interleaved[i * inputChannels_ + c];
    mono[i] = sum / static_cast<float>(inputChannels_);
  }
  if (!impl_->resampler) return mono;

  std::vector<float> out(frameCount * AudioSource::kSampleRateHz / inputRateHz_ + 16);
  spx_uint32_t consumed = static_cast<spx_uint32_t>(frameCount);
  spx_uint32_t produced = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_float(impl_->resampler.get(), 0, mono.data(), &consumed, out.data(),
                                &produced);
  out.resize(produced);
  return out;
}

}  // namespace sinkscope
