// GUI frame time (issue 6) while a 300 x 300 attention map updates: the main window
// with every analysis dock, its attention map given a new 300-token pattern 30 times a
// second (as live mode would at most), measured two ways on the GUI thread:
//  * update: QElapsedTimer around setData + an immediate replot (the rebuild and the
//    paint of the map),
//  * event-loop latency: a 4 ms precise timer records how late each tick fires; a
//    late tick is a frame the window could not draw in time.
// The window is the application's (analysis and live docks). Run on the platform you
// want to judge: under X11 (xvfb-run) when DISPLAY is set, else offscreen.
//
//   sinkscope-bench-guiframe [seconds] [tokens] [map_px]
//
// map_px: float the attention map's dock at map_px x map_px instead of leaving it
// where the window puts it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTimer>
#include <qcustomplot.h>

#include "bench/BenchUtil.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/LivePanels.h"
#include "ui/plots/AttentionMapPlot.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

// An AVSR-shaped token row: BOS, an audio block, a video block, prompt, response.
std::vector<TraceToken> tokens(int count) {
  std::vector<TraceToken> out;
  const auto add = [&](Segment segment, const std::string& text) { out.push_back({-1, text, segment}); };
  add(Segment::Bos, "<|begin_of_text|>");
  add(Segment::AudioDelimiter, "<audio>");
  const int audio = (count - 30) / 2, video = count - 30 - audio;
  for (int i = 0; i < audio; ++i) add(Segment::Audio, "A" + std::to_string(i));
  add(Segment::AudioDelimiter, "</audio>");
  add(Segment::VideoDelimiter, "<video>");
  for (int i = 0; i < video; ++i) add(Segment::Video, "V" + std::to_string(i));
  add(Segment::VideoDelimiter, "</video>");
  while (static_cast<int>(out.size()) < count - 10) add(Segment::Prompt, "p");
  while (static_cast<int>(out.size()) < count) add(Segment::Response, "r");
  return out;
}

// Causal softmax rows with a BOS sink of random strength: a fresh picture each time.
AttentionMapData pattern(const std::vector<TraceToken>& tokenRow, std::mt19937& rng, int layer) {
  const int t = static_cast<int>(tokenRow.size());
  AttentionMapData data;
  data.layer = layer;
  data.tokens = tokenRow;
  data.pattern = HostTensor({t, t});
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int q = 0; q < t; ++q) {
    float sum = 0.0f;
    for (int k = 0; k <= q; ++k) {
      const float logit = noise(rng) + (k == 0 ? 4.0f : 0.0f);
      data.pattern.at(q, k) = std::exp(logit);
      sum += data.pattern.at(q, k);
    }
    for (int k = 0; k <= q; ++k) data.pattern.at(q, k) /= sum;
  }
  data.sinkScore.assign(static_cast<std::size_t>(t), 0.0f);
  for (int k = 0; k < t; ++k) {
    float s = 0.0f;
    for (int q = k; q < t; ++q) s += data.pattern.at(q, k);
    data.sinkScore[static_cast<std::size_t>(k)] = s / static_cast<float>(t - k);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("sinkscope-bench");
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const int count = argc > 2 ? std::atoi(argv[2]) : 300;
  const int mapPx = argc > 3 ? std::atoi(argv[3]) : 0;

  InferenceController inference;
  MainWindow window(&inference);
  auto* panels = new AnalysisPanels(&window);
  new LivePanels(&window, &inference);
  window.resize(1500, 940);
  window.show();
  QTimer::singleShot(0, &window, [&window] { window.balanceDocks(); });
  AttentionMapPlot* map = panels->attentionMap();
  if (mapPx > 0) {
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("Attention map"));
    dock->setFloating(true);
    dock->resize(mapPx, mapPx);
  }

  std::mt19937 rng(7);
  const std::vector<TraceToken> row = tokens(count);
  std::vector<AttentionMapData> frames;
  for (int i = 0; i < 8; ++i) frames.push_back(pattern(row, rng, i));

  std::vector<double> updateMs, lateMs;
  QElapsedTimer clock;
  clock.start();
  int next = 0;
  QTimer update;
  update.setTimerType(Qt::PreciseTimer);
  update.setInterval(33);
  QObject::connect(&update, &QTimer::timeout, &app, [&] {
    QElapsedTimer t;
    t.start();
    map->setData(frames[static_cast<std::size_t>(next++) % frames.size()]);
    map->customPlot()->replot(QCustomPlot::rpImmediateRefresh);
    updateMs.push_back(t.nsecsElapsed() / 1e6);
  });
  constexpr int kProbeMs = 4;
  qint64 expectedNs = 0;
  QTimer probe;
  probe.setTimerType(Qt::PreciseTimer);
  probe.setInterval(kProbeMs);
  QObject::connect(&probe, &QTimer::timeout, &app, [&] {
    const qint64 now = clock.nsecsElapsed();
    if (expectedNs > 0) lateMs.push_back(std::max<qint64>(0, now - expectedNs) / 1e6);
    expectedNs = now + kProbeMs * 1'000'000LL;
  });
  // Let the window settle first.
  QTimer::singleShot(1000, &app, [&] {
    update.start();
    probe.start();
  });
  QTimer::singleShot(1000 + seconds * 1000, &app, [&] { app.quit(); });
  app.exec();

  std::printf("GUI frame bench (%s): %d-token attention map, %zu updates at 30 Hz in a %dx%d window, map %dx%d px\n",
              qPrintable(QGuiApplication::platformName()), count, updateMs.size(), window.width(), window.height(),
              map->width(), map->height());
  std::printf("update (setData + immediate replot) ms: median %.1f, p95 %.1f, max %.1f\n", bench::quantile(updateMs, 0.5),
              bench::quantile(updateMs, 0.95), bench::quantile(updateMs, 1.0));
  std::printf("event-loop lateness of a %d ms timer, ms: median %.1f, p95 %.1f, max %.1f (%zu ticks)\n", kProbeMs,
              bench::quantile(lateMs, 0.5), bench::quantile(lateMs, 0.95), bench::quantile(lateMs, 1.0),
              lateMs.size());
  return 0;
}
