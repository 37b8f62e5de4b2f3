#pragma once

#include "core/model/LlamaConfig.h"

namespace sinkscope::bench {

// The ~12 M-parameter decoder of the capture and eager-comparison benchmarks (the
// issue's "≈10 M-parameter decoder"), so both measure the same model.
inline LlamaConfig smallBenchConfig() {
  LlamaConfig config;
  config.vocabSize = 8192;
  config.hiddenSize = 320;
  config.intermediateSize = 864;
  config.numHiddenLayers = 6;
  config.numAttentionHeads = 8;
  config.numKeyValueHeads = 4;
  config.headDim = 40;
  config.maxPositionEmbeddings = 1024;
  config.bosTokenId = 1;
  config.eosTokenIds = {2};
  return config;
}

}  // namespace sinkscope::bench
