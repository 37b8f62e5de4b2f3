// Interventions from the GUI: a random-initialised composite model (`sinkscope-cli
// init`), a text prompt run through the window, then the interventions panel's
// controls (ablate attention to BOS; zero two dims at chosen layers) run the same
// prompt again. The intervened trace reaches the window's views and shows the edit
// (no query attends to BOS; the dims are zero after the chosen blocks only); the diff
// shown is the word alignment of the two transcripts; "Run unmodified" gives back the
// baseline transcript; a malformed field is a one-line message, not a run.
#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "core/analysis/TranscriptDiff.h"
#include "core/base/Trace.h"
#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/AnalysisTools.h"
#include "ui/panels/InterventionPanel.h"
#include "ui/views/TranscriptView.h"

using namespace sinkscope;
using namespace sinkscope::ui;

class InterventionPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName("sinkscope-test");
    QVERIFY(dir_.isValid());
    modelDir_ = dir_.filePath("model");
    const QString error = test::makeRandomInitModel(modelDir_);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void rerunsTheInputWithTheEditsAndDiffsTheTranscript() {
    InferenceController controller;
    MainWindow window(&controller);
    auto* panels = new AnalysisPanels(&window);
    auto* tools = new AnalysisTools(&window, &controller, panels);
    InterventionPanel* panel = tools->interventions();
    window.resize(1200, 800);
    window.show();
    QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
    window.openModel(modelDir_);
    QVERIFY(loaded.wait(60000));

    QSignalSpy shown(&window, &MainWindow::traceShown);
    controller.runText("the quick brown fox jumps over the lazy dog", 12);
    QVERIFY(shown.wait(60000));
    const TracePtr baseline = window.trace();
    QCOMPARE(panel->baseline(), baseline);
    QVERIFY(!panel->intervened());
    // Defaults from the baseline: BOS among the sinks, all layers.
    QVERIFY(panel->keys()->text().startsWith("0"));
    QCOMPARE(panel->firstLayer()->value(), 0);
    QCOMPARE(panel->lastLayer()->value(), baseline->numLayers - 1);
    QVERIFY(!panel->dims()->text().isEmpty());

    // Ablate attention to BOS everywhere; zero dims 3 and 7 after blocks 0..1 only.
    panel->attentionEnabled()->setChecked(true);
    panel->keys()->setText("0");
    panel->dimsEnabled()->setChecked(true);
    panel->dimsMode()->setCurrentIndex(panel->dimsMode()->findData(static_cast<int>(DimIntervention::Mode::Zero)));
    panel->dims()->setText("3, 7");
    panel->positions()->clear();
    panel->firstLayer()->setValue(0);
    panel->lastLayer()->setValue(1);
    const InterventionSpec spec = panel->spec();
    QCOMPARE(spec.attention.size(), std::size_t(1));
    QCOMPARE(spec.dims.size(), std::size_t(1));
    QCOMPARE(spec.dims[0].layers, (std::vector<int>{0, 1}));
    QTest::mouseClick(panel->runButton(), Qt::LeftButton);
    QVERIFY(shown.wait(60000));

    const TracePtr edited = window.trace();
    QVERIFY(edited != baseline);
    QCOMPARE(panel->intervened(), edited);
    QCOMPARE(panel->baseline(), baseline);
    QVERIFY(!controller.traceInterventions().empty());
    const int count = edited->numTokens();
    for (int l = 0; l <= 1; ++l) {
      const HostTensor& pattern = edited->at("blocks." + std::to_string(l) + ".attn.hook_pattern");
      for (std::int64_t h = 0; h < pattern.size(0); ++h) {
        for (int q = 1; q < count; ++q) QCOMPARE(pattern.values[(h * count + q) * count], 0.0f);
      }
      const HostTensor& resid = edited->at("blocks." + std::to_string(l) + ".hook_resid_post");
      for (int t = 0; t < count; ++t) QCOMPARE(resid.at(t, 7), 0.0f);
    }
    // Block 2 is outside the chosen layers: its output at dim 7 is not all zero.
    const HostTensor& later = edited->at("blocks.2.hook_resid_post");
    bool anyNonZero = false;
    for (int t = 0; t < count; ++t) anyNonZero = anyNonZero || later.at(t, 7) != 0.0f;
    QVERIFY(anyNonZero);

    // The diff is the word alignment of the two transcripts, and the views show the
    // intervened run.
    const TranscriptDiff expected = TranscriptDiff::of(baseline->transcript, edited->transcript);
    QCOMPARE(panel->diff().added(), expected.added());
    QCOMPARE(panel->diff().removed(), expected.removed());
    QCOMPARE(panel->diff().changed(), expected.changed());
    QVERIFY(!panel->diffSummary().isEmpty());
    qInfo("baseline \"%s\" -> intervened \"%s\": %s", baseline->transcript.c_str(), edited->transcript.c_str(),
          qPrintable(panel->diffSummary()));

    // Back to the unmodified run: the same transcript as the baseline, a new baseline.
    panel->runUnmodified();
    QVERIFY(shown.wait(60000));
    QCOMPARE(window.trace()->transcript, baseline->transcript);
    QVERIFY(controller.traceInterventions().empty());
    QCOMPARE(panel->baseline(), window.trace());

    // A malformed field is a message, not a run.
    QSignalSpy failed(panel, &InterventionPanel::failed);
    panel->dims()->setText("3, x");
    panel->run();
    QCOMPARE(failed.count(), 1);
    QVERIFY(!failed.first().first().toString().contains('\n'));
    QVERIFY(!window.errorMessage().isEmpty());
    QVERIFY(!controller.busy());
  }

 private:
  QTemporaryDir dir_;
  QString modelDir_;
};

QTEST_MAIN(InterventionPanelTest)
#include "InterventionPanelTest.moc"
