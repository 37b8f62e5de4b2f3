#pragma once

#include <string>
#include <vector>

namespace sinkscope {

// Which intermediates a forward pass copies out, and in what form (DESIGN §4, the
// "ask" pattern): a tap is copied only when wants() says so, so an unrequested
// [H, T, T] pattern never leaves the device.
//
// Tap names (decoder; layer l is 0-based):
//   hook_embed                         [T, D]    input embeddings
//   blocks.{l}.attn.hook_pattern       [H, T, T] post-softmax attention
//   blocks.{l}.attn.hook_pattern_mean  [T, T]    head average
//   blocks.{l}.attn.hook_received      [H, T]    mean attention key k receives from
//                                                the queries q >= k (sink score)
//   blocks.{l}.hook_resid_post         [T, D]    residual stream after the layer
//   blocks.{l}.hook_mlp_out            [T, D]    what the MLP adds
//   blocks.{l}.hook_attn_out           [T, D]    what the attention block adds
//   ln_final.hook_normalized           [T, D]
//   logits                             [T, V]
// Encoders and projectors use the same names under the prefixes audio_encoder.,
// video_encoder., audio_proj. and video_proj.
struct CaptureSpec {
  // Glob patterns ('*' matches any run of characters) over tap names; each
  // attention form is computed only when its own tap name is wanted.
  std::vector<std::string> patterns;
  std::vector<int> layers;  // empty: every layer
  std::vector<int> heads;   // empty: every head; otherwise patterns keep these heads only

  // Embeddings, every layer's residual stream and the attention received per key per
  // head: sinks, massive activations, BOS cosine. Kept lean so a 1 B-parameter model
  // at 1 000 tokens captures under 256 MB (docs/benchmarks.md).
  static CaptureSpec analysisDefault();
  // analysisDefault plus every layer's MLP output, for the origin of massive
  // activations (the attention output is the remainder h_l - h_{l-1} - m_l).
  static CaptureSpec analysisWithOrigins();
  // Every decoder tap with full attention patterns and logits (forward --dump).
  static CaptureSpec everything();
  // Nothing: plain inference.
  static CaptureSpec none();
  // "blocks.*.hook_resid_post,blocks.3.attn.hook_pattern" -> patterns.
  static CaptureSpec fromList(const std::string& commaSeparated);

  bool wants(const std::string& tapName) const;
  bool wantsLayer(int layer) const;
  bool empty() const { return patterns.empty(); }
};

// '*' matches any (possibly empty) run of characters.
bool globMatch(const std::string& pattern, const std::string& text);

}  // namespace sinkscope
