#pragma once

#include <string>

#include "core/model/AvsrModel.h"

namespace sinkscope::cli {

// A clip -> what the model reads (core/engine/ClipLoader, then as tensors).
MediaInput loadMedia(const std::string& path, bool audio, bool video);

}  // namespace sinkscope::cli
