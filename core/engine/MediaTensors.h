#pragma once

// LibTorch side of the engine: not for ui/ (DESIGN §4).
#include "core/engine/ClipMedia.h"
#include "core/model/AvsrModel.h"

namespace sinkscope {

// ClipMedia -> the model's MediaInput: the waveform [N] float32 and the crops
// [F, 96, 96] uint8, each only when asked for. Throws MediaError naming the clip when
// a requested stream is empty.
class MediaTensors {
 public:
  static MediaInput of(const ClipMedia& media, bool audio, bool video);
};

}  // namespace sinkscope
