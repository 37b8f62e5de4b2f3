#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope::corpus {

// Which symbol set an engine's phones use: ARPAbet-like names from flite and festival
// ("aa", "dh", "pau"), IPA from espeak-ng ("ɑː", "ð"; an empty name is a pause).
enum class PhoneAlphabet { Arpabet, Ipa };

struct Phone {
  std::string symbol;
  double startSec = 0.0;
  double endSec = 0.0;
};

struct VoiceSpec {
  std::string id;           // corpus-wide name, e.g. "flite-slt", "espeak-en-us+f3"
  std::string engine;       // "espeak-ng", "flite", "festival"
  std::string engineVoice;  // the engine's own name for it
  char gender = 'm';        // 'm' or 'f', ties the rendered face to the voice
};

// Prosody as factors around the voice's default: rate 1.2 speaks 20 % faster,
// pitch 0.9 lowers the mean f0 by 10 %. Engines map them to their own parameters.
struct Prosody {
  double rate = 1.0;
  double pitch = 1.0;
};

struct Speech {
  std::vector<std::int16_t> samples;  // 16 kHz mono
  std::vector<Phone> phones;          // in time order, covering the speech
  PhoneAlphabet alphabet = PhoneAlphabet::Arpabet;
};

// A text-to-speech engine that reports when each phone is spoken. One instance is
// used by one thread at a time; engines that wrap a process keep it alive between
// calls. Failures throw Error naming the engine and voice.
class TtsEngine {
 public:
  virtual ~TtsEngine() = default;
  virtual Speech synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) = 0;
};

constexpr int kCorpusSampleRateHz = 16000;

}  // namespace sinkscope::corpus
