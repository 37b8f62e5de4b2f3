#pragma once

#include <memory>
#include <vector>

#include "core/train/TrainConfig.h"

namespace at {
class Tensor;
}
namespace torch::optim {
class AdamW;
}

namespace sinkscope {

// The optimiser side every stage shares: AdamW with decoupled weight decay on
// matrices and embeddings only (never on norms and biases), the learning rate set per
// step from the schedule, and global gradient-norm clipping.
class Optimization {
 public:
  static std::unique_ptr<torch::optim::AdamW> adamW(const std::vector<at::Tensor>& parameters,
                                                    const TrainConfig::Train& train);
  static void setLearningRate(torch::optim::AdamW& optimizer, double lr);
  // Clips to `clipNorm` (0: no clipping) and returns the norm before clipping.
  static double clipGradients(const std::vector<at::Tensor>& parameters, double clipNorm);
};

}  // namespace sinkscope
