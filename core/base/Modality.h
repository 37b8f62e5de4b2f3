#pragma once

#include <string>

namespace sinkscope {

// What a pass reads (DESIGN §3): speech (asr), the mouth (vsr), both (avsr), or a
// typed prompt for a plain Llama-family model (text).
enum class Modality { Text, Asr, Vsr, Avsr };

std::string modalityName(Modality modality);     // "text", "asr", "vsr", "avsr"
Modality parseModality(const std::string& name);  // throws ConfigError on unknown names
inline bool usesAudio(Modality m) { return m == Modality::Asr || m == Modality::Avsr; }
inline bool usesVideo(Modality m) { return m == Modality::Vsr || m == Modality::Avsr; }

}  // namespace sinkscope
