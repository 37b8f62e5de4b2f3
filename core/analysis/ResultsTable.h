#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// One bundled model and its eval summaries (eval.json) per test set.
struct ResultsModel {
  std::string name;
  std::string modality;  // asr, vsr, avsr
  int audioRate = 0;     // compression rates (0: the modality has none)
  int videoRate = 0;
  double lambda = 0.0;   // decorrelation loss weight it was fine-tuned with
  std::map<std::string, nlohmann::json> evals;  // test set -> eval.json
};

// The results page (docs/results.md) from eval summaries, shaped like the paper's
// tables: WER for {ASR, VSR, AVSR} × {low, high rate} × {baseline, decorrelated} on the
// synthetic test sets, WER on real speech, and per model the sink and massive-
// activation statistics. Figures are reported as measured; a missing evaluation is a
// dash, never a number.
class ResultsTable {
 public:
  // `syntheticSets` are the columns of the first table (e.g. test, test_babble0db),
  // `realSets` those of the real-speech table; `intro` is put under the title.
  static std::string markdown(const std::vector<ResultsModel>& models, const std::vector<std::string>& syntheticSets,
                              const std::vector<std::string>& realSets, const std::string& intro);

  // Reads a model's modality, rates and λ from its config.json and training.json.
  static ResultsModel describe(const std::string& name, const std::string& modelDir);
};

}  // namespace sinkscope
