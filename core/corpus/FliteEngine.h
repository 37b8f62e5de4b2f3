#pragma once

#include "core/corpus/TempDir.h"
#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

// flite through its command line: `-psdur` prints every segment with its end time,
// `duration_stretch` sets the rate and `int_f0_target_mean` the pitch (honoured by
// kal16 and slt; the awb and rms voices keep most of their own f0 contour).
class FliteEngine : public TtsEngine {
 public:
  Speech synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) override;

 private:
  TempDir scratch_;
};

}  // namespace sinkscope::corpus
