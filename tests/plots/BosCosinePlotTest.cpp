#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/BosCosinePlot.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

class BosCosinePlotTest : public QObject {
  Q_OBJECT

 private slots:
  void cosineOfHandVectors() {
    const HostTensor hidden({4, 2}, {1.0f, 0.0f, 0.0f, 3.0f, 2.0f, 2.0f, -5.0f, 0.0f});
    const std::vector<float> cosine = BosCosineData::cosineWithFirst(hidden);
    QCOMPARE(cosine[0], 1.0f);
    QCOMPARE(cosine[1], 0.0f);
    QVERIFY(std::fabs(cosine[2] - std::sqrt(0.5f)) < 1e-6f);
    QCOMPARE(cosine[3], -1.0f);
  }

  void sinksAlignWithBosOthersDoNot() {
    const Trace trace = PlantedTrace::make();
    const BosCosineData data = BosCosineData::fromTrace(trace);
    QCOMPARE(data.sinkTokens, std::vector<int>{PlantedTrace::kIntermediateSink});
    QCOMPARE(int(data.layerLabels.size()), PlantedTrace::kLayers + 1);
    BosCosinePlot plot;
    plot.setData(data);
    const std::vector<double> sink = plot.sinkMean();
    const std::vector<double> other = plot.otherMean();
    // Rows: emb, 0, 1, 2, ... ; the intermediate sink forms at layer 2 (row 3).
    for (int row = 3; row < int(sink.size()); ++row) QVERIFY2(sink[row] > 0.99, qPrintable(QString::number(sink[row])));
    QVERIFY(sink[2] < 0.5);
    for (double value : other) QVERIFY(std::fabs(value) < 0.5);
  }

  void selectedTokenGetsALine() {
    const Trace trace = PlantedTrace::make();
    BosCosinePlot plot;
    plot.setData(BosCosineData::fromTrace(trace));
    const int before = plot.customPlot()->graphCount();
    plot.setSelectedToken(30);
    QCOMPARE(plot.customPlot()->graphCount(), before + 1);
    plot.setSelectedToken(-1);
    QCOMPARE(plot.customPlot()->graphCount(), before);
  }

  void aGivenValueRangeSetsTheAxis() {
    BosCosinePlot plot;
    BosCosineData data = BosCosineData::fromTrace(PlantedTrace::make());
    plot.setData(data);
    QCPAxis* axis = plot.customPlot()->axisRect()->axis(QCPAxis::atLeft);
    QCOMPARE(axis->range().lower, data.naturalValueRange().first);
    QCOMPARE(axis->range().upper, 1.08);
    data.valueRange = std::make_pair(-0.8, 1.2);
    plot.setData(data);
    QCOMPARE(plot.customPlot()->axisRect()->axis(QCPAxis::atLeft)->range().lower, -0.8);
    QCOMPARE(plot.customPlot()->axisRect()->axis(QCPAxis::atLeft)->range().upper, 1.2);
  }

  void rejectsBosAsSinkToken() {
    const Trace trace = PlantedTrace::make();
    BosCosineData data = BosCosineData::fromTrace(trace);
    data.sinkTokens = {0};
    BosCosinePlot plot;
    QVERIFY_THROWS_EXCEPTION(ShapeError, plot.setData(data));
  }
};

QTEST_MAIN(BosCosinePlotTest)
#include "BosCosinePlotTest.moc"
