#include "core/model/LlamaRotary.h"

#include <cmath>

namespace sinkscope {

LlamaRotary::LlamaRotary(const LlamaConfig& config, torch::Device device) {
  const auto dim = config.headDim;
  // Operation order follows HF's _compute_default_rope_parameters and
  // _compute_llama3_parameters so the float32 rounding is the same; Python's
  // `scalar / tensor` is tensor.reciprocal() * scalar.
  const torch::Tensor exponents =
      torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(dim);
  torch::Tensor invFreq = torch::pow(config.ropeTheta, exponents).reciprocal() * 1.0;

  if (config.ropeScaling == LlamaConfig::RopeScaling::Linear) {
    invFreq = invFreq / config.ropeFactor;
  } else if (config.ropeScaling == LlamaConfig::RopeScaling::Llama3) {
    const double factor = config.ropeFactor;
    const double lowFactor = config.ropeLowFreqFactor;
    const double highFactor = config.ropeHighFreqFactor;
    const double oldContext = static_cast<double>(config.ropeOriginalMaxPositions);
    const double lowFreqWavelen = oldContext / lowFactor;
    const double highFreqWavelen = oldContext / highFactor;

    const torch::Tensor wavelen = invFreq.reciprocal() * (2.0 * M_PI);
    // Long wavelengths are stretched by the factor, short ones kept...
    torch::Tensor scaled = torch::where(wavelen > lowFreqWavelen, invFreq / factor, invFreq);
    // ... and the band between them interpolates smoothly.
    const torch::Tensor smooth =
        (wavelen.reciprocal() * oldContext - lowFactor) / (highFactor - lowFactor);
    const torch::Tensor smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
    const torch::Tensor isMedium =
        torch::logical_not(wavelen < highFreqWavelen) * torch::logical_not(wavelen > lowFreqWavelen);
    scaled = torch::where(isMedium, smoothed, scaled);
    invFreq = scaled;
  }
  invFreq_ = invFreq.to(device);
}

void LlamaRotary::to(torch::Device device) {
  invFreq_ = invFreq_.to(device);
}

std::pair<torch::Tensor, torch::Tensor> LlamaRotary::cosSin(const torch::Tensor& positions,
                                                            torch::ScalarType dtype) const {
  // positions [B, T] -> freqs [B, T, headDim / 2] -> emb [B, T, headDim]
  const auto batch = positions.size(0);
  const torch::Tensor invExpanded =
      invFreq_.to(positions.device()).index({torch::indexing::None, torch::indexing::Slice(),
                                             torch::indexing::None})
          .expand({batch, -1, 1});
  const torch::Tensor posExpanded =
      positions.index({torch::indexing::Slice(), torch::indexing::None, torch::indexing::Slice()})
          .to(torch::kFloat32);
  const torch::Tensor freqs = torch::matmul(invExpanded, posExpanded).transpose(1, 2);
  const torch::Tensor emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor LlamaRotary::apply(const torch::Tensor& x, const torch::Tensor& cos,
                                 const torch::Tensor& sin) {
  // x [B, H, T, Dh]; cos/sin [B, T, Dh] broadcast over heads.
  const auto half = x.size(-1) / 2;
  const torch::Tensor x1 = x.narrow(-1, 0, half);
  const torch::Tensor x2 = x.narrow(-1, half, half);
  const torch::Tensor rotated = torch::cat({-x2, x1}, -1);
  return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

}  // namespace sinkscope
