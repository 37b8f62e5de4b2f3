#pragma once

#include <string>

#include "core/model/AvsrModel.h"

namespace sinkscope::cli {

// A clip -> what the model reads: the 16 kHz waveform and the 96×96 mouth crops of
// every 25 fps frame. A clip that is already 96×96 (the synthetic corpus, or
// pre-cropped data in the auto_avsr convention) is taken as crops without landmarks.
// Throws MediaError naming the file when a requested stream is missing.
MediaInput loadMedia(const std::string& path, bool audio, bool video);

}  // namespace sinkscope::cli
