#include "core/base/RunControl.h"

#include "core/base/CancelledError.h"

namespace sinkscope {

RunControl::RunControl(std::function<void(int done, int total)> onProgress) : onProgress_(std::move(onProgress)) {}

void RunControl::checkpoint(int done, int total) const {
  if (onProgress_) onProgress_(done, total);
  if (cancelled_.load()) throw CancelledError("cancelled after " + std::to_string(done) + " of at most " +
                                              std::to_string(total) + " decoding steps");
}

}  // namespace sinkscope
