// Live latency (issue 6): from the end of an utterance to the window showing its
// transcript and views, the way a user meets it. The whole application is built
// (main window, analysis docks, live docks) on the offscreen platform; a private
// PulseAudio pipe source is the microphone (the tests' PulseAudioServer) and a
// recorded clip plays as the camera. Speech from jfk.wav is written into the pipe
// at real-time pace, each utterance followed by enough background for the previous
// one to finish, so every utterance is analysed on its own. For each one the writer
// knows on the capture clock when its speech ended; the result counts as shown once
// the event loop has run after the views took it (their queued replots included).
//
//   sinkscope-bench-live MODEL_DIR [utterances] [asr|vsr|avsr] [gap_s] [beams]
//
// beams: live decoding's beam count (default LiveController::kDefaultLiveBeams; 0:
// the model's own).
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <QApplication>
#include <QTimer>

#include "bench/BenchUtil.h"
#include "capture/PulseAudioServer.h"
#include "core/media/ClipDecoder.h"
#include "ui/controllers/InferenceController.h"
#include "ui/controllers/LiveController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/LivePanels.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

constexpr int kRate = AudioSource::kSampleRateHz;

std::vector<float> cut(const std::vector<float>& from, double startSec, double endSec) {
  return {from.begin() + std::lround(startSec * kRate), from.begin() + std::lround(endSec * kRate)};
}

struct Shown {
  LiveResultPtr result;
  std::int64_t shownUs = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sinkscope-bench-live MODEL_DIR [utterances] [asr|vsr|avsr] [gap_s] [beams]\n");
    return 2;
  }
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("sinkscope-bench");
  const QString modelDir = QString::fromLocal8Bit(argv[1]);
  const int utterances = argc > 2 ? std::atoi(argv[2]) : 20;
  const Modality modality = parseModality(argc > 3 ? argv[3] : "avsr");
  const double gapSec = argc > 4 ? std::atof(argv[4]) : 3.0;
  const int beams = argc > 5 ? std::atoi(argv[5]) : LiveController::kDefaultLiveBeams;
  const std::string media = SINKSCOPE_SHARED_DIR "/media/";

  test::PulseAudioServer server;
  if (const QString problem = server.start(); !problem.isEmpty()) {
    std::fprintf(stderr, "bench-live: %s\n", qPrintable(problem));
    return 1;
  }

  InferenceController inference;
  MainWindow window(&inference);
  new AnalysisPanels(&window);
  auto* live = new LivePanels(&window, &inference);
  live->controller()->setNumBeams(beams);
  window.resize(1500, 940);
  window.show();

  // The input: utterances of real speech, alternating two phrases, between stretches
  // of the recording's own background.
  DecodeOptions audioOnly;
  audioOnly.video = false;
  const std::vector<float> jfk = ClipDecoder::decodeAll(media + "jfk.wav", audioOnly).waveform;
  // The recording's background, quietened so that looping it does not click into speech.
  std::vector<float> noise = cut(jfk, 2.20, 3.20);
  for (float& v : noise) v *= 0.25f;
  const std::vector<std::vector<float>> phrases = {cut(jfk, 0.69, 1.98), cut(jfk, 5.45, 7.35)};
  std::vector<float> input(noise.begin(), noise.begin() + kRate / 2);
  std::vector<std::int64_t> speechEndSample;
  for (int i = 0; i < utterances; ++i) {
    const auto& phrase = phrases[static_cast<std::size_t>(i) % phrases.size()];
    input.insert(input.end(), phrase.begin(), phrase.end());
    speechEndSample.push_back(static_cast<std::int64_t>(input.size()));
    for (double filled = 0; filled < gapSec; filled += 1.0) {
      const auto n = static_cast<std::size_t>(std::min(1.0, gapSec - filled) * kRate);
      input.insert(input.end(), noise.begin(), noise.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }

  std::vector<Shown> shown;
  QObject::connect(live, &LivePanels::resultShown, &app, [&](LiveResultPtr result) {
    // After the views' queued replots, which were posted before this.
    QTimer::singleShot(0, &app, [&, result] { shown.push_back({result, live->controller()->clock().nowUs()}); });
  });
  QObject::connect(live->controller(), &LiveController::failed, &app,
                   [](const QString& message) { std::fprintf(stderr, "bench-live: %s\n", qPrintable(message)); });

  std::thread writer;
  std::int64_t writtenUs = -1;
  const QString clip = QString::fromStdString(media + "lrs2_00008.mp4");
  QObject::connect(&inference, &InferenceController::modelLoaded, &app, [&] {
    if (!live->controller()->startClipAsCamera(clip, QString(), modality)) {
      app.exit(1);
      return;
    }
    writer = std::thread([&] {
      writtenUs = server.play(input, live->controller()->clock());
      // The last utterance's hang-over and analysis, then the end.
      QMetaObject::invokeMethod(&app, [&] { QTimer::singleShot(8000, &app, [&] { app.quit(); }); },
                                Qt::QueuedConnection);
    });
  });
  QObject::connect(&inference, &InferenceController::failed, &app, [&](const QString& message) {
    std::fprintf(stderr, "bench-live: %s\n", qPrintable(message));
    app.exit(1);
  });
  inference.loadModel(modelDir);
  const int status = app.exec();
  live->stop();
  if (writer.joinable()) writer.join();
  if (status != 0 || writtenUs < 0) return 1;

  std::vector<double> total, handOver, mouth, model, display;
  std::int64_t lastSequence = 0, skipped = 0;
  std::printf("utterance  speech-end->shown  hand-over  mouth  model  to-screen  (ms)\n");
  for (const Shown& s : shown) {
    const LiveResult& r = *s.result;
    // The writer's end of speech nearest to where the detector put it.
    std::int64_t truthUs = -1;
    for (const std::int64_t sample : speechEndSample) {
      const std::int64_t us = writtenUs + sample * 1'000'000 / kRate;
      if (truthUs < 0 || std::llabs(us - r.speechEndUs) < std::llabs(truthUs - r.speechEndUs)) truthUs = us;
    }
    if (std::llabs(truthUs - r.speechEndUs) > 500'000) {
      std::printf("%9lld  not matched to a written utterance (detected end %+.0f ms off)\n",
                  static_cast<long long>(r.sequence), (r.speechEndUs - truthUs) / 1e3);
      continue;
    }
    total.push_back((s.shownUs - truthUs) / 1e3);
    handOver.push_back((r.closedUs - truthUs) / 1e3);
    mouth.push_back((r.preparedUs - r.closedUs) / 1e3);
    model.push_back((r.inferredUs - r.preparedUs) / 1e3);
    display.push_back((s.shownUs - r.inferredUs) / 1e3);
    std::printf("%9lld  %17.0f  %9.0f  %5.0f  %5.0f  %9.0f\n", static_cast<long long>(r.sequence), total.back(),
                handOver.back(), mouth.back(), model.back(), display.back());
    lastSequence = r.sequence;
    skipped = r.skipped;
  }
  std::printf("live latency (%s, %d beams, %s): %zu of %d utterances shown (%lld cut, %lld skipped while busy)\n",
              modalityName(modality).c_str(), beams, qPrintable(modelDir), total.size(), utterances,
              static_cast<long long>(lastSequence), static_cast<long long>(skipped));
  if (total.empty()) return 1;
  std::printf("median ms: total %.0f; hand-over %.0f, mouth pipeline %.0f, model %.0f, to screen %.0f; "
              "total min %.0f, max %.0f\n",
              bench::quantile(total, 0.5), bench::quantile(handOver, 0.5), bench::quantile(mouth, 0.5),
              bench::quantile(model, 0.5), bench::quantile(display, 0.5), bench::quantile(total, 0.0),
              bench::quantile(total, 1.0));
  return 0;
}
