#include "ui/plots/FigureExporter.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/PlotWidget.h"

namespace sinkscope::ui {

FigureExporter::Format FigureExporter::formatOf(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("png")) return Format::Png;
  if (suffix == QLatin1String("pdf")) return Format::Pdf;
  if (suffix == QLatin1String("svg")) return Format::Svg;
  throw Error("figure '" + path.toStdString() + "': unknown suffix, expected .png, .pdf or .svg");
}

void FigureExporter::save(PlotWidget& plot, const QString& path, int widthPx, int heightPx) {
  save(*plot.customPlot(), path, widthPx, heightPx, formatOf(path));
}

void FigureExporter::save(QCustomPlot& plot, const QString& path, int widthPx, int heightPx, Format format) {
  if (widthPx <= 0 || heightPx <= 0) {
    throw Error("figure '" + path.toStdString() + "': size must be positive, got " + std::to_string(widthPx) +
                "x" + std::to_string(heightPx));
  }
  bool saved = false;
  switch (format) {
    case Format::Png: saved = plot.savePng(path, widthPx, heightPx); break;
    case Format::Pdf: saved = plot.savePdf(path, widthPx, heightPx, QCP::epNoCosmetic); break;
    case Format::Svg: saveSvg(plot, path, widthPx, heightPx); saved = true; break;
  }
  if (!saved || !QFileInfo(path).isFile()) throw Error("figure '" + path.toStdString() + "': could not be written");
}

QStringList FigureExporter::saveAll(PlotWidget& plot, const QString& basePath, int widthPx, int heightPx) {
  QStringList paths = {basePath + ".png", basePath + ".pdf", basePath + ".svg"};
  for (const QString& path : paths) save(plot, path, widthPx, heightPx);
  return paths;
}

void FigureExporter::saveSvg(QCustomPlot& plot, const QString& path, int widthPx, int heightPx) {
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(QSize(widthPx, heightPx));
  generator.setViewBox(QRect(0, 0, widthPx, heightPx));
  // Point-sized fonts must come out as large as in the PNG of the same pixel size.
  generator.setResolution(plot.logicalDpiX());
  generator.setTitle(QStringLiteral("sinkscope figure"));
  QCPPainter painter;
  if (!painter.begin(&generator)) throw Error("figure '" + path.toStdString() + "': could not be opened for writing");
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  plot.toPainter(&painter, widthPx, heightPx);
  painter.end();
}

}  // namespace sinkscope::ui
