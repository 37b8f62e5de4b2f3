#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/TopKPlot.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

class TopKPlotTest : public QObject {
  Q_OBJECT

 private slots:
  void topValuesAndMedianPerLayer() {
    const Trace trace = PlantedTrace::make();
    const TopKData data = TopKData::fromTrace(trace);
    QCOMPARE(int(data.layerLabels.size()), PlantedTrace::kLayers + 1);
    QCOMPARE(data.layerLabels.front(), std::string("emb"));
    QCOMPARE(data.layerLabels.back(), std::string("5"));
    // Layer 3 (row 4): BOS 620 and -410, the intermediate sink 540 and -350.
    QCOMPARE(data.top1[4], 620.0);
    QCOMPARE(data.top2[4], 540.0);
    QCOMPARE(data.top3[4], 410.0);
    // Independent median: sort every |h| of the layer.
    const HostTensor& hidden = trace.at("blocks.3.hook_resid_post");
    std::vector<float> magnitudes;
    for (float v : hidden.values) magnitudes.push_back(std::fabs(v));
    std::sort(magnitudes.begin(), magnitudes.end());
    const std::size_t half = magnitudes.size() / 2;  // 40 x 64 values: an even count
    QCOMPARE(float(data.median[4]), 0.5f * (magnitudes[half - 1] + magnitudes[half]));
    // The embeddings carry no massive values.
    QVERIFY(data.top1[0] < 5.0);
  }

  void logAxisCoversMedianToTop() {
    const Trace trace = PlantedTrace::make();
    TopKPlot plot;
    const TopKData data = TopKData::fromTrace(trace);
    plot.setData(data);
    QVERIFY(plot.valueAxisLower() < *std::min_element(data.median.begin(), data.median.end()));
    QVERIFY(plot.valueAxisUpper() > *std::max_element(data.top1.begin(), data.top1.end()));
    QVERIFY(plot.valueAxisLower() > 0.0);
    QCOMPARE(plot.renderImage(700, 450).size(), QSize(700, 450));
  }

  void rejectsRaggedSeries() {
    TopKData data;
    data.layerLabels = {"0", "1"};
    data.top1 = data.top2 = data.top3 = {1.0, 2.0};
    data.median = {0.1};
    TopKPlot plot;
    QVERIFY_THROWS_EXCEPTION(ShapeError, plot.setData(data));
  }
};

QTEST_MAIN(TopKPlotTest)
#include "TopKPlotTest.moc"
