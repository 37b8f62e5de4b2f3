#pragma once

#include <QObject>

#include "core/base/Trace.h"

class QComboBox;
class QSpinBox;

namespace sinkscope::ui {

class AttentionMapPlot;
class BosCosinePlot;
class MainWindow;
class MassiveActivationBarsPlot;
class MassiveActivationPlot;
class PlotWidget;
class SinkMapPlot;
class TokenSelection;
class TopKPlot;

// The analysis views of the main window as docks (attention map, sink map, massive
// activations as heatmap and 3-D bars, top-k vs median, BOS cosine), fed from each new
// trace and linked through the shared token selection.
class AnalysisPanels : public QObject {
  Q_OBJECT

 public:
  explicit AnalysisPanels(MainWindow* window);

  AttentionMapPlot* attentionMap() const { return attention_; }
  SinkMapPlot* sinkMap() const { return sinkMap_; }
  MassiveActivationPlot* massive() const { return massive_; }
  MassiveActivationBarsPlot* massiveBars() const { return bars_; }
  TopKPlot* topK() const { return topK_; }
  BosCosinePlot* bosCosine() const { return bosCosine_; }
  QList<PlotWidget*> plots() const;

 public slots:
  void setTrace(sinkscope::TracePtr trace);
  void refresh();
  // Shows one layer and head (-1: the mean) in the attention map.
  void showHead(int layer, int head);

 signals:
  void headShown(int layer, int head);

 private:
  QWidget* withControls(QWidget* plot, QWidget* controls);
  void link(PlotWidget* plot);

  MainWindow* window_;
  TracePtr trace_;
  AttentionMapPlot* attention_;
  SinkMapPlot* sinkMap_;
  MassiveActivationPlot* massive_;
  MassiveActivationBarsPlot* bars_;
  TopKPlot* topK_;
  BosCosinePlot* bosCosine_;
  QSpinBox* attentionLayer_;
  QComboBox* attentionHead_;
  QSpinBox* massiveLayer_;
};

}  // namespace sinkscope::ui
