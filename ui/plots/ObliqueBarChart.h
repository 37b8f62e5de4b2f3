#pragma once

#include <QColor>
#include <QString>
#include <QVector>
#include <qcustomplot.h>

namespace sinkscope::ui {

// A projected 3-D bar chart (oblique projection) drawn into its axis rect: columns
// run left to right along the front, rows recede up and to the right, bar height is
// linear in the value. QCustomPlot is 2-D, so this plottable lays out and paints the
// floor, walls, height ticks, bars and labels itself in pixel space; the rect's axes
// stay hidden. Painting goes back row to front, left to right, so nearer bars cover
// farther ones.
class ObliqueBarChart : public QCPAbstractPlottable {
  Q_OBJECT

 public:
  struct Style {
    QColor text;
    QColor grid;
    QColor highlight;  // labels of highlighted rows and their value labels
    QFont font;
  };

  ObliqueBarChart(QCPAxis* keyAxis, QCPAxis* valueAxis);

  // values[row][column]; columnColors per column; highlighted rows get value labels.
  void setData(const QVector<QVector<double>>& values, const QVector<QString>& rowLabels,
               const QVector<QString>& columnLabels, const QVector<QColor>& columnColors,
               const QVector<bool>& highlightedRows);
  void setStyle(const Style& style) { style_ = style; }
  void setHeightLabel(const QString& label) { heightLabel_ = label; }
  double maxValue() const;
  // Pixel rectangle of a bar's front face after the last draw.
  QRectF frontFace(int row, int column) const;

  double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;
  QCPRange getKeyRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
  QCPRange getValueRange(bool& foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                         const QCPRange& inKeyRange = QCPRange()) const override;

 protected:
  void draw(QCPPainter* painter) override;
  void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

 private:
  struct Geometry {
    QPointF origin;     // front-left floor corner
    double cellWidth;   // along the front
    QPointF depthStep;  // one row back
    double fullHeight;  // pixels for maxValue()
  };
  Geometry layout(const QRectF& area) const;
  QPointF floorPoint(const Geometry& g, double column, double row) const;
  static double niceStep(double range, int targetTicks);

  QVector<QVector<double>> values_;
  QVector<QString> rowLabels_;
  QVector<QString> columnLabels_;
  QVector<QColor> columnColors_;
  QVector<bool> highlightedRows_;
  QString heightLabel_;
  Style style_;
  QVector<QVector<QRectF>> fronts_;
};

}  // namespace sinkscope::ui
