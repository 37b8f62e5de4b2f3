#include "core/corpus/FliteEngine.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "core/base/Error.h"
#include "core/corpus/ChildProcess.h"
#include "core/corpus/Resampler.h"
#include "core/corpus/WavFile.h"

namespace sinkscope::corpus {

namespace {

// The voices' own mean f0 (measured with pYIN on a test sentence), so that a pitch
// factor moves each voice around its natural register.
double defaultF0Hz(const std::string& voice) {
  static const std::map<std::string, double> kF0 = {{"slt", 170.0}, {"kal16", 95.0}, {"kal", 95.0},
                                                    {"awb", 130.0}, {"rms", 100.0}};
  const auto it = kF0.find(voice);
  return it == kF0.end() ? 120.0 : it->second;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

}  // namespace

Speech FliteEngine::synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) {
  const std::string wav = scratch_.file("flite.wav");
  std::remove(wav.c_str());
  std::string output;
  const int status = ChildProcess::run(
      {"flite", "-voice", voice.engineVoice, "-psdur", "--setf", "duration_stretch=" + number(1.0 / prosody.rate),
       "--setf", "int_f0_target_mean=" + number(defaultF0Hz(voice.engineVoice) * prosody.pitch), "-t", text, "-o", wav},
      output);
  if (status != 0) throw Error("flite voice " + voice.engineVoice + " failed (status " + std::to_string(status) + "): " + output);

  Speech speech;
  speech.alphabet = PhoneAlphabet::Arpabet;
  const auto audio = WavFile::read(wav);
  speech.samples = Resampler::resample(audio.samples, audio.sampleRateHz, kCorpusSampleRateHz);
  const double totalSec = static_cast<double>(speech.samples.size()) / kCorpusSampleRateHz;
  std::istringstream in(output);
  std::string item;
  double previousEnd = 0.0;
  while (in >> item) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos) continue;
    Phone p;
    p.symbol = item.substr(0, colon);
    try {
      p.endSec = std::stod(item.substr(colon + 1));
    } catch (const std::exception&) {
      throw Error("flite voice " + voice.engineVoice + ": unreadable segment '" + item + "'");
    }
    p.startSec = previousEnd;
    p.endSec = std::min(p.endSec, totalSec);
    previousEnd = p.endSec;
    if (p.endSec > p.startSec) speech.phones.push_back(p);
  }
  if (speech.phones.empty()) throw Error("flite voice " + voice.engineVoice + " printed no segments: " + output);
  return speech;
}

}  // namespace sinkscope::corpus
