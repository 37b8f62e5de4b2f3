// `analyze --figures` draws with the GUI's plot components (ui/plots).
#include <memory>

#include "core/analysis/FigureRenderer.h"
#include "ui/plots/PlotFigureRenderer.h"

namespace {

const bool kFiguresInstalled = [] {
  sinkscope::FigureRenderer::install(std::make_unique<sinkscope::ui::PlotFigureRenderer>());
  return true;
}();

}  // namespace
