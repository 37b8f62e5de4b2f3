#pragma once

#include <string>
#include <vector>

namespace sinkscope {

// Averages the weights of several checkpoints of one model (the last K of a run),
// which smooths out the noise of the final steps. Plain C++ over safetensors files.
class CheckpointAverager {
 public:
  // Writes the element-wise mean of the floating tensors of `inputs` (accumulated in
  // double) to `output` as F32; non-floating tensors are copied from the first
  // input. Every input must hold the same keys with the same shapes: otherwise
  // ShapeError / FormatError naming the file and key.
  static void average(const std::vector<std::string>& inputs, const std::string& output);
};

}  // namespace sinkscope
