// Progress and Cancel: a prompt run reports every decoding step to the status bar's
// progress bar (maximum = max new tokens, last value = tokens generated); a clip run
// cancelled while it loads stops with a notice in the status bar (no error banner),
// the views keep the previous trace, and the window runs the next request normally;
// running a clip again reuses its decoded media and gives the same transcript.
#include <QtTest>

#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

#include "core/base/Trace.h"
#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/AnalysisTools.h"
#include "ui/views/RunProgressWidget.h"

using namespace sinkscope;
using namespace sinkscope::ui;

class RunProgressTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName("sinkscope-test");
    QVERIFY(dir_.isValid());
    modelDir_ = dir_.filePath("model");
    const QString error = test::makeRandomInitModel(modelDir_);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void stepsAreShownAndARunCanBeCancelled() {
    InferenceController controller;
    MainWindow window(&controller);
    auto* panels = new AnalysisPanels(&window);
    auto* tools = new AnalysisTools(&window, &controller, panels);
    RunProgressWidget* progress = tools->progress();
    window.show();
    QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
    window.openModel(modelDir_);
    QVERIFY(loaded.wait(60000));
    QVERIFY(!progress->isVisible());

    QSignalSpy steps(&controller, &InferenceController::stepProgress);
    QSignalSpy shown(&window, &MainWindow::traceShown);
    controller.runText("the quick brown fox", 10);
    QVERIFY(progress->isVisible());
    QVERIFY(shown.wait(60000));
    const TracePtr first = window.trace();
    QVERIFY(steps.count() >= 2);
    for (int i = 0; i < steps.count(); ++i) {
      QCOMPARE(steps.at(i).at(1).toInt(), 10);
      if (i > 0) QVERIFY(steps.at(i).at(0).toInt() >= steps.at(i - 1).at(0).toInt());
    }
    QCOMPARE(steps.last().at(0).toInt(), int(first->steps.size()));
    QCOMPARE(progress->bar()->maximum(), 10);
    QCOMPARE(progress->bar()->value(), int(first->steps.size()));
    QVERIFY(!progress->isVisible());

    const QString clip = QString::fromUtf8(SINKSCOPE_SHARED_DIR) + "/media/grid_s2_swwp2s.mpg";
    if (!QFile::exists(clip)) QSKIP("shared media absent");
    QSignalSpy cancelled(&controller, &InferenceController::cancelled);
    QSignalSpy failed(&controller, &InferenceController::failed);
    window.openClip(clip);
    QVERIFY(controller.busy());
    // The clip is still loading (face landmarks take seconds): Cancel stops it before
    // its first decoding step.
    QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
    QVERIFY(cancelled.wait(120000));
    QCOMPARE(failed.count(), 0);
    QVERIFY(!controller.busy());
    QVERIFY(!progress->isVisible());
    QVERIFY(window.statusBar()->currentMessage().startsWith("Cancelled"));
    QVERIFY(window.errorMessage().isEmpty());
    QCOMPARE(window.trace(), first);

    // The window is usable: the next run goes through.
    controller.runText("the lazy dog", 4);
    QVERIFY(shown.wait(60000));
    QVERIFY(window.trace() != first);

    // A clip run keeps its decoded media; running it again (as the interventions
    // panel does) reuses it and decodes the same transcript.
    window.openClip(clip);
    QVERIFY(shown.wait(120000));
    const TracePtr clipTrace = window.trace();
    const auto media = controller.lastMedia();
    QVERIFY(media != nullptr);
    QCOMPARE(QString::fromStdString(media->path), clip);
    controller.rerun({});
    QVERIFY(shown.wait(120000));
    QCOMPARE(controller.lastMedia(), media);
    QCOMPARE(window.trace()->transcript, clipTrace->transcript);
    QCOMPARE(window.trace()->numTokens(), clipTrace->numTokens());
  }

 private:
  QTemporaryDir dir_;
  QString modelDir_;
};

QTEST_MAIN(RunProgressTest)
#include "RunProgressTest.moc"
