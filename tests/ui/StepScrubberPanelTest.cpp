// The decoding-step scrubber on the planted trace (tests/support/PlantedTrace.h) with
// its 9 response tokens as generated steps: the slider selects each step's position
// everywhere and draws that query's attention row, equal to the planted pattern
// (head mean computed here); the label gives the step's probability; clicking a
// transcript word moves the slider to it; a non-generated token leaves it.
#include <QtTest>

#include <cmath>

#include <QSlider>
#include <QTextBrowser>

#include "core/base/Trace.h"
#include "support/PlantedTrace.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/main/TokenSelection.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/AnalysisTools.h"
#include "ui/panels/StepScrubberPanel.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/AttentionRowPlot.h"
#include "ui/views/TokenStrip.h"
#include "ui/views/TranscriptView.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

namespace {

constexpr int kSteps = 9;
const float kProbability[kSteps] = {0.91f, 0.42f, 0.77f, 0.66f, 0.95f, 0.13f, 0.58f, 0.88f, 0.99f};

TracePtr plantedWithSteps() {
  Trace trace = PlantedTrace::make();
  const int first = trace.numTokens() - kSteps;
  for (int i = 0; i < kSteps; ++i) {
    TraceStep step;
    step.id = trace.tokens[static_cast<std::size_t>(first + i)].id;
    step.text = trace.tokens[static_cast<std::size_t>(first + i)].text;
    step.logProb = std::log(kProbability[i]);
    trace.steps.push_back(step);
  }
  return std::make_shared<const Trace>(std::move(trace));
}

// Row q of layer l's pattern, averaged over heads (head < 0) or of one head.
std::vector<double> plantedRow(const Trace& trace, int layer, int head, int q) {
  const HostTensor& p = trace.at("blocks." + std::to_string(layer) + ".attn.hook_pattern");
  std::vector<double> row(static_cast<std::size_t>(q + 1), 0.0);
  for (int h = 0; h < PlantedTrace::kHeads; ++h) {
    if (head >= 0 && h != head) continue;
    for (int k = 0; k <= q; ++k) row[k] += p.at(h, q, k) / (head >= 0 ? 1.0 : double(PlantedTrace::kHeads));
  }
  return row;
}

void compareRow(const AttentionRowData& data, const std::vector<double>& expected) {
  QCOMPARE(data.row.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) QVERIFY(std::abs(data.row[k] - expected[k]) < 1e-6);
}

}  // namespace

class StepScrubberPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void scrubsThroughGeneratedTokens() {
    InferenceController controller;
    MainWindow window(&controller);
    auto* panels = new AnalysisPanels(&window);
    auto* tools = new AnalysisTools(&window, &controller, panels);
    StepScrubberPanel* scrubber = tools->scrubber();
    window.resize(1400, 900);
    window.show();
    const TracePtr trace = plantedWithSteps();
    window.showTrace(trace);
    const int first = trace->numTokens() - kSteps;
    QVERIFY(scrubber->slider()->isEnabled());
    QCOMPARE(scrubber->slider()->maximum(), kSteps - 1);

    scrubber->setStep(3);
    QCOMPARE(window.selection()->current(), first + 3);
    QCOMPARE(panels->attentionMap()->selectedToken(), first + 3);
    const AttentionRowData& row = scrubber->rowPlot()->data();
    QCOMPARE(row.query, first + 3);
    QCOMPARE(row.layer, PlantedTrace::kLayers - 1);
    compareRow(row, plantedRow(*trace, row.layer, -1, first + 3));
    // The planted BOS sink takes the most attention in the last layer.
    QCOMPARE(scrubber->rowPlot()->strongestKey(), 0);
    QVERIFY(scrubber->stepText().contains(QString("p = %1").arg(double(kProbability[3]), 0, 'f', 3)));

    // One head of layer 2 holding the intermediate sink.
    scrubber->setLayer(2);
    scrubber->setHead(PlantedTrace::kIntermediateHeads[0]);
    compareRow(scrubber->rowPlot()->data(), plantedRow(*trace, 2, PlantedTrace::kIntermediateHeads[0], first + 3));
    QVERIFY(scrubber->rowPlot()->data().row[PlantedTrace::kIntermediateSink] > 0.4f);

    // Clicking the transcript word "warm" (step 5) moves the slider there.
    TranscriptView* transcript = window.transcriptView();
    QTextCursor cursor = transcript->document()->find("warm");
    QVERIFY(!cursor.isNull());
    cursor.setPosition(cursor.selectionStart() + 1);
    QTest::mouseClick(transcript->viewport(), Qt::LeftButton, {}, transcript->cursorRect(cursor).center());
    QCOMPARE(window.selection()->current(), first + 5);
    QCOMPARE(scrubber->slider()->value(), 5);
    QCOMPARE(scrubber->rowPlot()->data().query, first + 5);

    // An input token selected elsewhere leaves the slider where it is.
    QTest::mouseClick(window.tokenStrip(), Qt::LeftButton, {}, window.tokenStrip()->chipRect(4).center());
    QCOMPARE(window.selection()->current(), 4);
    QCOMPARE(scrubber->slider()->value(), 5);
    QCOMPARE(scrubber->rowPlot()->selectedToken(), 4);
  }

  void aTraceWithoutStepsDisablesTheSlider() {
    StepScrubberPanel panel(new TokenSelection(this));
    panel.setTrace(std::make_shared<const Trace>(PlantedTrace::make()));
    QVERIFY(!panel.slider()->isEnabled());
    QCOMPARE(panel.positionOfStep(0), -1);
  }
};

QTEST_MAIN(StepScrubberPanelTest)
#include "StepScrubberPanelTest.moc"
