#include "core/model/LlamaKvCache.h"

#include <string>

#include "core/base/Error.h"

namespace sinkscope {

LlamaKvCache::LlamaKvCache(int numLayers) : keys_(numLayers), values_(numLayers) {}

std::pair<torch::Tensor, torch::Tensor> LlamaKvCache::append(int layer, const torch::Tensor& keys,
                                                             const torch::Tensor& values) {
  if (layer < 0 || layer >= numLayers()) {
    throw ShapeError("KV cache has " + std::to_string(numLayers()) + " layers, layer " +
                     std::to_string(layer) + " asked for");
  }
  torch::Tensor& cachedKeys = keys_[static_cast<std::size_t>(layer)];
  torch::Tensor& cachedValues = values_[static_cast<std::size_t>(layer)];
  if (cachedKeys.defined()) {
    if (cachedKeys.size(0) != keys.size(0)) {
      throw ShapeError("KV cache holds batch " + std::to_string(cachedKeys.size(0)) +
                       ", step has batch " + std::to_string(keys.size(0)));
    }
    cachedKeys = torch::cat({cachedKeys, keys}, 2);
    cachedValues = torch::cat({cachedValues, values}, 2);
  } else {
    cachedKeys = keys;
    cachedValues = values;
  }
  if (layer == numLayers() - 1) length_ = cachedKeys.size(2);
  return {cachedKeys, cachedValues};
}

void LlamaKvCache::selectRows(const torch::Tensor& rows) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (!keys_[i].defined()) continue;
    const torch::Tensor index = rows.to(keys_[i].device());
    keys_[i] = keys_[i].index_select(0, index);
    values_[i] = values_[i].index_select(0, index);
  }
}

void LlamaKvCache::clear() {
  for (auto& k : keys_) k = torch::Tensor();
  for (auto& v : values_) v = torch::Tensor();
  length_ = 0;
}

}  // namespace sinkscope
