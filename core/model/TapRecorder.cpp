#include "core/model/TapRecorder.h"

#include <utility>

#include "core/base/Error.h"

namespace sinkscope {

TapRecorder::TapRecorder(CaptureSpec spec, std::string prefix)
    : spec_(std::move(spec)), prefix_(std::move(prefix)) {}

std::string TapRecorder::blockName(int layer, const std::string& suffix) {
  return "blocks." + std::to_string(layer) + "." + suffix;
}

bool TapRecorder::wants(const std::string& name) const {
  return active() && spec_.wants(prefix_ + name);
}

bool TapRecorder::wantsBlock(int layer, const std::string& suffix) const {
  return active() && spec_.wantsLayer(layer) && wants(blockName(layer, suffix));
}

bool TapRecorder::wantsAttentionPattern(int layer) const {
  return wantsBlock(layer, "attn.hook_pattern") || wantsBlock(layer, "attn.hook_pattern_mean");
}

bool TapRecorder::wantsAttention(int layer) const {
  return wantsAttentionPattern(layer) || wantsBlock(layer, "attn.hook_received");
}

HostTensor TapRecorder::toHost(const torch::Tensor& value) {
  const torch::Tensor host = value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  HostTensor out;
  out.shape.assign(host.sizes().begin(), host.sizes().end());
  // Constructed from the range: one pass over the memory, where resize + memcpy wrote
  // every element twice (zeros first).
  const float* first = host.numel() > 0 ? host.data_ptr<float>() : nullptr;
  out.values.assign(first, first + host.numel());
  return out;
}

torch::Tensor TapRecorder::dropBatch(const std::string& name, const torch::Tensor& value) const {
  if (value.size(0) != 1) {
    throw ShapeError("tap '" + prefix_ + name + "': captures need batch size 1, found " +
                     std::to_string(value.size(0)));
  }
  return value[0];
}

void TapRecorder::store(const std::string& name, const torch::Tensor& value) {
  HostTensor& tap = taps_[prefix_ + name];
  // Already there when the pass wrote it through patternTarget().
  const bool inPlace = !tap.values.empty() && value.device().is_cpu() && value.scalar_type() == torch::kFloat32 &&
                       value.is_contiguous() && value.data_ptr<float>() == tap.values.data();
  if (!inPlace) tap = toHost(value);
}

torch::Tensor TapRecorder::patternTarget(int layer, std::int64_t heads, std::int64_t queries, std::int64_t keys,
                                         torch::Device device) {
  if (device.is_cpu() && spec_.heads.empty() && wantsBlock(layer, "attn.hook_pattern")) {
    HostTensor& tap = taps_[prefix_ + blockName(layer, "attn.hook_pattern")];
    tap = HostTensor({heads, queries, keys});
    return torch::from_blob(tap.values.data(), {1, heads, queries, keys}, torch::kFloat32);
  }
  return torch::zeros({1, heads, queries, keys}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
}

void TapRecorder::record(const std::string& name, const torch::Tensor& value) {
  store(name, value.dim() >= 3 ? dropBatch(name, value) : value);
}

void TapRecorder::recordBlock(int layer, const std::string& suffix, const torch::Tensor& value) {
  if (wantsBlock(layer, suffix)) record(blockName(layer, suffix), value);
}

void TapRecorder::recordAttention(int layer, const torch::Tensor& probs, bool causal) {
  const std::string patternName = blockName(layer, "attn.hook_pattern");
  const torch::Tensor heads = dropBatch(patternName, probs).to(torch::kFloat32);  // [H, Tq, Tk]
  const auto numHeads = heads.size(0);

  if (wantsBlock(layer, "attn.hook_pattern")) {
    if (spec_.heads.empty()) {
      store(patternName, heads);
    } else {
      for (int h : spec_.heads) {
        if (h < 0 || h >= numHeads) {
          throw ConfigError("capture spec head " + std::to_string(h) + " is out of range: " +
                            prefix_ + patternName + " has " + std::to_string(numHeads) + " heads");
        }
      }
      const torch::Tensor index =
          torch::tensor(std::vector<std::int64_t>(spec_.heads.begin(), spec_.heads.end()),
                        torch::kInt64)
              .to(heads.device());
      store(patternName, heads.index_select(0, index));
    }
  }
  if (wantsBlock(layer, "attn.hook_pattern_mean")) {
    store(blockName(layer, "attn.hook_pattern_mean"), heads.mean(0));
  }
  if (wantsBlock(layer, "attn.hook_received")) {
    const auto numQueries = heads.size(1);
    const auto numKeys = heads.size(2);
    if (numQueries != numKeys) {
      throw ShapeError("tap '" + prefix_ + blockName(layer, "attn.hook_received") +
                       "' needs a full pass: " + std::to_string(numQueries) + " queries, " +
                       std::to_string(numKeys) + " keys");
    }
    if (causal) {
      // The causal mask already made every entry above the diagonal exactly zero, so
      // a plain sum over queries is the sum over the queries that see each key
      // (without copying the pattern through tril).
      storeReceived(layer, heads.sum(1));
    } else {
      store(blockName(layer, "attn.hook_received"), heads.mean(1));  // [H, Tk]
    }
  }
}

void TapRecorder::recordReceivedSums(int layer, const torch::Tensor& sums) {
  if (!wantsBlock(layer, "attn.hook_received")) return;
  storeReceived(layer, dropBatch(blockName(layer, "attn.hook_received"), sums).to(torch::kFloat32));
}

void TapRecorder::storeReceived(int layer, const torch::Tensor& sums) {
  // sums [H, T]: key k is seen by the T - k queries q >= k.
  const auto numKeys = sums.size(1);
  const torch::Tensor seenBy =
      torch::arange(numKeys, 0, -1, torch::TensorOptions().dtype(torch::kFloat32).device(sums.device()));
  store(blockName(layer, "attn.hook_received"), sums / seenBy);  // [H, Tk]
}

std::map<std::string, HostTensor> TapRecorder::takeTaps() {
  std::map<std::string, HostTensor> out;
  out.swap(taps_);
  return out;
}

}  // namespace sinkscope
