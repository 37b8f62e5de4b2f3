#include "core/model/Compression.h"

#include "core/base/Error.h"

namespace sinkscope {

Compression::Compression(Mode mode, int rate) : mode_(mode), rate_(rate) {
  if (rate < 1) throw ConfigError("compression rate must be at least 1, found " + std::to_string(rate));
}

Compression::Mode Compression::parseMode(const std::string& name) {
  if (name == "stack") return Mode::Stack;
  if (name == "avg-pooling") return Mode::AvgPooling;
  throw ConfigError("unknown compression mode '" + name + "' (use stack or avg-pooling)");
}

std::string Compression::modeName(Mode mode) {
  return mode == Mode::Stack ? "stack" : "avg-pooling";
}

torch::Tensor Compression::apply(const torch::Tensor& x) const {
  if (x.dim() != 3) {
    throw ShapeError("compression: expected [B, T, D], found " + c10::str(x.sizes()));
  }
  const int64_t groups = outputFrames(x.size(1));
  if (groups == 0) {
    throw ShapeError("compression: " + std::to_string(x.size(1)) + " frames are fewer than the rate " +
                     std::to_string(rate_));
  }
  if (rate_ == 1) return x;
  const torch::Tensor kept = x.narrow(1, 0, groups * rate_);  // [B, groups * k, D]
  if (mode_ == Mode::Stack) {
    return kept.reshape({x.size(0), groups, rate_ * x.size(2)});  // [B, groups, k * D]
  }
  // Average over time as a 1-D pool on [B, D, T], the layout AvgPool1d sees.
  return torch::avg_pool1d(kept.transpose(1, 2), {rate_}, {rate_}).transpose(1, 2);  // [B, groups, D]
}

}  // namespace sinkscope
