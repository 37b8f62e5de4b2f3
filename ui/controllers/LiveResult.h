#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/base/HostTensor.h"
#include "core/base/Trace.h"
#include "core/engine/ClipMedia.h"
#include "core/media/Image.h"

namespace sinkscope::ui {

// One live utterance after inference: what the model read, its trace, the audio
// around it for the waveform view, and when each stage finished (CaptureClock µs).
// Immutable once made; shared with the views as std::shared_ptr<const LiveResult>.
struct LiveResult {
  TracePtr trace;
  ClipMedia media;              // the waveform and mouth frames the model read
  std::vector<Image> pictures;  // the colour pictures behind media.frames (may be empty)

  // Audio around the utterance (16 kHz) starting at sample contextFirstSample of the
  // microphone's numbering, its log-mel [80, frames], and the spans [first, end) of
  // every utterance the segmenter cut that overlap it, in the same numbering.
  std::vector<float> contextAudio;
  std::int64_t contextFirstSample = 0;
  HostTensor contextMel;
  std::vector<std::pair<std::int64_t, std::int64_t>> speechSpans;
  std::int64_t firstSample = 0;  // this utterance
  std::int64_t endSample = 0;

  std::int64_t speechEndUs = 0;   // the end of the speech
  std::int64_t closedUs = 0;      // when the segmenter handed the utterance out
  std::int64_t preparedUs = 0;    // when the mouth pipeline was done
  std::int64_t inferredUs = 0;    // when the trace was ready
  std::int64_t sequence = 0;      // utterances cut since start, this one included
  std::int64_t skipped = 0;       // utterances dropped unanalysed so far (latest wins)
};

using LiveResultPtr = std::shared_ptr<const LiveResult>;

}  // namespace sinkscope::ui
