// The layers x heads grid on the planted trace (tests/support/PlantedTrace.h): one
// thumbnail per captured head; the planted intermediate sink (token 13, heads 0-1,
// layers 2+) shows as a brighter column than its neighbours exactly in those heads;
// clicking a thumbnail puts that layer and head into the main attention map.
#include <QtTest>

#include "core/base/Trace.h"
#include "support/PlantedTrace.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/AnalysisTools.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/views/HeadGridView.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

namespace {

// Mean relative luminance (Rec. 709; viridis rises monotonically in it) of a
// thumbnail column over the rows that can see it.
double columnLightness(const QImage& image, int column) {
  double sum = 0.0;
  int n = 0;
  for (int y = column; y < image.height(); ++y, ++n) {
    const QColor c(image.pixel(column, y));
    sum += 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
  }
  return n > 0 ? sum / n : 0.0;
}

}  // namespace

class HeadGridViewTest : public QObject {
  Q_OBJECT

 private slots:
  void thumbnailsShowTheSinksAndClicksPickAHead() {
    InferenceController controller;
    MainWindow window(&controller);
    auto* panels = new AnalysisPanels(&window);
    auto* tools = new AnalysisTools(&window, &controller, panels);
    HeadGridView* grid = tools->headGrid();
    window.resize(1400, 900);
    window.show();
    const auto trace = std::make_shared<const Trace>(PlantedTrace::make());
    window.showTrace(trace);
    QCOMPARE(grid->layers(), PlantedTrace::kLayers);
    QCOMPARE(grid->heads(), PlantedTrace::kHeads);

    const int sink = PlantedTrace::kIntermediateSink;
    for (int l = 0; l < PlantedTrace::kLayers; ++l) {
      for (int h = 0; h < PlantedTrace::kHeads; ++h) {
        const QImage& image = grid->thumbnail(l, h);
        QCOMPARE(image.size(), QSize(PlantedTrace::kTokens, PlantedTrace::kTokens));
        const bool planted = l >= PlantedTrace::kFirstIntermediateLayer &&
                             (h == PlantedTrace::kIntermediateHeads[0] || h == PlantedTrace::kIntermediateHeads[1]);
        const double contrast = columnLightness(image, sink) - columnLightness(image, sink + 1);
        if (planted) {
          QVERIFY2(contrast > 0.2, qPrintable(QString("layer %1 head %2: %3").arg(l).arg(h).arg(contrast)));
        } else {
          QVERIFY2(contrast < 0.2, qPrintable(QString("layer %1 head %2: %3").arg(l).arg(h).arg(contrast)));
        }
      }
    }

    // Bring the grid's dock to the front and click layer 3, head 1.
    grid->parentWidget()->parentWidget()->raise();
    grid->resize(400, 500);
    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(3, 1).center());
    QCOMPARE(panels->attentionMap()->data().layer, 3);
    QCOMPARE(panels->attentionMap()->data().head, 1);
    const HostTensor& pattern = trace->at("blocks.3.attn.hook_pattern");
    QCOMPARE(panels->attentionMap()->data().pattern.at(20, 0), pattern.at(1, 20, 0));
  }
};

QTEST_MAIN(HeadGridViewTest)
#include "HeadGridViewTest.moc"
