#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/MassiveActivationBarsPlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/ObliqueBarChart.h"
#include "ui/plots/TraceTaps.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

class MassiveActivationPlotTest : public QObject {
  Q_OBJECT

 private slots:
  void fixedDimsAreThePlantedOnes() {
    const Trace trace = PlantedTrace::make();
    QCOMPARE(MassiveActivationData::fromTrace(trace, 3).fixedDims, PlantedTrace::kMassiveDims);
    // Layer 1 has the massive dims at BOS only: one token is not "fixed".
    QCOMPARE(MassiveActivationData::fromTrace(trace, 1).fixedDims, std::vector<int>{});
    QCOMPARE(MassiveActivationData::fromTrace(trace, 0).fixedDims, std::vector<int>{});
    // The ratio criterion alone finds the same dims.
    QCOMPARE(MassiveActivationData::fromTrace(trace, 3, 0.0f, 1000.0f).fixedDims, PlantedTrace::kMassiveDims);
    // An absolute threshold above the planted values finds none.
    QCOMPARE(MassiveActivationData::fromTrace(trace, 3, 1000.0f, 1000.0f).fixedDims, std::vector<int>{});
  }

  void medianAbsMatchesSortedReference() {
    const HostTensor row({1, 6}, {3.0f, -1.0f, 0.5f, -7.0f, 2.0f, 0.0f});
    // |row| sorted: 0 0.5 1 2 3 7 -> median (1 + 2) / 2.
    QCOMPARE(TraceTaps::medianAbs(row, 0), 1.5f);
    const HostTensor odd({1, 3}, {-4.0f, 1.0f, 2.0f});
    QCOMPARE(TraceTaps::medianAbs(odd, 0), 2.0f);
  }

  void spikeBarPeaksAtTheSinks() {
    const Trace trace = PlantedTrace::make();
    MassiveActivationPlot plot;
    plot.setData(MassiveActivationData::fromTrace(trace, 3));
    const std::vector<double> peaks = plot.tokenPeaks();
    QCOMPARE(int(peaks.size()), PlantedTrace::kTokens);
    QCOMPARE(peaks[0], 620.0);
    QCOMPARE(peaks[PlantedTrace::kIntermediateSink], 540.0);
    std::vector<double> others;
    for (int t = 0; t < PlantedTrace::kTokens; ++t) {
      if (t != 0 && t != PlantedTrace::kIntermediateSink) others.push_back(peaks[t]);
    }
    QVERIFY(*std::max_element(others.begin(), others.end()) < 5.0);
    QCOMPARE(plot.colorRangeUpper(), 620.0);
    QCOMPARE(plot.dimsPerColumn(), 1);
  }

  void widePoolingKeepsASingleSpike() {
    // 3000 dims do not fit in 512 columns; a lone spike must survive the pooling.
    std::vector<TraceToken> tokens(5);
    tokens[0].segment = Segment::Bos;
    HostTensor hidden({5, 3000});
    for (std::size_t i = 0; i < hidden.values.size(); ++i) hidden.values[i] = 0.01f * float(i % 7) + 0.01f;
    hidden.at(2, 1234) = -777.0f;
    MassiveActivationPlot plot;
    plot.setData({4, tokens, hidden, {1234}});
    QCOMPARE(plot.dimsPerColumn(), 6);
    QCOMPARE(plot.colorRangeUpper(), 777.0);
    QCOMPARE(plot.renderImage(600, 400).size(), QSize(600, 400));
  }

  void givenRangesReplaceTheNaturalOnes() {
    const Trace trace = PlantedTrace::make();
    MassiveActivationPlot plot;
    MassiveActivationData data = MassiveActivationData::fromTrace(trace, 3);
    plot.setData(data);
    QCOMPARE(plot.colorRangeLower(), data.naturalColorRange().first);
    QCOMPARE(plot.colorRangeUpper(), data.naturalColorRange().second);
    // The largest token peak is a planted massive activation, > 100.
    QVERIFY(data.naturalPeakRange().second > 300.0);
    data.colorRange = std::make_pair(0.01, 5000.0);
    data.peakRange = std::make_pair(0.1, 1e5);
    plot.setData(data);
    QCOMPARE(plot.colorRangeLower(), 0.01);
    QCOMPARE(plot.colorRangeUpper(), 5000.0);
    QCPAxisRect* spikes = plot.customPlot()->axisRects().last();
    QCOMPARE(spikes->axis(QCPAxis::atBottom)->range().lower, 0.1);
    QCOMPARE(spikes->axis(QCPAxis::atBottom)->range().upper, 1e5);
  }

  void clickOnARowSelectsItsToken() {
    const Trace trace = PlantedTrace::make();
    MassiveActivationPlot plot;
    plot.resize(900, 700);
    plot.setData(MassiveActivationData::fromTrace(trace, 3));
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.customPlot()->replot();
    QSignalSpy spy(&plot, &PlotWidget::tokenSelected);
    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, Qt::NoModifier, plot.tokenPixel(25).toPoint());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 25);
  }

  void barsWindowAndHeights() {
    const Trace trace = PlantedTrace::make();
    MassiveActivationBarsPlot plot;
    plot.setData(MassiveActivationData::fromTrace(trace, 3));
    const std::vector<int>& dims = plot.windowDims();
    QCOMPARE(int(dims.size()), MassiveActivationBarsPlot::kDefaultDims);
    for (int d : PlantedTrace::kMassiveDims) QVERIFY(std::find(dims.begin(), dims.end(), d) != dims.end());
    QVERIFY(std::is_sorted(dims.begin(), dims.end()));
    QCOMPARE(int(plot.windowTokens().size()), PlantedTrace::kTokens);
    QCOMPARE(plot.chart()->maxValue(), 620.0);

    // After drawing, the bar heights are proportional to |h|.
    const QImage image = plot.renderImage(1000, 700);
    QCOMPARE(image.size(), QSize(1000, 700));
    const int massiveRow = int(std::find(dims.begin(), dims.end(), 7) - dims.begin());
    const int ordinaryRow = massiveRow == 0 ? 1 : 0;
    const QRectF bos = plot.chart()->frontFace(massiveRow, 0);
    const QRectF sink = plot.chart()->frontFace(massiveRow, PlantedTrace::kIntermediateSink);
    const QRectF ordinary = plot.chart()->frontFace(ordinaryRow, 5);
    QVERIFY(bos.height() > 100.0);
    QVERIFY(std::fabs(sink.height() / bos.height() - 540.0 / 620.0) < 0.01);
    QVERIFY(ordinary.height() < 0.02 * bos.height());
    // Nearer rows sit lower on the page, columns run left to right.
    QVERIFY(plot.chart()->frontFace(0, 0).bottom() > plot.chart()->frontFace(1, 0).bottom());
    QVERIFY(plot.chart()->frontFace(0, 1).left() > plot.chart()->frontFace(0, 0).left());

    plot.setWindow({0, 1, 13}, {7});
    QCOMPARE(plot.windowTokens(), (std::vector<int>{0, 1, 13}));
    QCOMPARE(plot.windowDims(), std::vector<int>{7});
    QVERIFY_THROWS_EXCEPTION(ShapeError, plot.setWindow({}, {64}));
  }
};

QTEST_MAIN(MassiveActivationPlotTest)
#include "MassiveActivationPlotTest.moc"
