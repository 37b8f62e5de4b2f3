#include "core/analysis/AnalysisOptions.h"

#include "core/base/Error.h"

namespace sinkscope {

void AnalysisOptions::validate() const {
  if (!(sinkEpsilon >= 0.0 && sinkEpsilon < 1.0)) {
    throw ConfigError("analysis: sink_epsilon must be in [0, 1), found " + std::to_string(sinkEpsilon));
  }
  if (!(sinkTokenMinHeadFraction > 0.0 && sinkTokenMinHeadFraction <= 1.0)) {
    throw ConfigError("analysis: sink_token_min_head_fraction must be in (0, 1], found " +
                      std::to_string(sinkTokenMinHeadFraction));
  }
  if (sinkMinQueries < 1) {
    throw ConfigError("analysis: sink_min_queries must be >= 1, found " + std::to_string(sinkMinQueries));
  }
  if (!useMassiveAbsolute && !useMassiveRatio) {
    throw ConfigError("analysis: massive activations need the absolute or the ratio criterion, both are off");
  }
  if (useMassiveAbsolute && !(massiveAbsolute > 0.0)) {
    throw ConfigError("analysis: massive_absolute must be > 0, found " + std::to_string(massiveAbsolute));
  }
  if (useMassiveRatio && !(massiveRatio > 0.0)) {
    throw ConfigError("analysis: massive_ratio must be > 0, found " + std::to_string(massiveRatio));
  }
  if (!(decorrelationLambda >= 0.0)) {
    throw ConfigError("analysis: decorrelation_lambda must be >= 0, found " + std::to_string(decorrelationLambda));
  }
}

nlohmann::json AnalysisOptions::toJson() const {
  return {{"sink_epsilon", sinkEpsilon},
          {"sink_token_min_head_fraction", sinkTokenMinHeadFraction},
          {"sink_min_queries", sinkMinQueries},
          {"massive_absolute", useMassiveAbsolute ? nlohmann::json(massiveAbsolute) : nlohmann::json()},
          {"massive_ratio", useMassiveRatio ? nlohmann::json(massiveRatio) : nlohmann::json()},
          {"decorrelation_lambda", decorrelationLambda}};
}

}  // namespace sinkscope
