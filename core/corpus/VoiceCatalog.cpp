#include "core/corpus/VoiceCatalog.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/base/Error.h"
#include "core/corpus/EspeakEngine.h"
#include "core/corpus/FestivalEngine.h"
#include "core/corpus/FliteEngine.h"

namespace sinkscope::corpus {

namespace {

namespace fs = std::filesystem;

bool onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && fs::exists(fs::path(dir) / program)) return true;
  return false;
}

}  // namespace

const std::vector<VoiceSpec>& VoiceCatalog::all() {
  // espeak-ng: six accents, each with a different formant variant (and so sex and
  // timbre); flite: its four distinct speakers; festival: ked (diphone) and slt (HTS).
  static const std::vector<VoiceSpec> kVoices = {
      {"espeak-en-us+m3", "espeak-ng", "en-us+m3", 'm'},
      {"espeak-en-gb+f3", "espeak-ng", "gmw/en+f3", 'f'},
      {"espeak-en-gb-scotland+m1", "espeak-ng", "en-gb-scotland+m1", 'm'},
      {"espeak-en-029+f1", "espeak-ng", "en-029+f1", 'f'},
      {"espeak-en-gb-x-rp+m7", "espeak-ng", "en-gb-x-rp+m7", 'm'},
      {"espeak-en-us-nyc+f4", "espeak-ng", "en-us-nyc+f4", 'f'},
      {"flite-kal16", "flite", "kal16", 'm'},
      {"flite-awb", "flite", "awb", 'm'},
      {"flite-rms", "flite", "rms", 'm'},
      {"flite-slt", "flite", "slt", 'f'},
      {"festival-ked", "festival", "ked_diphone", 'm'},
      {"festival-slt-hts", "festival", "cmu_us_slt_arctic_hts", 'f'},
  };
  return kVoices;
}

std::vector<VoiceSpec> VoiceCatalog::select(const std::string& list) {
  if (list.empty() || list == "all") return all();
  std::vector<VoiceSpec> out;
  std::istringstream in(list);
  std::string id;
  while (std::getline(in, id, ',')) {
    if (id.empty()) continue;
    bool found = false;
    for (const auto& v : all()) {
      if (v.id != id) continue;
      out.push_back(v);
      found = true;
    }
    if (!found) {
      std::string known;
      for (const auto& v : all()) known += (known.empty() ? "" : ",") + v.id;
      throw ConfigError("--voices: unknown voice '" + id + "' (known: " + known + ")");
    }
  }
  if (out.empty()) throw ConfigError("--voices: no voice named in '" + list + "'");
  return out;
}

std::unique_ptr<TtsEngine> VoiceCatalog::makeEngine(const VoiceSpec& voice) {
  if (voice.engine == "espeak-ng") return std::make_unique<EspeakEngine>();
  if (voice.engine == "flite") return std::make_unique<FliteEngine>();
  if (voice.engine == "festival") return std::make_unique<FestivalEngine>(voice.engineVoice);
  throw ConfigError("voice " + voice.id + ": unknown engine '" + voice.engine + "'");
}

bool VoiceCatalog::available(const VoiceSpec& voice) {
  if (voice.engine == "espeak-ng") return true;  // linked in
  if (voice.engine == "flite") return onPath("flite");
  if (voice.engine == "festival") {
    if (!onPath("festival")) return false;
    for (const char* group : {"english", "us"})
      if (fs::exists(fs::path("/usr/share/festival/voices") / group / voice.engineVoice)) return true;
    return false;
  }
  return false;
}

}  // namespace sinkscope::corpus
