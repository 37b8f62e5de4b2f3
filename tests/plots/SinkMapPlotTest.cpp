#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

#include "support/PlantedTrace.h"
#include "ui/plots/SinkMapPlot.h"

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
