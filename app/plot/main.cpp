// sinkscope-plot-csv --csv FILE --out PNG [--x COLUMN] [--columns A,B,...] [--title TEXT]
// Draws columns of a training log (probe.csv, eval.csv, train.csv) against one of
// its columns (default "step") as a PNG, one panel per column with its own y range,
// so sink metrics that live on different scales (head fractions, max/median
// ratios, cosines) can be read side by side. Without --columns: every column whose
// name ends in "_mean" or "_max" (the probe's summaries). Qt's raster painter does
// the drawing; no plotting library is needed (docs/training.md, "Plotting").

#include <QColor>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>
#include <QTextStream>

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

namespace {

struct Table {
  QStringList header;
  std::vector<std::vector<double>> rows;
};

bool readCsv(const QString& path, Table& table, QString& error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    error = "cannot open " + path;
    return false;
  }
  QTextStream in(&file);
  if (in.atEnd()) {
    error = path + ": empty file";
    return false;
  }
  table.header = in.readLine().trimmed().split(',');
  while (!in.atEnd()) {
    const QStringList cells = in.readLine().trimmed().split(',');
    if (cells.size() != table.header.size()) continue;
    std::vector<double> row;
    for (const QString& cell : cells) {
      bool ok = false;
      const double value = cell.toDouble(&ok);
      row.push_back(ok ? value : std::numeric_limits<double>::quiet_NaN());
    }
    table.rows.push_back(row);
  }
  if (table.rows.empty()) {
    error = path + ": no data rows";
    return false;
  }
  return true;
}

QString label(double value) {
  return QString::number(value, 'g', 4);
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  QString csvPath, outPath, xName = "step", title;
  QStringList columns;
  const QStringList args = app.arguments();
  for (int i = 1; i < args.size(); ++i) {
    const QString& arg = args[i];
    const bool hasValue = i + 1 < args.size();
    if (arg == "--csv" && hasValue) {
      csvPath = args[++i];
    } else if (arg == "--out" && hasValue) {
      outPath = args[++i];
    } else if (arg == "--x" && hasValue) {
      xName = args[++i];
    } else if (arg == "--columns" && hasValue) {
      columns = args[++i].split(',', Qt::SkipEmptyParts);
    } else if (arg == "--title" && hasValue) {
      title = args[++i];
    } else {
      std::fprintf(stderr,
                   "usage: sinkscope-plot-csv --csv FILE --out PNG [--x COLUMN] [--columns A,B,...] [--title TEXT]\n");
      return 2;
    }
  }
  if (csvPath.isEmpty() || outPath.isEmpty()) {
    std::fprintf(stderr, "sinkscope-plot-csv: --csv and --out are required\n");
    return 2;
  }

  Table table;
  QString error;
  if (!readCsv(csvPath, table, error)) {
    std::fprintf(stderr, "sinkscope-plot-csv: %s\n", qPrintable(error));
    return 1;
  }
  const int xIndex = static_cast<int>(table.header.indexOf(xName));
  if (xIndex < 0) {
    std::fprintf(stderr, "sinkscope-plot-csv: %s has no column '%s'\n", qPrintable(csvPath), qPrintable(xName));
    return 1;
  }
  if (columns.isEmpty()) {
    for (const QString& name : table.header) {
      if (name.endsWith("_mean") || name.endsWith("_max")) columns << name;
    }
  }
  std::vector<int> indices;
  for (const QString& name : columns) {
    const int index = static_cast<int>(table.header.indexOf(name));
    if (index < 0) {
      std::fprintf(stderr, "sinkscope-plot-csv: %s has no column '%s'\n", qPrintable(csvPath), qPrintable(name));
      return 1;
    }
    indices.push_back(index);
  }
  if (indices.empty()) {
    std::fprintf(stderr, "sinkscope-plot-csv: no columns to plot (give --columns)\n");
    return 1;
  }

  const int width = 960, panelHeight = 170, top = title.isEmpty() ? 10 : 40, left = 80, right = 20, gap = 24;
  const int height = top + static_cast<int>(indices.size()) * (panelHeight + gap) + 30;
  QImage image(width, height, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setRenderHint(QPainter::Antialiasing);
  if (!title.isEmpty()) {
    QFont font = painter.font();
    font.setPointSize(13);
    painter.setFont(font);
    painter.drawText(QRect(0, 8, width, 26), Qt::AlignCenter, title);
    font.setPointSize(9);
    painter.setFont(font);
  }

  double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
  for (const auto& row : table.rows) {
    xMin = std::min(xMin, row[static_cast<std::size_t>(xIndex)]);
    xMax = std::max(xMax, row[static_cast<std::size_t>(xIndex)]);
  }
  if (!(xMax > xMin)) xMax = xMin + 1;
  const QColor palette[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44), QColor(148, 103, 189),
                            QColor(255, 127, 14), QColor(23, 190, 207)};

  for (std::size_t p = 0; p < indices.size(); ++p) {
    const auto column = static_cast<std::size_t>(indices[p]);
    const QRect frame(left, top + static_cast<int>(p) * (panelHeight + gap), width - left - right, panelHeight);
    double yMin = std::numeric_limits<double>::infinity(), yMax = -yMin;
    for (const auto& row : table.rows) {
      if (std::isfinite(row[column])) {
        yMin = std::min(yMin, row[column]);
        yMax = std::max(yMax, row[column]);
      }
    }
    if (!std::isfinite(yMin)) yMin = yMax = 0;
    if (!(yMax > yMin)) {
      yMin -= 0.5;
      yMax += 0.5;
    }
    painter.setPen(QColor(180, 180, 180));
    painter.drawRect(frame);
    painter.setPen(Qt::black);
    painter.drawText(QRect(frame.left() + 6, frame.top() + 2, frame.width() - 12, 16), Qt::AlignLeft, columns[static_cast<int>(p)]);
    painter.drawText(QRect(0, frame.top() - 6, left - 6, 14), Qt::AlignRight, label(yMax));
    painter.drawText(QRect(0, frame.bottom() - 8, left - 6, 14), Qt::AlignRight, label(yMin));
    painter.drawText(QRect(frame.left(), frame.bottom() + 2, 100, 14), Qt::AlignLeft, label(xMin));
    painter.drawText(QRect(frame.right() - 200, frame.bottom() + 2, 200, 14), Qt::AlignRight, xName + " " + label(xMax));
    auto toPoint = [&](double x, double y) {
      return QPointF(frame.left() + (x - xMin) / (xMax - xMin) * frame.width(),
                     frame.bottom() - (y - yMin) / (yMax - yMin) * frame.height());
    };
    QPainterPath path;
    bool started = false;
    for (const auto& row : table.rows) {
      if (!std::isfinite(row[column])) continue;
      const QPointF point = toPoint(row[static_cast<std::size_t>(xIndex)], row[column]);
      if (started) {
        path.lineTo(point);
      } else {
        path.moveTo(point);
        started = true;
      }
    }
    painter.setPen(QPen(palette[p % 6], 1.8));
    painter.drawPath(path);
  }
  painter.end();
  if (!image.save(outPath, "PNG")) {
    std::fprintf(stderr, "sinkscope-plot-csv: cannot write %s\n", qPrintable(outPath));
    return 1;
  }
  std::printf("%s\n", qPrintable(outPath));
  return 0;
}
