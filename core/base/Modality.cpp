#include "core/base/Modality.h"

#include "core/base/Error.h"

namespace sinkscope {

std::string modalityName(Modality modality) {
  switch (modality) {
    case Modality::Text: return "text";
    case Modality::Asr: return "asr";
    case Modality::Vsr: return "vsr";
    case Modality::Avsr: return "avsr";
  }
  return "text";
}

Modality parseModality(const std::string& name) {
  if (name == "text") return Modality::Text;
  if (name == "asr") return Modality::Asr;
  if (name == "vsr") return Modality::Vsr;
  if (name == "avsr") return Modality::Avsr;
  throw ConfigError("unknown modality '" + name + "' (use asr, vsr, avsr or text)");
}

}  // namespace sinkscope
