#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// Edits a decoder pass applies to itself (DESIGN §2, "interventions"), as plain data
// so the GUI and the CLI can build them. Positions are 0-based positions of the full
// sequence (input and response); layers are 0-based blocks.

// Sets chosen dims of the residual stream after chosen blocks, at chosen positions,
// to zero or to their mean over the other positions of the same pass. The edited
// stream is what the next block reads and what hook_resid_post records.
struct DimIntervention {
  enum class Mode { Zero, Mean };
  Mode mode = Mode::Zero;
  std::vector<int> layers;     // empty: every block
  std::vector<int> positions;  // empty: every position (Mean: the mean over all of them)
  std::vector<int> dims;       // at least one
};

// Removes the attention every query pays to chosen keys (sink tokens) in chosen
// blocks and heads, and renormalises each query's row over the keys left; a row that
// saw nothing else is left as it was. hook_pattern / hook_received record the edit.
struct AttentionIntervention {
  std::vector<int> layers;  // empty: every block
  std::vector<int> heads;   // empty: every head
  std::vector<int> keys;    // at least one
};

struct InterventionSpec {
  std::vector<DimIntervention> dims;
  std::vector<AttentionIntervention> attention;

  bool empty() const { return dims.empty() && attention.empty(); }

  // {"dims": [{"mode": "zero"|"mean", "layers": [..], "positions": [..], "dims": [..]}],
  //  "attention": [{"layers": [..], "heads": [..], "keys": [..]}]}; missing lists are
  // empty. Throws ConfigError naming the key at fault.
  static InterventionSpec fromJson(const nlohmann::json& json);
  nlohmann::json toJson() const;
};

}  // namespace sinkscope
