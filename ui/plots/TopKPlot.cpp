#include "ui/plots/TopKPlot.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <qcustomplot.h>

#include "core/base/Error.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

void TopKData::addLayer(const std::string& label, const HostTensor& hidden) {
  std::vector<float> magnitudes(hidden.values.size());
  std::transform(hidden.values.begin(), hidden.values.end(), magnitudes.begin(),
                 [](float v) { return std::fabs(v); });
  if (magnitudes.size() < 3) throw ShapeError("TopKData: layer '" + label + "' has fewer than 3 values");
  median.push_back(TraceTaps::median(magnitudes));
  std::partial_sort(magnitudes.begin(), magnitudes.begin() + 3, magnitudes.end(), std::greater<float>());
  layerLabels.push_back(label);
  top1.push_back(magnitudes[0]);
  top2.push_back(magnitudes[1]);
  top3.push_back(magnitudes[2]);
}

TopKData TopKData::fromTrace(const Trace& trace) {
  TopKData data;
  if (const HostTensor* embed = trace.find("hook_embed")) data.addLayer("emb", *embed);
  for (int layer : TraceTaps::residualLayers(trace)) {
    data.addLayer(std::to_string(layer), TraceTaps::residual(trace, layer));
  }
  return data;
}

TopKPlot::TopKPlot(QWidget* parent) : PlotWidget(parent) {}

void TopKPlot::setData(TopKData data) {
  const std::size_t rows = data.layerLabels.size();
  if (data.top1.size() != rows || data.top2.size() != rows || data.top3.size() != rows || data.median.size() != rows) {
    throw ShapeError("TopKPlot: top1/top2/top3/median must each have " + std::to_string(rows) + " entries");
  }
  data_ = std::move(data);
  rebuild();
}

double TopKPlot::valueAxisLower() const { return rect_ ? rect_->axis(QCPAxis::atLeft)->range().lower : 0.0; }
double TopKPlot::valueAxisUpper() const { return rect_ ? rect_->axis(QCPAxis::atLeft)->range().upper : 0.0; }

void TopKPlot::rebuild() {
  resetPlot();
  addTitle(QStringLiteral("Largest activation magnitudes per layer"),
           QStringLiteral("top-1, 2, 3 of |h| over all tokens and features, against the median"));
  rect_ = addAxisRect(0, 0);
  const int rows = static_cast<int>(data_.layerLabels.size());
  if (rows == 0) return;
  QCPAxis* layerAxis = rect_->axis(QCPAxis::atBottom);
  QCPAxis* valueAxis = rect_->axis(QCPAxis::atLeft);
  layerAxis->setLabel(QStringLiteral("layer"));
  valueAxis->setLabel(QStringLiteral("|h|  (log scale)"));
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  const int step = std::max(1, rows / 16);
  for (int i = 0; i < rows; i += step) ticker->addTick(i, QString::fromStdString(data_.layerLabels[i]));
  layerAxis->setTicker(ticker);
  layerAxis->setSubTicks(false);
  layerAxis->grid()->setVisible(true);
  valueAxis->setScaleType(QCPAxis::stLogarithmic);
  QSharedPointer<QCPAxisTickerLog> logTicker(new QCPAxisTickerLog);
  valueAxis->setTicker(logTicker);
  valueAxis->setNumberFormat(QStringLiteral("eb"));
  valueAxis->setNumberPrecision(0);

  // Dark-to-light for 1-2-3 so rank reads as intensity; the median stands apart.
  const bool dark = palette_.theme() == PlotTheme::Dark;
  struct Series {
    const std::vector<double>* values;
    QString name;
    QColor color;
    QCPScatterStyle::ScatterShape shape;
    Qt::PenStyle style;
  };
  const Series series[] = {
      {&data_.top1, QStringLiteral("top 1"), QColor(0xD5, 0x5E, 0x00), QCPScatterStyle::ssCircle, Qt::SolidLine},
      {&data_.top2, QStringLiteral("top 2"), QColor(0xE6, 0x9F, 0x00), QCPScatterStyle::ssSquare, Qt::SolidLine},
      {&data_.top3, QStringLiteral("top 3"), dark ? QColor(0xF0, 0xE4, 0x42) : QColor(0xB8, 0xA2, 0x00),
       QCPScatterStyle::ssTriangle, Qt::SolidLine},
      {&data_.median, QStringLiteral("median"), QColor(0x00, 0x72, 0xB2), QCPScatterStyle::ssDiamond, Qt::DashLine},
  };
  double lowest = 1e30;
  double highest = 0.0;
  for (const Series& s : series) {
    auto* graph = new QCPGraph(layerAxis, valueAxis);
    graph->setName(s.name);
    graph->setPen(QPen(s.color, 2.0, s.style));
    graph->setScatterStyle(QCPScatterStyle(s.shape, s.color, s.color, 7));
    for (int i = 0; i < rows; ++i) {
      const double value = std::max(1e-8, (*s.values)[i]);
      graph->addData(i, value);
      lowest = std::min(lowest, value);
      highest = std::max(highest, value);
    }
  }
  layerAxis->setRange(-0.4, rows - 0.6);
  valueAxis->setRange(lowest / 2.5, highest * 2.5);

  auto* legend = new QCPLegend;
  rect_->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignLeft);
  legend->setLayer(QStringLiteral("legend"));
  legend->setBrush(QBrush(palette_.background()));
  legend->setBorderPen(QPen(palette_.mutedForeground()));
  legend->setTextColor(palette_.foreground());
  for (int i = 0; i < plot_->plottableCount(); ++i) plot_->plottable(i)->addToLegend(legend);
}

}  // namespace sinkscope::ui
