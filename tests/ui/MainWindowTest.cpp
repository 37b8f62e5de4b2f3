// The desktop window end to end under the offscreen platform: a random-initialised
// composite model made by `sinkscope-cli init`, a real clip opened through the
// window, the transcript, token strip, attention map and sink map filled, a click on
// the strongest sink token selecting it in every view, every analysis panel
// exported, the session saved and reopened, and the failures a user meets (a model
// that does not load, a clip that is not media) shown as a message in a window that
// stays usable.
#include <QtTest>

#include <algorithm>

#include "core/base/Trace.h"
#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/main/TokenSelection.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/FigureExporter.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/views/TokenStrip.h"
#include "ui/views/TranscriptView.h"

using namespace sinkscope;
using namespace sinkscope::ui;

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName("sinkscope-test");
    QVERIFY(dir_.isValid());
    modelDir_ = dir_.filePath("model");
    const QString error = test::makeRandomInitModel(modelDir_);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void clipToTranscriptAndLinkedSelection() {
    const QString clip = QString::fromUtf8(SINKSCOPE_SHARED_DIR) + "/media/grid_s2_swwp2s.mpg";
    if (!QFile::exists(clip)) QSKIP("shared media absent");
    InferenceController controller;
    MainWindow window(&controller);
    auto* panels = new AnalysisPanels(&window);  // the docks, as the application builds them
    window.resize(1200, 800);
    window.show();
    QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
    window.openModel(modelDir_);
    QVERIFY(loaded.wait(60000));

    QSignalSpy shown(&window, &MainWindow::traceShown);
    window.openClip(clip);
    QVERIFY(shown.wait(120000));
    const TracePtr trace = window.trace();
    QVERIFY(trace);
    QVERIFY(trace->numTokens() > 50);
    QVERIFY(!window.transcriptView()->toPlainText().isEmpty());
    QCOMPARE(window.tokenStrip()->sinkFractions().size(), static_cast<std::size_t>(trace->numTokens()));

    // The attention map and the sink map hold this trace.
    const auto tokens = static_cast<std::int64_t>(trace->numTokens());
    QCOMPARE(panels->attentionMap()->data().pattern.shape, (std::vector<std::int64_t>{tokens, tokens}));
    QCOMPARE(static_cast<std::int64_t>(panels->attentionMap()->data().tokens.size()), tokens);
    const SinkMapData& sinks = panels->sinkMap()->data();
    QCOMPARE(sinks.fraction.shape.at(1), tokens);
    QVERIFY(sinks.fraction.shape.at(0) > 0);

    // A click on the chip of the token that is a sink in the most heads (BOS when
    // none is) selects it in the shared selection and in every analysis view.
    const std::vector<double>& fractions = window.tokenStrip()->sinkFractions();
    const int sink = static_cast<int>(std::max_element(fractions.begin(), fractions.end()) - fractions.begin());
    QSignalSpy selected(window.selection(), &TokenSelection::changed);
    const QRect chip = window.tokenStrip()->chipRect(sink);
    QTest::mouseClick(window.tokenStrip(), Qt::LeftButton, {}, chip.center());
    QCOMPARE(window.selection()->current(), sink);
    QCOMPARE(selected.count(), 1);
    for (PlotWidget* plot : panels->plots()) {
      QVERIFY2(plot->selectedToken() == sink, qPrintable(plot->metaObject()->className()));
    }
    // And another token, picked in a plot, reaches the strip and the other plots.
    const int other = sink == 4 ? 5 : 4;
    emit panels->sinkMap()->tokenSelected(other);
    QCOMPARE(window.selection()->current(), other);
    QCOMPARE(panels->attentionMap()->selectedToken(), other);
    QVERIFY(window.errorMessage().isEmpty());

    // Every analysis panel exports as PNG (at the size asked for), PDF and SVG.
    int exported = 0;
    for (PlotWidget* plot : panels->plots()) {
      const QString base = dir_.filePath(QString("panel%1").arg(exported++));
      const QStringList files = FigureExporter::saveAll(*plot, base, 640, 480);
      QCOMPARE(files.size(), 3);
      for (const QString& file : files) QVERIFY2(QFileInfo(file).size() > 500, qPrintable(file));
      QCOMPARE(QImage(base + ".png").size(), QSize(640, 480));
    }
    QVERIFY(exported >= 6);

    // Save the session and reopen it in a window without a model: the same trace.
    const QString session = dir_.filePath("s.sinkscope");
    QVERIFY(window.saveSession(session));
    InferenceController idle;
    MainWindow replay(&idle);
    QVERIFY(replay.openSession(session));
    const TracePtr back = replay.trace();
    QCOMPARE(back->numTokens(), trace->numTokens());
    QCOMPARE(back->transcript, trace->transcript);
    QCOMPARE(back->taps.size(), trace->taps.size());
    for (const auto& [name, tensor] : trace->taps) QCOMPARE(back->at(name).values, tensor.values);
  }

  void failuresLeaveAUsableWindow() {
    InferenceController controller;
    MainWindow window(&controller);
    window.show();
    QSignalSpy failed(&controller, &InferenceController::failed);
    window.openModel(dir_.filePath("no-such-model"));
    QVERIFY(failed.wait(30000));
    QVERIFY(!window.errorMessage().isEmpty());
    QVERIFY(!window.errorMessage().contains('\n'));

    // A clip without a model is refused with a message, not a crash.
    window.openClip(QString::fromUtf8(SINKSCOPE_SOURCE_DIR) + "/README.md");
    QVERIFY(failed.count() >= 2 || failed.wait(30000));

    // The window still loads a good model afterwards.
    QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
    window.openModel(modelDir_);
    QVERIFY(loaded.wait(60000));
    QSignalSpy notMedia(&controller, &InferenceController::failed);
    window.openClip(QString::fromUtf8(SINKSCOPE_SOURCE_DIR) + "/README.md");
    QVERIFY(notMedia.wait(60000));
    QVERIFY(!window.errorMessage().isEmpty());
  }

 private:
  QTemporaryDir dir_;
  QString modelDir_;
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
