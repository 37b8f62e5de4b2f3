#pragma once

#include "core/analysis/FigureRenderer.h"

namespace sinkscope::ui {

// The figures of `sinkscope-cli analyze --figures`, drawn by the same plot components
// as the GUI and saved as PNG, PDF and SVG: the head-averaged attention map of the
// first and last captured layers (when patterns were captured), the layer x token sink
// map, the massive activations (heatmap and 3-D bars) of the last layer, top-k vs
// median, and the BOS cosine per layer. A figure whose taps are missing is skipped.
// Creates the QApplication it needs (offscreen when there is no display).
class PlotFigureRenderer : public FigureRenderer {
 public:
  std::vector<std::string> render(const Trace& trace, const TraceReport& report,
                                   const std::string& directory) override;
};

}  // namespace sinkscope::ui
