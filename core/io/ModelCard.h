#pragma once

#include <string>

namespace sinkscope {

// The README.md of a bundled model: what it is, what it was trained on, the recipe of
// every stage that made it (read from the training.json files the trainers write into
// their exports), the command that reproduces it and its metrics. Everything except
// `reproduce` and `metricsMarkdown` comes from files in the model's directory, so a
// card never claims a figure the training did not record.
class ModelCard {
 public:
  // Reads <modelDir>/config.json, <modelDir>/training.json and each part's
  // training.json (missing ones are said to be missing) and returns the markdown.
  static std::string compose(const std::string& modelDir, const std::string& reproduce,
                             const std::string& metricsMarkdown);
  // compose() written to <modelDir>/README.md.
  static void write(const std::string& modelDir, const std::string& reproduce, const std::string& metricsMarkdown);
};

}  // namespace sinkscope
