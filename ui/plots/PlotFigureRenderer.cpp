#include "ui/plots/PlotFigureRenderer.h"

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>

#include <QApplication>

#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/FigureExporter.h"
#include "ui/plots/MassiveActivationBarsPlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/plots/TopKPlot.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

constexpr int kWidthPx = 1400;
constexpr int kHeightPx = 1000;

void ensureApplication() {
  if (QCoreApplication::instance() != nullptr) return;
  if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr &&
      std::getenv("QT_QPA_PLATFORM") == nullptr) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
  }
  static int argc = 1;
  static char name[] = "sinkscope-cli";
  static char* argv[] = {name, nullptr};
  new QApplication(argc, argv);  // lives until the process ends, as Qt expects
}

}  // namespace

std::vector<std::string> PlotFigureRenderer::render(const Trace& trace, const TraceReport& report,
                                                    const std::string& directory) {
  (void)report;  // the plots read the same taps the report was computed from
  ensureApplication();
  std::filesystem::create_directories(directory);
  std::vector<std::string> written;
  const auto save = [&](PlotWidget& plot, const std::string& name) {
    for (const QString& path : FigureExporter::saveAll(plot, QString::fromStdString(directory + "/" + name),
                                                       kWidthPx, kHeightPx)) {
      written.push_back(path.toStdString());
    }
  };
  // Each figure on its own: one whose taps are missing must not stop the others.
  const auto attempt = [](const std::function<void()>& draw) {
    try {
      draw();
    } catch (const std::exception&) {
    }
  };

  const std::vector<int> attentionLayers = TraceTaps::attentionLayers(trace);
  if (!attentionLayers.empty()) {
    for (int layer : {attentionLayers.front(), attentionLayers.back()}) {
      attempt([&] {
        AttentionMapPlot plot;
        plot.setData(AttentionMapData::fromTrace(trace, layer, -1));
        save(plot, "attention_layer" + std::to_string(layer));
      });
      if (attentionLayers.size() == 1) break;
    }
  }
  attempt([&] {
    SinkMapPlot plot;
    plot.setData(SinkMapData::fromTrace(trace));
    save(plot, "sink_map");
  });
  const std::vector<int> residualLayers = TraceTaps::residualLayers(trace);
  if (!residualLayers.empty()) {
    const int layer = residualLayers.back();
    attempt([&] {
      MassiveActivationPlot plot;
      plot.setData(MassiveActivationData::fromTrace(trace, layer));
      save(plot, "massive_layer" + std::to_string(layer));
    });
    attempt([&] {
      MassiveActivationBarsPlot plot;
      plot.setData(MassiveActivationData::fromTrace(trace, layer));
      save(plot, "massive_bars_layer" + std::to_string(layer));
    });
  }
  attempt([&] {
    TopKPlot plot;
    plot.setData(TopKData::fromTrace(trace));
    save(plot, "topk_vs_median");
  });
  attempt([&] {
    BosCosinePlot plot;
    plot.setData(BosCosineData::fromTrace(trace));
    save(plot, "bos_cosine");
  });
  return written;
}

}  // namespace sinkscope::ui
