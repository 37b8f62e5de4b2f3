#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

// The voices the corpus can use: every English voice of the Debian-packaged engines
// that is not a duplicate of another (flite's kal and festival's kal_diphone are one
// recording, so only one is listed).
class VoiceCatalog {
 public:
  static const std::vector<VoiceSpec>& all();
  // A comma-separated list of ids, or "all"; an unknown id throws ConfigError naming it.
  static std::vector<VoiceSpec> select(const std::string& list);
  // An engine able to speak `voice`, one per engine kind; festival needs one process
  // per voice, so the engine is tied to the voice.
  static std::unique_ptr<TtsEngine> makeEngine(const VoiceSpec& voice);
  // Whether the engine's program or voice data is installed on this machine.
  static bool available(const VoiceSpec& voice);
};

}  // namespace sinkscope::corpus
