#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

#include "support/PlantedTrace.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/plots/TraceTaps.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

class SinkMapPlotTest : public QObject {
  Q_OBJECT

 private slots:
  void fractionOfHeadsPerLayer() {
    const Trace trace = PlantedTrace::make();
    const SinkMapData data = SinkMapData::fromTrace(trace);
    QCOMPARE(data.layers, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    for (int layer = 0; layer < PlantedTrace::kLayers; ++layer) {
      const float bos = layer >= PlantedTrace::kFirstBosSinkLayer ? 1.0f : 0.0f;
      const float sink = layer >= PlantedTrace::kFirstIntermediateLayer ? 0.5f : 0.0f;
      QCOMPARE(data.fraction.at(layer, 0), bos);
      QCOMPARE(data.fraction.at(layer, PlantedTrace::kIntermediateSink), sink);
      for (int t = 1; t < PlantedTrace::kTokens; ++t) {
        if (t != PlantedTrace::kIntermediateSink) QCOMPARE(data.fraction.at(layer, t), 0.0f);
      }
    }
  }

  // The last keys are seen by few queries, so their sink score is mostly self-attention:
  // a high score there must not make them sinks in the views, while a key seen by
  // exactly kSinkMinQueries queries still counts.
  void keysSeenByFewQueriesAreNotSinks() {
    Trace trace = PlantedTrace::make();
    const int count = PlantedTrace::kTokens;
    const int lastCounted = count - TraceTaps::kSinkMinQueries;
    HostTensor& received = trace.taps.at(TraceTaps::blockTap(3, "attn.hook_received"));
    for (int h = 0; h < PlantedTrace::kHeads; ++h) {
      for (int k = lastCounted; k < count; ++k) received.at(h, k) = 0.9f;
    }
    const std::vector<float> all = TraceTaps::sinkFraction(received, 0.3f, 1);
    const std::vector<float> counted = TraceTaps::sinkFraction(received, 0.3f);
    for (int k = lastCounted; k < count; ++k) QCOMPARE(all[k], 1.0f);
    QCOMPARE(counted[lastCounted], 1.0f);
    for (int k = lastCounted + 1; k < count; ++k) QCOMPARE(counted[k], 0.0f);
    QCOMPARE(counted[0], 1.0f);

    const std::vector<int> sinks = TraceTaps::intermediateSinks(trace, 0.3f, 0.25f);
    QCOMPARE(sinks, (std::vector<int>{PlantedTrace::kIntermediateSink, lastCounted}));
    const SinkMapData data = SinkMapData::fromTrace(trace);
    QCOMPARE(data.fraction.at(3, count - 1), 0.0f);

    // A sequence shorter than kSinkMinQueries still shows its BOS sink.
    HostTensor shortScores({1, 3});
    shortScores.at(0, 0) = 0.9f;
    shortScores.at(0, 2) = 0.9f;
    QCOMPARE(TraceTaps::sinkFraction(shortScores, 0.3f), (std::vector<float>{1.0f, 0.0f, 0.0f}));
  }

  void clickSelectsTheColumn() {
    const Trace trace = PlantedTrace::make();
    SinkMapPlot plot;
    plot.resize(900, 420);
    plot.setData(SinkMapData::fromTrace(trace));
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.customPlot()->replot();
    QSignalSpy spy(&plot, &PlotWidget::tokenSelected);
    const QPoint cell = plot.cellCenterPixel(3, PlantedTrace::kIntermediateSink).toPoint();
    QCOMPARE(plot.tokenAt(cell), PlantedTrace::kIntermediateSink);
    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, Qt::NoModifier, cell);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), PlantedTrace::kIntermediateSink);
    QCOMPARE(plot.tokenAt(QPointF(2, 2)), -1);
  }
};

QTEST_MAIN(SinkMapPlotTest)
#include "SinkMapPlotTest.moc"
