#pragma once

#include <QString>
#include <QStringList>

class QCustomPlot;

namespace sinkscope::ui {

class PlotWidget;

// Saves a plot as PNG, PDF or SVG at a given size, without a screen (the offscreen
// platform is enough): what `sinkscope-cli analyze --figures` and the GUI's export
// action write. Failures throw sinkscope::Error naming the file.
class FigureExporter {
 public:
  enum class Format { Png, Pdf, Svg };

  // The format follows the file's suffix (.png, .pdf, .svg).
  static void save(PlotWidget& plot, const QString& path, int widthPx, int heightPx);
  static void save(QCustomPlot& plot, const QString& path, int widthPx, int heightPx, Format format);
  // basePath + ".png", ".pdf" and ".svg"; returns the three paths.
  static QStringList saveAll(PlotWidget& plot, const QString& basePath, int widthPx, int heightPx);

  static Format formatOf(const QString& path);  // throws Error on other suffixes

 private:
  static void saveSvg(QCustomPlot& plot, const QString& path, int widthPx, int heightPx);
};

}  // namespace sinkscope::ui
