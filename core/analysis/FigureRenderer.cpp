#include "core/analysis/FigureRenderer.h"

namespace sinkscope {

namespace {

std::unique_ptr<FigureRenderer>& slot() {
  static std::unique_ptr<FigureRenderer> renderer;
  return renderer;
}

}  // namespace

FigureRenderer* FigureRenderer::installed() { return slot().get(); }

void FigureRenderer::install(std::unique_ptr<FigureRenderer> renderer) { slot() = std::move(renderer); }

}  // namespace sinkscope
