#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSet>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "core/base/Error.h"
#include "support/PlantedTrace.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/FigureExporter.h"
#include "ui/plots/MassiveActivationBarsPlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/plots/TopKPlot.h"

using namespace sinkscope;
using namespace sinkscope::ui;
using sinkscope::test::PlantedTrace;

namespace {

constexpr int kWidth = 720;
constexpr int kHeight = 540;

std::vector<std::pair<QString, std::unique_ptr<PlotWidget>>> everyPlot(const Trace& trace) {
  std::vector<std::pair<QString, std::unique_ptr<PlotWidget>>> plots;
  auto attention = std::make_unique<AttentionMapPlot>();
  attention->setData(AttentionMapData::fromTrace(trace, 3, 0));
  plots.emplace_back(QStringLiteral("attention"), std::move(attention));
  auto massive = std::make_unique<MassiveActivationPlot>();
  massive->setData(MassiveActivationData::fromTrace(trace, 3));
  plots.emplace_back(QStringLiteral("massive"), std::move(massive));
  auto bars = std::make_unique<MassiveActivationBarsPlot>();
  bars->setData(MassiveActivationData::fromTrace(trace, 3));
  plots.emplace_back(QStringLiteral("bars"), std::move(bars));
  auto topK = std::make_unique<TopKPlot>();
  topK->setData(TopKData::fromTrace(trace));
  plots.emplace_back(QStringLiteral("topk"), std::move(topK));
  auto cosine = std::make_unique<BosCosinePlot>();
  cosine->setData(BosCosineData::fromTrace(trace));
  plots.emplace_back(QStringLiteral("cosine"), std::move(cosine));
  auto sinks = std::make_unique<SinkMapPlot>();
  sinks->setData(SinkMapData::fromTrace(trace));
  plots.emplace_back(QStringLiteral("sinks"), std::move(sinks));
  return plots;
}

// Share of pixels that differ from the corner (background) colour, and how many
// distinct colours the image has.
void inkStatistics(const QImage& image, double* inkShare, int* colours) {
  const QRgb background = image.pixel(0, 0);
  QSet<QRgb> seen;
  qint64 ink = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const QRgb pixel = image.pixel(x, y);
      if (pixel != background) ++ink;
      if (seen.size() < 1000) seen.insert(pixel);
    }
  }
  *inkShare = double(ink) / (double(image.width()) * image.height());
  *colours = seen.size();
}

}  // namespace

class FigureExporterTest : public QObject {
  Q_OBJECT

 private slots:
  void everyPlotInEveryFormat() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Trace trace = PlantedTrace::make();
    for (auto& [name, plot] : everyPlot(trace)) {
      const QStringList paths = FigureExporter::saveAll(*plot, dir.filePath(name), kWidth, kHeight);
      QCOMPARE(paths.size(), 3);

      const QImage png(paths[0]);
      QVERIFY2(!png.isNull(), qPrintable(paths[0]));
      QCOMPARE(png.size(), QSize(kWidth, kHeight));
      double inkShare = 0.0;
      int colours = 0;
      inkStatistics(png, &inkShare, &colours);
      QVERIFY2(inkShare > 0.04, qPrintable(name + ": ink " + QString::number(inkShare)));
      QVERIFY2(colours > 12, qPrintable(name + ": colours " + QString::number(colours)));

      QFile pdf(paths[1]);
      QVERIFY(pdf.open(QIODevice::ReadOnly));
      QVERIFY2(pdf.size() > 4000, qPrintable(name + ": pdf " + QString::number(pdf.size())));
      QCOMPARE(pdf.read(5), QByteArray("%PDF-"));

      QFile svgFile(paths[2]);
      QVERIFY(svgFile.open(QIODevice::ReadOnly));
      const QByteArray svg = svgFile.readAll();
      QVERIFY2(svg.size() > 4000, qPrintable(name + ": svg " + QString::number(svg.size())));
      QVERIFY(svg.contains("<svg"));
      QVERIFY(svg.contains(QStringLiteral("viewBox=\"0 0 %1 %2\"").arg(kWidth).arg(kHeight).toUtf8()));
      QSvgRenderer renderer(paths[2]);
      QVERIFY2(renderer.isValid(), qPrintable(paths[2]));
      // The SVG shows the same figure: rendered back, it has as much ink as the PNG.
      QImage back(kWidth, kHeight, QImage::Format_RGB32);
      back.fill(Qt::white);
      QPainter painter(&back);
      renderer.render(&painter);
      painter.end();
      double backInk = 0.0;
      int backColours = 0;
      inkStatistics(back, &backInk, &backColours);
      QVERIFY2(std::fabs(backInk - inkShare) < 0.5 * inkShare,
               qPrintable(name + QStringLiteral(": svg ink %1 vs png %2").arg(backInk).arg(inkShare)));
    }
  }

  void darkThemeHasADarkBackground() {
    const Trace trace = PlantedTrace::make();
    SinkMapPlot plot;
    plot.setData(SinkMapData::fromTrace(trace));
    plot.setTheme(PlotTheme::Dark);
    const QImage image = plot.renderImage(500, 300);
    QCOMPARE(image.size(), QSize(500, 300));
    QVERIFY(qGray(image.pixel(1, 1)) < 64);
    plot.setTheme(PlotTheme::Light);
    QVERIFY(qGray(plot.renderImage(500, 300).pixel(1, 1)) > 200);
  }

  void rejectsUnknownSuffixAndEmptySize() {
    TopKPlot plot;
    plot.setData(TopKData::fromTrace(PlantedTrace::make()));
    QTemporaryDir dir;
    QVERIFY_THROWS_EXCEPTION(Error, FigureExporter::save(plot, dir.filePath("figure.bmpx"), 100, 100));
    QVERIFY_THROWS_EXCEPTION(Error, FigureExporter::save(plot, dir.filePath("figure.png"), 0, 100));
    QVERIFY_THROWS_EXCEPTION(Error, FigureExporter::save(plot, dir.filePath("missing/dir/figure.png"), 100, 100));
  }
};

QTEST_MAIN(FigureExporterTest)
#include "FigureExporterTest.moc"
