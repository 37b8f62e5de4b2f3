#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "core/capture/AudioSource.h"
#include "core/capture/FrameSource.h"
#include "core/capture/VoiceActivityDetector.h"

namespace sinkscope {

struct UtteranceSegmenterOptions {
  int hangoverMs = 300;         // silence that ends an utterance
  int minSpeechMs = 120;        // less speech than this in an utterance is noise, dropped
  int paddingMs = 0;            // audio kept before the first and after the last speech frame
  int maxUtteranceMs = 30000;   // Whisper's window: a longer utterance is cut here
  // Speculative end-pointing: after this much silence (past the detector's own
  // hang-over) a provisional copy of the open utterance is handed out, so a live
  // consumer can start on it while the hang-over decides; -1: none. If speech does
  // not resume, the final utterance that follows has the same samples and frames.
  int provisionalAfterMs = -1;
  VoiceActivityOptions vad;
};

// What tells two utterances' contents apart: a provisional utterance and the final
// one that confirms it (no speech after it) have the same key.
struct UtteranceKey {
  std::int64_t firstSample = -1;
  std::int64_t endSample = -1;
  std::size_t frames = 0;
  std::int64_t videoEndUs = 0;

  bool operator==(const UtteranceKey& o) const {
    return firstSample == o.firstSample && endSample == o.endSample && frames == o.frames &&
           videoEndUs == o.videoEndUs;
  }
};

// One stretch of speech with what was seen meanwhile.
struct Utterance {
  std::int64_t firstSample = 0;  // audio [firstSample, endSample) in the source's numbering
  std::int64_t endSample = 0;
  std::int64_t startUs = 0;      // the same span on the CaptureClock
  std::int64_t endUs = 0;
  std::vector<float> samples;    // 16 kHz mono
  std::vector<CapturedFrame> frames;  // the video frames stamped in [startUs, endUs)
  // The video span: first frame's stamp to the last one's; both 0 without frames.
  std::int64_t videoStartUs = 0;
  std::int64_t videoEndUs = 0;
  // Handed out before the hang-over ended (UtteranceSegmenterOptions::provisionalAfterMs):
  // speech may still resume, in which case a longer utterance replaces it.
  bool provisional = false;

  UtteranceKey key() const { return {firstSample, endSample, frames.size(), videoEndUs}; }
};

// Cuts live audio into utterances with the VoiceActivityDetector's 10 ms decisions:
// an utterance runs from its first speech frame to its last (less the detector's own
// built-in hang-over), pauses shorter than the hang-over included, and is handed
// out once the hang-over has passed. Video
// frames pushed meanwhile go with the utterance whose span holds their stamps; push
// them as they arrive (camera latency is far below the hang-over, so an utterance's
// frames are in before it closes). Not thread-safe: one stage feeds it.
class UtteranceSegmenter {
 public:
  explicit UtteranceSegmenter(UtteranceSegmenterOptions options = {});  // throws ConfigError

  // Blocks must follow each other; returns the utterances they closed.
  std::vector<Utterance> pushAudio(const AudioBlock& block);
  void pushFrame(CapturedFrame frame);
  // Closes an utterance still open (the end of the input).
  std::vector<Utterance> flush();

 private:
  void decide(std::int64_t frameStart, bool speech, std::vector<Utterance>& out);
  void close(std::vector<Utterance>& out);
  Utterance current() const;  // the open utterance as it would close now
  void trimHistory();
  std::int64_t sampleTimeUs(std::int64_t sample) const;

  UtteranceSegmenterOptions options_;
  VoiceActivityDetector detector_;
  std::vector<float> history_;  // audio from historyFirst_ on
  std::int64_t historyFirst_ = 0;
  std::int64_t nextFrameStart_ = 0;  // first sample not yet given to the detector
  std::deque<std::pair<std::int64_t, std::int64_t>> stamps_;  // (first sample, µs) per block
  std::deque<CapturedFrame> frames_;

  bool open_ = false;
  std::int64_t speechStart_ = 0;    // first sample of the first speech frame
  std::int64_t speechEnd_ = 0;      // one past the last speech frame
  std::int64_t speechSamples_ = 0;  // speech frames in the open utterance
  bool provisionalSent_ = false;    // for the open utterance's current pause
};

}  // namespace sinkscope
