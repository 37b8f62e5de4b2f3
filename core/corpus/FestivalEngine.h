#pragma once

#include <memory>

#include "core/corpus/ChildProcess.h"
#include "core/corpus/TempDir.h"
#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

// festival kept running in pipe mode with one voice loaded (loading a voice costs more
// than speaking a sentence). Each call sends a small Scheme program that synthesises,
// saves the wave and prints every Segment with its end time, then a marker line.
// Rate through Duration_Stretch; the pitch factor is not applied (the diphone and HTS
// voices here have no common f0 knob), so pitch varies only across voices.
class FestivalEngine : public TtsEngine {
 public:
  explicit FestivalEngine(const std::string& festivalVoice);
  Speech synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) override;

 private:
  std::vector<std::string> exchange(const std::string& program);
  std::string voice_;
  TempDir scratch_;
  std::unique_ptr<ChildProcess> festival_;
};

}  // namespace sinkscope::corpus
