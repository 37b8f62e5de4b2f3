// Renders every plot of the planted trace (tests/support/PlantedTrace.h) as PNG, PDF
// and SVG into a folder, in the light and the dark theme, so people can look at them.
// Each SVG is also drawn back through Qt's SVG renderer into svg-preview/NAME.png, to
// see the vector output as a viewer shows it without an SVG-capable image viewer.
// Usage: sinkscope-demo-figures OUT_DIR
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cmath>
#include <cstdio>
#include <string>
#include <functional>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/MassiveActivationBarsPlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/plots/TopKPlot.h"
#include "ui/plots/TraceTaps.h"
#include "ui/plots/FigureExporter.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

void render(PlotWidget& plot, PlotTheme theme, const QDir& dir, const QString& name, int widthPx, int heightPx) {
  plot.setTheme(theme);
  const QString suffix = theme == PlotTheme::Dark ? QStringLiteral("_dark") : QString();
  const QStringList paths = FigureExporter::saveAll(plot, dir.filePath(name + suffix), widthPx, heightPx);
  for (const QString& path : paths) std::printf("%s\n", qPrintable(path));
  QSvgRenderer renderer(paths.last());
  QImage preview(widthPx, heightPx, QImage::Format_RGB32);
  preview.fill(Qt::white);
  QPainter painter(&preview);
  renderer.render(&painter);
  painter.end();
  dir.mkpath(QStringLiteral("svg-preview"));
  preview.save(dir.filePath(QStringLiteral("svg-preview/") + name + suffix + QStringLiteral(".png")));
}

// A longer sequence (180 tokens) than the planted trace, to see the plots switch
// from token-text ticks to position ticks: BOS takes 40 % of every query's
// attention, the rest decays with distance.
AttentionMapData longAttention() {
  AttentionMapData data;
  data.layer = 0;
  data.head = -1;
  auto add = [&](const std::string& text, Segment segment, int count) {
    for (int i = 0; i < count; ++i) {
      TraceToken token;
      token.text = count > 1 ? text + std::to_string(i) : text;
      token.segment = segment;
      data.tokens.push_back(token);
    }
  };
  add("<|begin_of_text|>", Segment::Bos, 1);
  add("<audio>", Segment::AudioDelimiter, 1);
  add("A", Segment::Audio, 60);
  add("</audio>", Segment::AudioDelimiter, 1);
  add("<video>", Segment::VideoDelimiter, 1);
  add("V", Segment::Video, 50);
  add("</video>", Segment::VideoDelimiter, 1);
  add("p", Segment::Prompt, 20);
  add("r", Segment::Response, 45);
  const auto count = static_cast<std::int64_t>(data.tokens.size());
  data.pattern = HostTensor({count, count});
  for (std::int64_t q = 0; q < count; ++q) {
    double total = 0.0;
    for (std::int64_t k = 0; k <= q; ++k) total += std::exp(-0.15 * double(q - k));
    for (std::int64_t k = 0; k <= q; ++k) {
      data.pattern.at(q, k) = static_cast<float>((q == 0 ? 0.0 : 0.6) * std::exp(-0.15 * double(q - k)) / total);
    }
    data.pattern.at(q, 0) += q == 0 ? 1.0f : 0.4f;
  }
  data.sinkScore = TraceTaps::receivedAttention(data.pattern);
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: sinkscope-demo-figures OUT_DIR\n");
    return 2;
  }
  QDir dir(QString::fromLocal8Bit(argv[1]));
  if (!dir.mkpath(QStringLiteral("."))) {
    std::fprintf(stderr, "cannot create %s\n", argv[1]);
    return 1;
  }
  try {
    const Trace trace = test::PlantedTrace::make();
    for (PlotTheme theme : {PlotTheme::Light, PlotTheme::Dark}) {
      AttentionMapPlot attention;
      attention.setData(AttentionMapData::fromTrace(trace, 3, 0));
      render(attention, theme, dir, QStringLiteral("attention_layer3_head0"), 900, 860);
      AttentionMapPlot average;
      average.setData(AttentionMapData::fromTrace(trace, 3, -1));
      render(average, theme, dir, QStringLiteral("attention_layer3_mean"), 900, 860);
      AttentionMapPlot longMap;
      longMap.setData(longAttention());
      render(longMap, theme, dir, QStringLiteral("attention_long"), 900, 860);
      MassiveActivationPlot massive;
      massive.setData(MassiveActivationData::fromTrace(trace, 3));
      render(massive, theme, dir, QStringLiteral("massive_layer3"), 1000, 760);
      MassiveActivationBarsPlot bars;
      bars.setData(MassiveActivationData::fromTrace(trace, 3));
      render(bars, theme, dir, QStringLiteral("massive_bars_layer3"), 1100, 720);
      TopKPlot topK;
      topK.setData(TopKData::fromTrace(trace));
      render(topK, theme, dir, QStringLiteral("topk"), 760, 520);
      BosCosinePlot cosine;
      BosCosineData cosineData = BosCosineData::fromTrace(trace);
      cosineData.highlightTokens = {1, 22};
      cosine.setData(cosineData);
      cosine.setSelectedToken(30);
      render(cosine, theme, dir, QStringLiteral("bos_cosine"), 760, 560);
      SinkMapPlot sinks;
      sinks.setData(SinkMapData::fromTrace(trace));
      render(sinks, theme, dir, QStringLiteral("sink_map"), 1000, 460);
    }
  } catch (const Error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  return 0;
}
