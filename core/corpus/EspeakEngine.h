#pragma once

#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

// espeak-ng through its library: phone events (IPA names, millisecond positions) come
// with the audio. The library keeps global state, so every call is serialised on one
// process-wide lock; synthesis takes a few tens of milliseconds.
class EspeakEngine : public TtsEngine {
 public:
  Speech synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) override;
};

}  // namespace sinkscope::corpus
