#pragma once

#include <map>
#include <string>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/base/HostTensor.h"

namespace sinkscope {

// Copies the taps a CaptureSpec asks for out of a forward pass, as float32 host
// tensors keyed by tap name (CaptureSpec.h). Layers ask before computing anything
// tap-only (wants*), so an unwanted tap costs neither a copy nor a kernel; reduced
// attention forms are computed on the device and only the reduction is copied.
// A prefix ("audio_encoder.") lets encoders reuse it with their own names; the spec's
// patterns match the prefixed name. Captures hold batch element 0 and are meant for
// batch-1 passes: a batched tensor is refused.
class TapRecorder {
 public:
  explicit TapRecorder(CaptureSpec spec, std::string prefix = "");

  const CaptureSpec& spec() const { return spec_; }
  const std::string& prefix() const { return prefix_; }
  bool active() const { return !spec_.empty(); }

  bool wants(const std::string& name) const;                        // prefix + name
  bool wantsBlock(int layer, const std::string& suffix) const;      // blocks.{layer}.{suffix}
  // hook_pattern, hook_pattern_mean or hook_received of this layer.
  bool wantsAttention(int layer) const;

  // value [1, T, D] (or [T, D]) -> taps[prefix + name] as [T, D].
  void record(const std::string& name, const torch::Tensor& value);
  // Records blocks.{layer}.{suffix} when wanted.
  void recordBlock(int layer, const std::string& suffix, const torch::Tensor& value);
  // probs [1, H, Tq, Tk] post-softmax. Stores whichever is wanted of
  //   blocks.{l}.attn.hook_pattern       [H', Tq, Tk] (H' = spec.heads, or all heads)
  //   blocks.{l}.attn.hook_pattern_mean  [Tq, Tk]     mean over all H heads
  //   blocks.{l}.attn.hook_received      [H, Tk]      mean over the queries that see
  //                                                   key k (q >= k when causal)
  // hook_received needs the full square pattern (a pass without cached positions).
  void recordAttention(int layer, const torch::Tensor& probs, bool causal = true);

  const std::map<std::string, HostTensor>& taps() const { return taps_; }
  std::map<std::string, HostTensor> takeTaps();

  // Any tensor -> float32 host copy with the same shape.
  static HostTensor toHost(const torch::Tensor& value);

 private:
  static std::string blockName(int layer, const std::string& suffix);
  torch::Tensor dropBatch(const std::string& name, const torch::Tensor& value) const;
  void store(const std::string& name, const torch::Tensor& value);

  CaptureSpec spec_;
  std::string prefix_;
  std::map<std::string, HostTensor> taps_;
};

}  // namespace sinkscope
