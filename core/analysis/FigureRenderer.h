#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/analysis/TraceAnalyzer.h"

namespace sinkscope {

// Draws the figures of an analysis (PNG, PDF, SVG). The engine has none of its own:
// a build that links a renderer (the Qt plots) installs one at start-up, and
// `sinkscope-cli analyze --figures` uses it when present.
class FigureRenderer {
 public:
  virtual ~FigureRenderer() = default;

  // Writes the figures of `trace` and its `report` into `directory`; returns the files
  // written.
  virtual std::vector<std::string> render(const Trace& trace, const TraceReport& report,
                                          const std::string& directory) = 0;

  // The installed renderer, or null in a build without one.
  static FigureRenderer* installed();
  static void install(std::unique_ptr<FigureRenderer> renderer);
};

}  // namespace sinkscope
