#include "core/corpus/FestivalEngine.h"

#include <cstdio>
#include <sstream>

#include "core/base/Error.h"
#include "core/corpus/Resampler.h"
#include "core/corpus/WavFile.h"

namespace sinkscope::corpus {

namespace {

const char* const kDoneMarker = "@@sinkscope-done@@";

}  // namespace

FestivalEngine::FestivalEngine(const std::string& festivalVoice) : voice_(festivalVoice) {
  festival_ = std::make_unique<ChildProcess>(std::vector<std::string>{"festival", "--pipe"});
  const auto lines = exchange("(voice_" + voice_ + ")");
  for (const auto& line : lines)
    if (line.find("rror") != std::string::npos) throw Error("festival: cannot load voice " + voice_ + ": " + line);
}

std::vector<std::string> FestivalEngine::exchange(const std::string& program) {
  // fflush: festival buffers its output when it goes to a pipe.
  festival_->write(program + "\n(format t \"" + kDoneMarker + "\\n\")\n(fflush nil)\n");
  std::vector<std::string> lines;
  std::string line;
  while (festival_->readLine(line)) {
    if (line.find(kDoneMarker) != std::string::npos) return lines;
    lines.push_back(line);
  }
  std::string said;
  for (const auto& l : lines) said += l + " ";
  throw Error("festival (voice " + voice_ + ") stopped: " + said);
}

Speech FestivalEngine::synthesize(const std::string& text, const VoiceSpec& voice, const Prosody& prosody) {
  for (char c : text)
    if (c == '"' || c == '\\') throw Error("festival: text must not contain quotes or backslashes: " + text);
  const std::string wav = scratch_.file("festival.wav");
  std::remove(wav.c_str());
  char stretch[32];
  std::snprintf(stretch, sizeof stretch, "%.4f", 1.0 / prosody.rate);
  std::ostringstream program;
  program << "(Parameter.set 'Duration_Stretch " << stretch << ")\n"
          << "(set! sinkscope_utt (SynthText \"" << text << "\"))\n"
          << "(utt.save.wave sinkscope_utt \"" << wav << "\" 'riff)\n"
          << "(mapcar (lambda (s) (format t \"%s %f\\n\" (item.name s) (item.feat s \"end\")))"
          << " (utt.relation.items sinkscope_utt 'Segment))";
  const auto lines = exchange(program.str());

  Speech speech;
  speech.alphabet = PhoneAlphabet::Arpabet;
  const auto audio = WavFile::read(wav);
  speech.samples = Resampler::resample(audio.samples, audio.sampleRateHz, kCorpusSampleRateHz);
  const double totalSec = static_cast<double>(speech.samples.size()) / kCorpusSampleRateHz;
  double previousEnd = 0.0;
  for (const auto& line : lines) {
    std::istringstream in(line);
    Phone p;
    if (!(in >> p.symbol >> p.endSec)) continue;  // festival's own chatter
    p.startSec = previousEnd;
    p.endSec = std::min(p.endSec, totalSec);
    previousEnd = p.endSec;
    if (p.endSec > p.startSec) speech.phones.push_back(p);
  }
  if (speech.phones.empty()) throw Error("festival voice " + voice.engineVoice + " gave no segments for: " + text);
  return speech;
}

}  // namespace sinkscope::corpus
