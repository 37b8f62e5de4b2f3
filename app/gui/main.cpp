// sinkscope: the desktop application (issue 6). The composition root: it builds the
// controller and the window, wires the views, and opens what the command line names.
//
//   sinkscope [--model DIR] [--clip FILE] [--prompt TEXT] [--compare DIR] [--teaching]
//             [--raise VIEWS] [--live-clip FILE] [--live-log] [--screenshot PNG]
//
// Without --model it opens the last model used, else the bundled default model.
// --compare opens compare mode with --model on the left and DIR on the right, on the
// same clip or prompt. --live-clip starts live mode with the clip played as the camera
// and the default microphone; --live-log prints a line per live result and error
// (scripts/soak.sh). --screenshot renders the window (the compare window with
// --compare) to a PNG once the requested run has finished and quits (the README's
// screenshots are made this way under Xvfb).
#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include "ui/controllers/InferenceController.h"
#include "ui/controllers/LiveController.h"
#include "ui/main/CompareWindow.h"
#include "ui/main/MainWindow.h"
#include "ui/main/ModelCatalog.h"
#include "ui/main/ModelPicker.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/AnalysisTools.h"
#include "ui/panels/LivePanels.h"

namespace {

QString defaultModelDirectory() {
  const QString remembered = QSettings().value("model/directory").toString();
  if (!remembered.isEmpty() && QFileInfo::exists(remembered + "/config.json")) return remembered;
  // Installed layout first, then the build tree's model.
  const QDir exe(QCoreApplication::applicationDirPath());
  for (const QString& candidate : {exe.filePath("../share/sinkscope/models/default"),
                                   QStringLiteral(SINKSCOPE_DEFAULT_MODEL_DIR)}) {
    if (QFileInfo::exists(candidate + "/config.json")) return QDir::cleanPath(candidate);
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // Live mode frees and reallocates megabyte-sized frames, crops and tensors all the
  // time. glibc raises its mmap threshold each time such a block is freed, until they
  // all come from the arenas, whose fragmented pages stay resident: RSS then creeps up
  // for the first minutes of a soak. A fixed threshold keeps them mmapped, returned
  // to the system when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("sinkscope");
  QCoreApplication::setApplicationName("sinkscope");

  QCommandLineParser parser;
  parser.setApplicationDescription("Look inside audio-visual speech recognition LLMs: attention sinks, "
                                   "massive activations and their mitigation.");
  parser.addHelpOption();
  const QCommandLineOption model("model", "Model directory (composite AVSR or Llama-family).", "DIR");
  const QCommandLineOption clip("clip", "Open this clip once the model is loaded.", "FILE");
  const QCommandLineOption prompt("prompt", "Run this text prompt once the model is loaded.", "TEXT");
  const QCommandLineOption liveClip("live-clip", "Start live mode with this clip as the camera.", "FILE");
  const QCommandLineOption screenshot("screenshot", "Save the window to PNG after the run, then quit.", "PNG");
  const QCommandLineOption compare("compare", "Compare mode: this model on the right of --model.", "DIR");
  const QCommandLineOption teaching("teaching", "Start in teaching mode (an explanation above every view).");
  const QCommandLineOption raise("raise", "Bring these tabbed views to the front (comma-separated titles).", "VIEWS");
  const QCommandLineOption liveLog("live-log", "Print a line for every live result and live error.");
  parser.addOptions({model, clip, prompt, liveClip, liveLog, screenshot, compare, teaching, raise});
  parser.process(app);

  sinkscope::ui::InferenceController controller;
  sinkscope::ui::MainWindow window(&controller);
  auto* panels = new sinkscope::ui::AnalysisPanels(&window);
  auto* tools = new sinkscope::ui::AnalysisTools(&window, &controller, panels);
  auto* live = new sinkscope::ui::LivePanels(&window, &controller);
  // The source tree's bundled models (scripts/bundle_models.sh) and the build's default.
  sinkscope::ui::ModelCatalog::addRoot(QStringLiteral(SINKSCOPE_BUNDLED_MODELS_DIR));
  sinkscope::ui::ModelCatalog::addRoot(QFileInfo(QStringLiteral(SINKSCOPE_DEFAULT_MODEL_DIR)).path());
  sinkscope::ui::ModelPicker::install(&window, &controller, sinkscope::ui::ModelCatalog::roots());
  if (parser.isSet(teaching)) window.setTeachingMode(true);
  if (!window.restoreLayout()) QTimer::singleShot(0, &window, [&window] { window.balanceDocks(); });
  window.show();
  for (const QString& title : parser.value(raise).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    if (auto* dock = window.findChild<QDockWidget*>(title.trimmed())) dock->raise();
  }

  const QString clipPath = parser.value(clip);
  const QString promptText = parser.value(prompt);
  const QString liveClipPath = parser.value(liveClip);
  const QString shotPath = parser.value(screenshot);
  const QString compareDir = parser.value(compare);
  QObject::connect(&controller, &sinkscope::ui::InferenceController::modelLoaded, &window, [&] {
    QSettings().setValue("model/directory", QString::fromStdString(controller.summary()->directory));
    if (!clipPath.isEmpty()) window.openClip(clipPath);
    else if (!promptText.isEmpty()) controller.runText(promptText, 24);
    else if (!liveClipPath.isEmpty()) live->startClipAsCamera(liveClipPath);
  });
  if (!compareDir.isEmpty()) {
    sinkscope::ui::CompareWindow* pair = tools->compareWindow();
    // The pair runs once both sides have loaded.
    const auto runPair = [&, pair] {
      for (int side = 0; side < sinkscope::ui::CompareWindow::kSides; ++side) {
        if (!pair->controller(side)->hasModel() || pair->controller(side)->busy()) return;
      }
      if (!clipPath.isEmpty()) pair->runClip(clipPath, window.modality());
      else if (!promptText.isEmpty()) pair->runText(promptText);
    };
    for (int side = 0; side < sinkscope::ui::CompareWindow::kSides; ++side) {
      QObject::connect(pair->controller(side), &sinkscope::ui::InferenceController::modelLoaded, pair, runPair);
    }
    QObject::connect(&controller, &sinkscope::ui::InferenceController::modelLoaded, pair, [&, pair] {
      if (!pair->controller(0)->hasModel()) tools->openCompare(QString(), compareDir);
    }, Qt::SingleShotConnection);
    if (!shotPath.isEmpty()) {
      QObject::connect(pair, &sinkscope::ui::CompareWindow::pairShown, pair, [&, pair] {
        QTimer::singleShot(300, pair, [&, pair] {
          pair->grab().save(shotPath);
          QCoreApplication::quit();
        });
      });
    }
  } else if (!shotPath.isEmpty()) {
    const auto save = [&] {
      QTimer::singleShot(300, &window, [&] {
        window.grab().save(shotPath);
        QCoreApplication::quit();
      });
    };
    if (liveClipPath.isEmpty()) {
      QObject::connect(&window, &sinkscope::ui::MainWindow::traceShown, &window, save);
    } else {
      // The live views are filled after the window's: wait for the whole result.
      QObject::connect(live, &sinkscope::ui::LivePanels::resultShown, &window, save);
      QObject::connect(live->controller(), &sinkscope::ui::LiveController::failed, &window, save);
    }
    QObject::connect(&controller, &sinkscope::ui::InferenceController::failed, &window, save);
  }

  if (parser.isSet(liveLog)) {
    QObject::connect(live, &sinkscope::ui::LivePanels::resultShown, &window,
                     [live](const sinkscope::ui::LiveResultPtr& result) {
                       const std::int64_t nowUs = live->controller()->clock().nowUs();
                       std::printf("live %lld: %.2f s, %zu frames, shown %.0f ms after the speech ended, "
                                   "%lld skipped: %s\n",
                                   static_cast<long long>(result->sequence), result->media.audioSeconds(),
                                   result->media.frames.size(), (nowUs - result->speechEndUs) / 1e3,
                                   static_cast<long long>(result->skipped), result->trace->transcript.c_str());
                       std::fflush(stdout);
                     });
    QObject::connect(live->controller(), &sinkscope::ui::LiveController::failed, &window,
                     [](const QString& message) { std::fprintf(stderr, "live error: %s\n", qPrintable(message)); });
  }

  const QString directory = parser.isSet(model) ? parser.value(model) : defaultModelDirectory();
  if (directory.isEmpty()) {
    window.showError(QObject::tr("No model found. Open a model directory with File \u203a Open model."));
  } else {
    controller.loadModel(directory);
  }
  return app.exec();
}
