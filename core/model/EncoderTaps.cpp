#include "core/model/EncoderTaps.h"

#include <cstring>

#include "core/base/Error.h"

namespace sinkscope {

EncoderTaps::EncoderTaps(const CaptureSpec& spec, std::string prefix,
                         std::map<std::string, HostTensor>& taps)
    : spec_(spec), prefix_(std::move(prefix)), taps_(taps) {}

bool EncoderTaps::wants(const std::string& name) const {
  return spec_.wants(prefix_ + name);
}

bool EncoderTaps::wantsBlock(int layer, const std::string& leaf) const {
  return spec_.wantsLayer(layer) && wants(blockName(layer, leaf));
}

std::string EncoderTaps::blockName(int layer, const std::string& leaf) {
  return "blocks." + std::to_string(layer) + "." + leaf;
}

torch::Tensor EncoderTaps::dropBatch(const std::string& name, const torch::Tensor& value) const {
  if (value.dim() < 1 || value.size(0) != 1) {
    throw ShapeError("tap " + prefix_ + name + ": taps hold one utterance, expected batch size 1, found shape " +
                     c10::str(value.sizes()));
  }
  return value.squeeze(0);
}

void EncoderTaps::record(const std::string& name, const torch::Tensor& value) {
  taps_[prefix_ + name] = toHost(dropBatch(name, value));
}

void EncoderTaps::recordPattern(int layer, const torch::Tensor& probs) {
  const std::string name = blockName(layer, "attn.hook_pattern");
  torch::Tensor pattern = dropBatch(name, probs);  // [H, T, T]
  if (!spec_.heads.empty()) {
    for (int h : spec_.heads) {
      if (h < 0 || h >= pattern.size(0)) {
        throw ConfigError("capture heads: head " + std::to_string(h) + " out of range for " +
                          prefix_ + name + " with " + std::to_string(pattern.size(0)) + " heads");
      }
    }
    auto index = torch::tensor(std::vector<int64_t>(spec_.heads.begin(), spec_.heads.end()),
                               torch::TensorOptions().dtype(torch::kLong).device(pattern.device()));
    pattern = pattern.index_select(0, index);
  }
  taps_[prefix_ + name] = toHost(pattern);
}

HostTensor EncoderTaps::toHost(const torch::Tensor& value) {
  torch::Tensor host = value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  std::vector<std::int64_t> shape(host.sizes().begin(), host.sizes().end());
  std::vector<float> values(static_cast<std::size_t>(host.numel()));
  if (!values.empty()) std::memcpy(values.data(), host.data_ptr<float>(), values.size() * sizeof(float));
  return HostTensor(std::move(shape), std::move(values));
}

}  // namespace sinkscope
