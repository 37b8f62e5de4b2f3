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
  // hook_pattern or hook_pattern_mean: the forms that need the whole [H, Tq, Tk].
  bool wantsAttentionPattern(int layer) const;

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
  // For a pass that writes the attention pattern in pieces: a zero-filled
  // [1, H, Tq, Tk] float32 tensor that recordAttention() then takes. On the CPU, when
  // every head's hook_pattern is wanted, its storage is the tap itself, which saves a
  // copy of the largest tap there is; otherwise an ordinary tensor on `device`.
  torch::Tensor patternTarget(int layer, std::int64_t heads, std::int64_t queries, std::int64_t keys,
                              torch::Device device);
  // sums [1, H, T]: the attention each key received summed over all T queries of a
  // causal pass without cached positions (the pattern's column sums, which is all
  // hook_received needs). Stores hook_received when wanted.
  void recordReceivedSums(int layer, const torch::Tensor& sums);

  const std::map<std::string, HostTensor>& taps() const { return taps_; }
  std::map<std::string, HostTensor> takeTaps();

  // Any tensor -> float32 host copy with the same shape.
  static HostTensor toHost(const torch::Tensor& value);

 private:
  static std::string blockName(int layer, const std::string& suffix);
  torch::Tensor dropBatch(const std::string& name, const torch::Tensor& value) const;
  void store(const std::string& name, const torch::Tensor& value);
  void storeReceived(int layer, const torch::Tensor& sums);  // [H, T] causal column sums

  CaptureSpec spec_;
  std::string prefix_;
  std::map<std::string, HostTensor> taps_;
};

}  // namespace sinkscope
