#include "core/corpus/EspeakEngine.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "core/base/Error.h"
#include "core/corpus/Resampler.h"

namespace sinkscope::corpus {

namespace {

constexpr int kDefaultRateWpm = 165;
constexpr int kDefaultPitch = 50;  // espeak-ng's 0..100 scale

struct Capture {
  std::vector<std::int16_t> samples;
  std::vector<std::pair<int, std::string>> phoneStartsMs;  // empty name = pause
};

std::mutex& espeakLock() {
  static std::mutex lock;
  return lock;
}

Capture* activeCapture = nullptr;  // only touched under espeakLock()

int onSynth(short* wav, int count, espeak_EVENT* events) {
  if (!activeCapture) return 1;
  if (wav && count > 0) activeCapture->samples.insert(activeCapture->samples.end(), wav, wav + count);
  for (; events && events->type != espeakEVENT_LIST_TERMINATED; ++events) {
    if (events->type == espeakEVENT_PHONEME)
      activeCapture->phoneStartsMs.emplace_back(events->audio_position, std::string(events->id.string));
  }
  return 0;
}

int initialisedRateHz() {
  static const int rate = [] {
    const int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                    espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA |
                                        espeakINITIALIZE_DONT_EXIT);
    if (r <= 0) throw DeviceError("espeak-ng: espeak_Initialize failed (is espeak-ng-data installed?)");
    espeak_SetSynthCallback(onSynth);
    return r;
  }();
  return rate;
}

}  // namespace

Speech EspeakEngine::synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) {
  std::lock_guard<std::mutex> guard(espeakLock());
  const int rateHz = initialisedRateHz();
  if (espeak_SetVoiceByName(voice.engineVoice.c_str()) != EE_OK)
    throw Error("espeak-ng: unknown voice '" + voice.engineVoice + "'");
  espeak_SetParameter(espeakRATE, static_cast<int>(std::lround(kDefaultRateWpm * prosody.rate)), 0);
  const int pitch = std::clamp(static_cast<int>(std::lround(kDefaultPitch + (prosody.pitch - 1.0) * 150.0)), 0, 100);
  espeak_SetParameter(espeakPITCH, pitch, 0);

  Capture capture;
  activeCapture = &capture;
  const espeak_ERROR status = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                           espeakCHARS_UTF8, nullptr, nullptr);
  espeak_Synchronize();
  activeCapture = nullptr;
  if (status != EE_OK) throw Error("espeak-ng: synthesis failed for voice '" + voice.engineVoice + "'");

  Speech speech;
  speech.alphabet = PhoneAlphabet::Ipa;
  speech.samples = Resampler::resample(capture.samples, rateHz, kCorpusSampleRateHz);
  const double totalSec = static_cast<double>(speech.samples.size()) / kCorpusSampleRateHz;
  for (std::size_t i = 0; i < capture.phoneStartsMs.size(); ++i) {
    Phone p;
    p.symbol = capture.phoneStartsMs[i].second;
    p.startSec = capture.phoneStartsMs[i].first / 1000.0;
    p.endSec = i + 1 < capture.phoneStartsMs.size() ? capture.phoneStartsMs[i + 1].first / 1000.0 : totalSec;
    p.startSec = std::min(p.startSec, totalSec);
    p.endSec = std::clamp(p.endSec, p.startSec, totalSec);
    if (p.endSec > p.startSec) speech.phones.push_back(p);
  }
  return speech;
}

}  // namespace sinkscope::corpus
