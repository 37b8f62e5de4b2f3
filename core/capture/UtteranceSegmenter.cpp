#include "core/capture/UtteranceSegmenter.h"

#include <algorithm>
#include <string>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

constexpr std::int64_t samplesOfMs(int ms) { return static_cast<std::int64_t>(ms) * AudioSource::kSampleRateHz / 1000; }

}  // namespace

UtteranceSegmenter::UtteranceSegmenter(UtteranceSegmenterOptions options)
    : options_(options), detector_(options.vad) {
  const auto positive = [](int value, const char* key) {
    if (value < 0) throw ConfigError(std::string("UtteranceSegmenterOptions: '") + key + "' must be >= 0, found " + std::to_string(value));
  };
  positive(options.hangoverMs, "hangoverMs");
  positive(options.minSpeechMs, "minSpeechMs");
  positive(options.paddingMs, "paddingMs");
  if (options.provisionalAfterMs < -1) {
    throw ConfigError("UtteranceSegmenterOptions: 'provisionalAfterMs' must be >= -1 (-1: none), found " +
                      std::to_string(options.provisionalAfterMs));
  }
  if (options.maxUtteranceMs < 100) {
    throw ConfigError("UtteranceSegmenterOptions: 'maxUtteranceMs' must be >= 100, found " +
                      std::to_string(options.maxUtteranceMs));
  }
}

std::int64_t UtteranceSegmenter::sampleTimeUs(std::int64_t sample) const {
  // The stamp of the block that holds the sample (or the nearest before it).
  auto it = std::upper_bound(stamps_.begin(), stamps_.end(), sample,
                             [](std::int64_t s, const auto& stamp) { return s < stamp.first; });
  if (it != stamps_.begin()) --it;
  return it->second + (sample - it->first) * 1'000'000 / AudioSource::kSampleRateHz;
}

std::vector<Utterance> UtteranceSegmenter::pushAudio(const AudioBlock& block) {
  std::vector<Utterance> out;
  if (block.samples.empty()) return out;
  const std::int64_t historyEnd = historyFirst_ + static_cast<std::int64_t>(history_.size());
  if (stamps_.empty()) {
    historyFirst_ = block.firstSample;
    nextFrameStart_ = block.firstSample;
  } else if (block.firstSample != historyEnd) {
    throw Error("UtteranceSegmenter: block starts at sample " + std::to_string(block.firstSample) +
                ", expected " + std::to_string(historyEnd));
  }
  stamps_.emplace_back(block.firstSample, block.firstSampleUs);
  history_.insert(history_.end(), block.samples.begin(), block.samples.end());

  const std::int64_t end = historyFirst_ + static_cast<std::int64_t>(history_.size());
  const std::int64_t frame = static_cast<std::int64_t>(VoiceActivityDetector::kFrameSamples);
  while (nextFrameStart_ + frame <= end) {
    const bool speech = detector_.isSpeech(history_.data() + (nextFrameStart_ - historyFirst_));
    decide(nextFrameStart_, speech, out);
    nextFrameStart_ += frame;
  }
  trimHistory();
  return out;
}

void UtteranceSegmenter::decide(std::int64_t frameStart, bool speech, std::vector<Utterance>& out) {
  const std::int64_t frameEnd = frameStart + static_cast<std::int64_t>(VoiceActivityDetector::kFrameSamples);
  if (speech) {
    if (!open_) {
      open_ = true;
      speechStart_ = frameStart;
      speechSamples_ = 0;
    }
    speechEnd_ = frameEnd;
    speechSamples_ += frameEnd - frameStart;
    provisionalSent_ = false;  // the pause it was sent for is over
    if (speechEnd_ - speechStart_ >= samplesOfMs(options_.maxUtteranceMs)) close(out);
  } else if (open_ && frameEnd - speechEnd_ >= samplesOfMs(options_.hangoverMs)) {
    close(out);
  } else if (open_ && !provisionalSent_ && options_.provisionalAfterMs >= 0 &&
             frameEnd - speechEnd_ >= samplesOfMs(options_.provisionalAfterMs) &&
             speechSamples_ >= samplesOfMs(options_.minSpeechMs)) {
    provisionalSent_ = true;
    Utterance utterance = current();
    utterance.provisional = true;
    out.push_back(std::move(utterance));
  }
}

void UtteranceSegmenter::close(std::vector<Utterance>& out) {
  open_ = false;
  provisionalSent_ = false;
  if (speechSamples_ < samplesOfMs(options_.minSpeechMs)) return;
  out.push_back(current());
}

Utterance UtteranceSegmenter::current() const {
  const std::int64_t historyEnd = historyFirst_ + static_cast<std::int64_t>(history_.size());
  Utterance utterance;
  utterance.firstSample = std::max(historyFirst_, speechStart_ - samplesOfMs(options_.paddingMs));
  const std::int64_t speechEnd = std::max(speechStart_ + static_cast<std::int64_t>(VoiceActivityDetector::kFrameSamples),
                                           speechEnd_ - samplesOfMs(detector_.builtInHangoverMs()));
  utterance.endSample = std::min(historyEnd, speechEnd + samplesOfMs(options_.paddingMs));
  utterance.startUs = sampleTimeUs(utterance.firstSample);
  utterance.endUs = sampleTimeUs(utterance.endSample);
  utterance.samples.assign(history_.begin() + (utterance.firstSample - historyFirst_),
                           history_.begin() + (utterance.endSample - historyFirst_));
  for (const CapturedFrame& frame : frames_) {
    if (frame.timestampUs >= utterance.startUs && frame.timestampUs < utterance.endUs) {
      utterance.frames.push_back(frame);
    }
  }
  if (!utterance.frames.empty()) {
    utterance.videoStartUs = utterance.frames.front().timestampUs;
    utterance.videoEndUs = utterance.frames.back().timestampUs;
  }
  return utterance;
}

void UtteranceSegmenter::pushFrame(CapturedFrame frame) {
  // Without audio the stamps cannot trim the frames: no utterance spans more than this.
  const std::int64_t spanUs = (static_cast<std::int64_t>(options_.maxUtteranceMs) + options_.hangoverMs +
                               2 * options_.paddingMs) * 1000;
  while (!frames_.empty() && frames_.front().timestampUs < frame.timestampUs - spanUs) frames_.pop_front();
  frames_.push_back(std::move(frame));
  trimHistory();
}

std::vector<Utterance> UtteranceSegmenter::flush() {
  std::vector<Utterance> out;
  if (open_) close(out);
  return out;
}

void UtteranceSegmenter::trimHistory() {
  // Keep what an utterance that is open, or could open with the next frame, needs.
  const std::int64_t keepFrom =
      (open_ ? speechStart_ : nextFrameStart_) - samplesOfMs(options_.paddingMs);
  const std::int64_t drop = std::min<std::int64_t>(keepFrom - historyFirst_,
                                                   static_cast<std::int64_t>(history_.size()));
  if (drop > 0) {
    history_.erase(history_.begin(), history_.begin() + drop);
    historyFirst_ += drop;
  }
  while (stamps_.size() > 1 && stamps_[1].first <= historyFirst_) stamps_.pop_front();
  if (stamps_.empty()) return;
  const std::int64_t keepFromUs = sampleTimeUs(historyFirst_);
  while (!frames_.empty() && frames_.front().timestampUs < keepFromUs) frames_.pop_front();
}

}  // namespace sinkscope
