// Compare mode: two random-initialised composite models (`sinkscope-cli init`, seeds 5
// and 6) on the same prompt side by side. Checks the pairing (a pair is shown only
// when both sides finished the same input; a second input while busy is refused), the
// SHARED scales (attention colour range = the range over both traces' patterns,
// computed here from the taps; massive-activation colour and spike ranges and the
// BOS-cosine axis equal on both sides and covering each side's own range) and the
// linked token selection (a click on the left attention map selects the key on the
// right too).
#include <QtTest>

#include <algorithm>
#include <qcustomplot.h>

#include "core/base/Trace.h"
#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/CompareWindow.h"
#include "ui/main/TokenSelection.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/views/RunProgressWidget.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

// min and max over both traces of the head-mean attention of `layer` on and below
// the diagonal, floored at 1e-4 as the map draws it.
std::pair<double, double> meanPatternRange(const std::vector<TracePtr>& traces, int layer) {
  double lowest = 1.0;
  double highest = 0.0;
  for (const TracePtr& trace : traces) {
    const HostTensor& p = trace->at("blocks." + std::to_string(layer) + ".attn.hook_pattern");
    const std::int64_t heads = p.size(0);
    const std::int64_t count = p.size(1);
    for (std::int64_t q = 0; q < count; ++q) {
      for (std::int64_t k = 0; k <= q; ++k) {
        double sum = 0.0;
        for (std::int64_t h = 0; h < heads; ++h) sum += p.values[(h * count + q) * count + k];
        const double value = std::max(1e-4, sum / double(heads));
        lowest = std::min(lowest, value);
        highest = std::max(highest, value);
      }
    }
  }
  return {lowest, highest};
}

QCPRange cosineAxis(BosCosinePlot* plot) { return plot->customPlot()->axisRect()->axis(QCPAxis::atLeft)->range(); }

}  // namespace

class CompareWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName("sinkscope-test");
    QVERIFY(dir_.isValid());
    for (int seed : {5, 6}) {
      const QString error = test::makeRandomInitModel(dir_.filePath(QString("model%1").arg(seed)), seed);
      QVERIFY2(error.isEmpty(), qPrintable(error));
    }
  }

  void twoModelsOnOneInputShareScalesAndSelection() {
    CompareWindow window;
    window.resize(1400, 900);
    window.show();
    QSignalSpy leftLoaded(window.controller(0), &InferenceController::modelLoaded);
    QSignalSpy rightLoaded(window.controller(1), &InferenceController::modelLoaded);
    window.loadModel(0, dir_.filePath("model5"));
    window.loadModel(1, dir_.filePath("model6"));
    QVERIFY(leftLoaded.count() == 1 || leftLoaded.wait(60000));
    QVERIFY(rightLoaded.count() == 1 || rightLoaded.wait(60000));

    // One progress bar with Cancel per side.
    QCOMPARE(window.findChildren<RunProgressWidget*>().size(), 2);
    QSignalSpy paired(&window, &CompareWindow::pairShown);
    window.runText("the quick brown fox jumps over the lazy dog", 8);
    // Busy: a second input is refused with a message instead of mixing pairs.
    window.runText("another prompt", 8);
    QVERIFY(!window.errorMessage().isEmpty());
    QVERIFY(paired.wait(60000));
    QCOMPARE(paired.count(), 1);
    QVERIFY(window.pairedInput().contains("quick brown fox"));
    const std::vector<TracePtr> traces{window.trace(0), window.trace(1)};
    QVERIFY(traces[0] && traces[1]);
    QCOMPARE(traces[0]->numTokens() - int(traces[0]->steps.size()),
             traces[1]->numTokens() - int(traces[1]->steps.size()));
    QVERIFY(traces[0]->at("blocks.0.hook_resid_post").values != traces[1]->at("blocks.0.hook_resid_post").values);

    for (int layer : {0, 3}) {
      window.setLayer(layer);
      const auto [lowest, highest] = meanPatternRange(traces, layer);
      for (int side = 0; side < 2; ++side) {
        QVERIFY(std::abs(window.attentionMap(side)->colorRangeLower() - lowest) < 1e-6);
        QVERIFY(std::abs(window.attentionMap(side)->colorRangeUpper() - std::max(highest, lowest * 10)) < 1e-6);
      }
    }
    for (int side = 0; side < 2; ++side) {
      const MassiveActivationData& own = window.massive(side)->data();
      const auto natural = own.naturalColorRange();
      QCOMPARE(window.massive(side)->colorRangeLower(), window.massive(0)->colorRangeLower());
      QCOMPARE(window.massive(side)->colorRangeUpper(), window.massive(0)->colorRangeUpper());
      QVERIFY(window.massive(side)->colorRangeLower() <= natural.first);
      QVERIFY(window.massive(side)->colorRangeUpper() >= natural.second);
      QVERIFY(own.peakRange && own.peakRange == window.massive(0)->data().peakRange);
      QCOMPARE(cosineAxis(window.bosCosine(side)).lower, cosineAxis(window.bosCosine(0)).lower);
      QCOMPARE(cosineAxis(window.bosCosine(side)).upper, cosineAxis(window.bosCosine(0)).upper);
      QVERIFY(cosineAxis(window.bosCosine(side)).lower <= window.bosCosine(side)->data().naturalValueRange().first);
    }
    // The shared range differs from at least one side's own: the sides were not
    // simply drawn alone.
    const bool widened = window.massive(0)->data().naturalColorRange() != window.massive(1)->data().naturalColorRange();
    QVERIFY(widened);

    // A click on the left map selects that key on both sides.
    AttentionMapPlot* left = window.attentionMap(0);
    left->customPlot()->replot();  // lays the axes out, so pixels map to cells
    QTest::mouseClick(left->customPlot(), Qt::LeftButton, {}, left->cellCenterPixel(6, 2).toPoint());
    QCOMPARE(window.selection()->current(), 2);
    QCOMPARE(window.attentionMap(1)->selectedToken(), 2);
    QCOMPARE(window.massive(1)->selectedToken(), 2);

    // The next input forms the next pair.
    window.runText("a second prompt", 4);
    QVERIFY(paired.wait(60000));
    QVERIFY(window.pairedInput().contains("second prompt"));
    QVERIFY(window.trace(0) != traces[0]);
    QCOMPARE(window.selection()->current(), -1);
  }

 private:
  QTemporaryDir dir_;
};

QTEST_MAIN(CompareWindowTest)
#include "CompareWindowTest.moc"
