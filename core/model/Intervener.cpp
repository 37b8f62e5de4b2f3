#include "core/model/Intervener.h"

#include <algorithm>

#include "core/base/Error.h"

namespace sinkscope {

Intervener::Intervener(const InterventionSpec& spec, std::int64_t pastLength) : spec_(spec), past_(pastLength) {}

bool Intervener::covers(const std::vector<int>& list, int value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

torch::Tensor Intervener::editResidual(int layer, const torch::Tensor& hidden) const {
  const auto length = hidden.size(1);
  const auto width = hidden.size(2);
  torch::Tensor out = hidden;
  for (const auto& edit : spec_.dims) {
    if (!covers(edit.layers, layer)) continue;
    // Targets of this pass: [T] bool over positions, [D] bool over dims.
    std::vector<std::uint8_t> positionMask(static_cast<std::size_t>(length), edit.positions.empty() ? 1 : 0);
    for (int p : edit.positions) {
      const auto local = p - past_;
      if (local >= 0 && local < length) positionMask[static_cast<std::size_t>(local)] = 1;
    }
    if (std::none_of(positionMask.begin(), positionMask.end(), [](std::uint8_t m) { return m != 0; })) continue;
    std::vector<std::uint8_t> dimMask(static_cast<std::size_t>(width), 0);
    for (int d : edit.dims) {
      if (d >= width) {
        throw ConfigError("intervention: dim " + std::to_string(d) + " is outside the hidden size " +
                          std::to_string(width));
      }
      dimMask[static_cast<std::size_t>(d)] = 1;
    }
    const auto boolOptions = torch::TensorOptions().dtype(torch::kBool);
    const torch::Tensor positions =
        torch::from_blob(positionMask.data(), {length}, torch::kUInt8).to(boolOptions).to(hidden.device());
    const torch::Tensor dims =
        torch::from_blob(dimMask.data(), {width}, torch::kUInt8).to(boolOptions).to(hidden.device());
    const torch::Tensor target = (positions.unsqueeze(1) & dims.unsqueeze(0)).unsqueeze(0);  // [1, T, D]

    torch::Tensor replacement;  // [B, 1, D] or scalar
    if (edit.mode == DimIntervention::Mode::Zero) {
      replacement = torch::zeros({}, hidden.options());
    } else {
      // The mean over the positions left alone, or over all when every one is a target.
      torch::Tensor source = edit.positions.empty() ? torch::ones_like(positions) : positions.logical_not();
      const auto count = source.sum().item<std::int64_t>();
      if (count == 0) {
        throw ConfigError("intervention: mean-set at layer " + std::to_string(layer) +
                          " needs a position outside its targets in the same pass");
      }
      const torch::Tensor weights = source.to(hidden.scalar_type()).view({1, length, 1});
      replacement = (hidden * weights).sum(1, true) / static_cast<double>(count);  // [B, 1, D]
    }
    out = torch::where(target, replacement, out);
  }
  return out;
}

torch::Tensor Intervener::editAttention(int layer, const torch::Tensor& probs) const {
  const auto heads = probs.size(1);
  const auto keys = probs.size(3);
  torch::Tensor out = probs;
  for (const auto& edit : spec_.attention) {
    if (!covers(edit.layers, layer)) continue;
    std::vector<std::uint8_t> keyMask(static_cast<std::size_t>(keys), 0);
    bool any = false;
    for (int k : edit.keys) {
      if (k < keys) {
        keyMask[static_cast<std::size_t>(k)] = 1;
        any = true;
      }
    }
    if (!any) continue;
    std::vector<std::uint8_t> headMask(static_cast<std::size_t>(heads), edit.heads.empty() ? 1 : 0);
    for (int h : edit.heads) {
      if (h >= heads) {
        throw ConfigError("intervention: head " + std::to_string(h) + " is outside the " + std::to_string(heads) +
                          " heads");
      }
      headMask[static_cast<std::size_t>(h)] = 1;
    }
    const auto boolOptions = torch::TensorOptions().dtype(torch::kBool);
    const torch::Tensor keySel =
        torch::from_blob(keyMask.data(), {keys}, torch::kUInt8).to(boolOptions).to(probs.device()).view({1, 1, 1, keys});
    const torch::Tensor headSel =
        torch::from_blob(headMask.data(), {heads}, torch::kUInt8).to(boolOptions).to(probs.device()).view({1, heads, 1, 1});
    const torch::Tensor chosen = keySel & headSel;
    const torch::Tensor removed = out.masked_fill(chosen, 0.0);
    const torch::Tensor rowSum = removed.sum(-1, true);  // [B, H, T, 1]
    // Only rows that lost attention change, so the others keep their exact values.
    const torch::Tensor lost = out.masked_fill(chosen.logical_not(), 0.0).sum(-1, true) > 0;
    out = torch::where(lost & (rowSum > 0), removed / rowSum.clamp_min(1e-30), out);
  }
  return out;
}

}  // namespace sinkscope
