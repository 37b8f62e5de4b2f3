#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/TraceTaps.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

class AttentionMapPlotTest : public QObject {
  Q_OBJECT

 private slots:
  void sinkColumnsAreThePlantedSinks() {
    const Trace trace = PlantedTrace::make();
    AttentionMapPlot plot;
    plot.setData(AttentionMapData::fromTrace(trace, 3, PlantedTrace::kIntermediateHeads[0]));
    QCOMPARE(plot.sinkColumns(), (std::vector<int>{0, PlantedTrace::kIntermediateSink}));
    // A head without the intermediate sink keeps only BOS.
    plot.setData(AttentionMapData::fromTrace(trace, 3, 3));
    QCOMPARE(plot.sinkColumns(), (std::vector<int>{0}));
    // Before the sinks are planted nothing passes the threshold.
    plot.setData(AttentionMapData::fromTrace(trace, 0, 0));
    QCOMPARE(plot.sinkColumns(), std::vector<int>{});
    // The head average spreads the intermediate sink over 4 heads: 0.4 * 2/4 < 0.3.
    plot.setData(AttentionMapData::fromTrace(trace, 3, -1));
    QCOMPARE(plot.sinkColumns(), (std::vector<int>{0}));
  }

  void aGivenColorRangeReplacesTheNaturalOne() {
    const Trace trace = PlantedTrace::make();
    AttentionMapPlot plot;
    AttentionMapData data = AttentionMapData::fromTrace(trace, 2, 0);
    // The natural range is the extent of the causal cells, as drawn by default.
    double lowest = 1.0, highest = 0.0;
    for (int q = 0; q < PlantedTrace::kTokens; ++q) {
      for (int k = 0; k <= q; ++k) {
        lowest = std::min(lowest, std::max(1e-4, double(data.pattern.at(q, k))));
        highest = std::max<double>(highest, data.pattern.at(q, k));
      }
    }
    QCOMPARE(data.naturalColorRange().first, lowest);
    QCOMPARE(data.naturalColorRange().second, std::max(highest, lowest * 10));
    plot.setData(data);
    QCOMPARE(plot.colorRangeLower(), lowest);
    data.colorRange = std::make_pair(1e-3, 0.5);
    plot.setData(data);
    QCOMPARE(plot.colorRangeLower(), 1e-3);
    QCOMPARE(plot.colorRangeUpper(), 0.5);
  }

  void sinkScoresFromPatternMatchReceivedTap() {
    Trace trace = PlantedTrace::make();
    const AttentionMapData withTap = AttentionMapData::fromTrace(trace, 4, 1);
    trace.taps.erase(TraceTaps::blockTap(4, "attn.hook_received"));
    const AttentionMapData computed = AttentionMapData::fromTrace(trace, 4, 1);
    QCOMPARE(withTap.sinkScore.size(), computed.sinkScore.size());
    for (std::size_t k = 0; k < computed.sinkScore.size(); ++k) {
      QVERIFY(std::fabs(withTap.sinkScore[k] - computed.sinkScore[k]) < 1e-5f);
    }
  }

  void headAverageIsTheMeanOfHeads() {
    const Trace trace = PlantedTrace::make();
    const HostTensor mean = TraceTaps::pattern(trace, 2, -1);
    const HostTensor& full = trace.at("blocks.2.attn.hook_pattern");
    const float expected = (full.at(0, 20, 13) + full.at(1, 20, 13) + full.at(2, 20, 13) + full.at(3, 20, 13)) / 4;
    QVERIFY(std::fabs(mean.at(20, 13) - expected) < 1e-6f);
  }

  void colourScaleSpansTheVisibleCells() {
    const Trace trace = PlantedTrace::make();
    AttentionMapPlot plot;
    const AttentionMapData data = AttentionMapData::fromTrace(trace, 3, 0);
    plot.setData(data);
    float highest = 0.0f;
    float lowest = 1.0f;
    for (int q = 0; q < PlantedTrace::kTokens; ++q) {
      for (int k = 0; k <= q; ++k) {
        highest = std::max(highest, data.pattern.at(q, k));
        lowest = std::min(lowest, data.pattern.at(q, k));
      }
    }
    QCOMPARE(plot.colorRangeUpper(), double(highest));  // 1.0: BOS attends to itself
    QCOMPARE(plot.colorRangeLower(), std::max(1e-4, double(lowest)));
    QVERIFY(plot.colorRangeLower() > 0.0);
  }

  void clickSelectsTheKeyToken() {
    const Trace trace = PlantedTrace::make();
    AttentionMapPlot plot;
    plot.resize(800, 800);
    plot.setData(AttentionMapData::fromTrace(trace, 3, 0));
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.customPlot()->replot();
    QSignalSpy tokens(&plot, &PlotWidget::tokenSelected);
    QSignalSpy cells(&plot, &AttentionMapPlot::cellClicked);

    const QPoint cell = plot.cellCenterPixel(20, PlantedTrace::kIntermediateSink).toPoint();
    int query = -1;
    int key = -1;
    QVERIFY(plot.cellAt(cell, &query, &key));
    QCOMPARE(query, 20);
    QCOMPARE(key, PlantedTrace::kIntermediateSink);
    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, Qt::NoModifier, cell);
    QCOMPARE(tokens.count(), 1);
    QCOMPARE(tokens.at(0).at(0).toInt(), PlantedTrace::kIntermediateSink);
    QCOMPARE(cells.count(), 1);
    QCOMPARE(cells.at(0).at(0).toInt(), 20);
    QCOMPARE(plot.selectedToken(), PlantedTrace::kIntermediateSink);

    // Above the diagonal there is no attention: no selection.
    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, Qt::NoModifier, plot.cellCenterPixel(5, 30).toPoint());
    QCOMPARE(tokens.count(), 1);
    // A selection set from outside is shown but not echoed back.
    plot.setSelectedToken(7);
    QCOMPARE(plot.selectedToken(), 7);
    QCOMPARE(tokens.count(), 1);
  }

  void tooltipNamesQueryKeyAndValue() {
    const Trace trace = PlantedTrace::make();
    AttentionMapPlot plot;
    plot.setData(AttentionMapData::fromTrace(trace, 3, 0));
    const QString text = plot.cellDescription(20, 13);
    QVERIFY2(text.contains(QStringLiteral("\"<video>\"")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("\"V6\"")), qPrintable(text));
    QVERIFY2(text.contains(QString::number(trace.at("blocks.3.attn.hook_pattern").at(0, 20, 13), 'g', 4)),
             qPrintable(text));
  }

  void rejectsMismatchedShapes() {
    const Trace trace = PlantedTrace::make();
    AttentionMapData data = AttentionMapData::fromTrace(trace, 3, 0);
    data.tokens.pop_back();
    AttentionMapPlot plot;
    QVERIFY_THROWS_EXCEPTION(ShapeError, plot.setData(data));
    QVERIFY_THROWS_EXCEPTION(Error, AttentionMapData::fromTrace(trace, 3, 9));
  }
};

QTEST_MAIN(AttentionMapPlotTest)
#include "AttentionMapPlotTest.moc"
