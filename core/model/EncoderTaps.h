#pragma once

#include <map>
#include <string>

#include <torch/torch.h>

#include "core/base/CaptureSpec.h"
#include "core/base/HostTensor.h"

namespace sinkscope {

// Copies the intermediates of one encoder or projector that a CaptureSpec asks for into
// a tap map (it plugs into Trace::taps). Every name is stored under the part's prefix
// ("audio_encoder.", "video_encoder.", "audio_proj.", "video_proj."), and the spec is
// matched against that full name, so "audio_encoder.blocks.*.hook_resid_post" selects
// the Whisper residual stream and nothing of the decoder.
//
// Taps describe one utterance: the batch axis is dropped, so a tap is [T, D] or
// [H, T, T] as in the decoder's convention, and recording from a batch of more than
// one item throws ShapeError. The spec and the map are held by reference and must
// outlive the recorder.
class EncoderTaps {
 public:
  EncoderTaps(const CaptureSpec& spec, std::string prefix,
              std::map<std::string, HostTensor>& taps);

  const std::string& prefix() const { return prefix_; }

  // `name` without the prefix, e.g. "hook_embed".
  bool wants(const std::string& name) const;
  // Whether blocks.{layer}.{leaf} is wanted, honouring the spec's layer filter.
  bool wantsBlock(int layer, const std::string& leaf) const;

  // value: [1, ...] -> stored as [...] in float32 on the host.
  void record(const std::string& name, const torch::Tensor& value);
  // probs: [1, H, T, T] post-softmax attention of `layer`; keeps the spec's heads only.
  void recordPattern(int layer, const torch::Tensor& probs);

  static std::string blockName(int layer, const std::string& leaf);
  // Any tensor -> contiguous float32 host copy with the same shape.
  static HostTensor toHost(const torch::Tensor& value);

 private:
  torch::Tensor dropBatch(const std::string& name, const torch::Tensor& value) const;

  const CaptureSpec& spec_;
  std::string prefix_;
  std::map<std::string, HostTensor>& taps_;
};

}  // namespace sinkscope
