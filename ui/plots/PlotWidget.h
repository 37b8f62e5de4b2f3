#pragma once

#include <QImage>
#include <QWidget>
#include <vector>

#include "core/base/Trace.h"
#include "ui/plots/SegmentPalette.h"

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPColorGradient;
class QCPLayoutGrid;

namespace sinkscope::ui {

// Base of every sinkscope plot: a QWidget (so it docks) wrapping one QCustomPlot,
// with the theme, the token selection shared across views, and the drawing helpers
// the plots have in common (segment bands, token tick labels, gradients).
// A plot is rebuilt from its data on setData()/setTheme(); it renders headless at
// any size through renderImage() or FigureExporter.
class PlotWidget : public QWidget {
  Q_OBJECT

 public:
  explicit PlotWidget(QWidget* parent = nullptr);
  ~PlotWidget() override;

  QCustomPlot* customPlot() const { return plot_; }
  const SegmentPalette& palette() const { return palette_; }
  void setTheme(PlotTheme theme);
  int selectedToken() const { return selectedToken_; }

  // Draws the plot into an image of exactly widthPx x heightPx pixels (times scale).
  QImage renderImage(int widthPx, int heightPx, double scale = 1.0);

  // Sequential, perceptually uniform and colour-blind safe (viridis-like).
  static QCPColorGradient sequentialGradient();
  // Light-to-dark single-hue ramp for fractions (0 reads as background).
  static QCPColorGradient fractionGradient(PlotTheme theme);

 signals:
  // The user picked a token (a sequence position) in this view.
  void tokenSelected(int token);

 public slots:
  // Highlights `token` (-1: none) without emitting tokenSelected.
  void setSelectedToken(int token);

 protected:
  // Clears the QCustomPlot and draws everything from the current data and theme.
  virtual void rebuild() = 0;
  // Redraws only the selection marks; the default rebuilds.
  virtual void updateSelection();

  // Empties the plot; afterwards body() is the grid the plot lays its axis rects in,
  // with an optional title row above and legend row below.
  void resetPlot();
  QCPLayoutGrid* body() const { return body_; }
  QCPAxisRect* addAxisRect(int row, int column);
  void addTitle(const QString& text, const QString& subtitle = QString());
  void styleAxisRect(QCPAxisRect* rect);
  void styleAxis(QCPAxis* axis);
  // Segment-coloured rectangles for the token runs, in plot coordinates of `rect`:
  // along x when tokensAlongX (spanning crossLow..crossHigh in y), else along y.
  // Runs wide enough to hold their name get it written inside.
  void addSegmentBand(QCPAxisRect* rect, const std::vector<TraceToken>& tokens, bool tokensAlongX,
                      double crossLow, double crossHigh);
  // A legend row under the plot with one swatch per segment present in `tokens`.
  void addSegmentLegend(const std::vector<TraceToken>& tokens);
  // Token axis ticks: each token's text when there are few, positions otherwise.
  void setTokenTicks(QCPAxis* axis, const std::vector<TraceToken>& tokens);
  static QString tokenLabel(const TraceToken& token, int maxChars = 12);

  QCustomPlot* plot_;
  SegmentPalette palette_;
  int selectedToken_ = -1;
  QCPLayoutGrid* body_ = nullptr;

 private:
  QCPAxisRect* firstAxisRect() const;
};

}  // namespace sinkscope::ui
