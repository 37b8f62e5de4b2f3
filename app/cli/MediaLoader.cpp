#include "app/cli/MediaLoader.h"

#include "core/engine/ClipLoader.h"
#include "core/engine/MediaTensors.h"

namespace sinkscope::cli {

MediaInput loadMedia(const std::string& path, bool audio, bool video) {
  return MediaTensors::of(ClipLoader::load(path, audio, video), audio, video);
}

}  // namespace sinkscope::cli
