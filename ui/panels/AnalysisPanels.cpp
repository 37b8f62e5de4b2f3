#include "ui/panels/AnalysisPanels.h"

#include <exception>

#include <QComboBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/main/MainWindow.h"
#include "ui/main/TeachingNotes.h"
#include "ui/main/TokenSelection.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/MassiveActivationBarsPlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/plots/SinkMapPlot.h"
#include "ui/plots/TopKPlot.h"

namespace sinkscope::ui {

AnalysisPanels::AnalysisPanels(MainWindow* window)
    : QObject(window),
      window_(window),
      attention_(new AttentionMapPlot),
      sinkMap_(new SinkMapPlot),
      massive_(new MassiveActivationPlot),
      bars_(new MassiveActivationBarsPlot),
      topK_(new TopKPlot),
      bosCosine_(new BosCosinePlot) {
  auto* attentionControls = new QWidget;
  auto* row = new QHBoxLayout(attentionControls);
  row->setContentsMargins(4, 2, 4, 2);
  row->addWidget(new QLabel(tr("layer")));
  attentionLayer_ = new QSpinBox;
  row->addWidget(attentionLayer_);
  row->addWidget(new QLabel(tr("head")));
  attentionHead_ = new QComboBox;
  row->addWidget(attentionHead_);
  row->addStretch(1);
  connect(attentionLayer_, qOverload<int>(&QSpinBox::valueChanged), this, &AnalysisPanels::refresh);
  connect(attentionHead_, qOverload<int>(&QComboBox::currentIndexChanged), this, &AnalysisPanels::refresh);

  auto* massiveControls = new QWidget;
  auto* massiveRow = new QHBoxLayout(massiveControls);
  massiveRow->setContentsMargins(4, 2, 4, 2);
  massiveRow->addWidget(new QLabel(tr("layer")));
  massiveLayer_ = new QSpinBox;
  massiveRow->addWidget(massiveLayer_);
  massiveRow->addStretch(1);
  connect(massiveLayer_, qOverload<int>(&QSpinBox::valueChanged), this, &AnalysisPanels::refresh);

  using Note = TeachingNotes::View;
  window_->addView(withControls(attention_, attentionControls), tr("Attention map"), Qt::RightDockWidgetArea,
                   TeachingNotes::text(Note::AttentionMap));
  window_->addView(sinkMap_, tr("Sink map"), Qt::BottomDockWidgetArea, TeachingNotes::text(Note::SinkMap));
  QDockWidget* massiveDock =
      window_->addView(withControls(massive_, massiveControls), tr("Massive activations"), Qt::RightDockWidgetArea,
                       TeachingNotes::text(Note::MassiveActivations));
  QDockWidget* barsDock = window_->addView(bars_, tr("Massive activations (3-D)"), Qt::RightDockWidgetArea,
                                           TeachingNotes::text(Note::MassiveActivations));
  // Two views of the same numbers: tabs, so each gets the full height.
  window_->tabifyDockWidget(massiveDock, barsDock);
  massiveDock->raise();
  window_->addView(topK_, tr("Top-k vs median"), Qt::BottomDockWidgetArea, TeachingNotes::text(Note::TopK));
  window_->addView(bosCosine_, tr("Cosine with BOS"), Qt::BottomDockWidgetArea, TeachingNotes::text(Note::BosCosine));

  for (PlotWidget* plot : plots()) link(plot);
  connect(window_, &MainWindow::traceShown, this, &AnalysisPanels::setTrace);
}

QList<PlotWidget*> AnalysisPanels::plots() const {
  return {attention_, sinkMap_, massive_, bars_, topK_, bosCosine_};
}

QWidget* AnalysisPanels::withControls(QWidget* plot, QWidget* controls) {
  auto* box = new QWidget;
  auto* column = new QVBoxLayout(box);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(0);
  column->addWidget(controls);
  column->addWidget(plot, 1);
  return box;
}

void AnalysisPanels::link(PlotWidget* plot) {
  TokenSelection* selection = window_->selection();
  connect(plot, &PlotWidget::tokenSelected, selection, &TokenSelection::select);
  connect(selection, &TokenSelection::changed, plot, &PlotWidget::setSelectedToken);
}

void AnalysisPanels::setTrace(sinkscope::TracePtr trace) {
  trace_ = std::move(trace);
  const int lastLayer = std::max(0, trace_->numLayers - 1);
  const QSignalBlocker blockLayer(attentionLayer_);
  const QSignalBlocker blockHead(attentionHead_);
  const QSignalBlocker blockMassive(massiveLayer_);
  attentionLayer_->setRange(0, lastLayer);
  massiveLayer_->setRange(0, lastLayer);
  attentionHead_->clear();
  attentionHead_->addItem(tr("mean of heads"), -1);
  for (int h = 0; h < trace_->numHeads; ++h) attentionHead_->addItem(tr("head %1").arg(h), h);
  refresh();
}

void AnalysisPanels::showHead(int layer, int head) {
  {
    const QSignalBlocker blockLayer(attentionLayer_);
    const QSignalBlocker blockHead(attentionHead_);
    attentionLayer_->setValue(layer);
    attentionHead_->setCurrentIndex(std::max(0, attentionHead_->findData(head)));
  }
  refresh();
}

void AnalysisPanels::refresh() {
  if (!trace_) return;
  // A view whose taps the trace lacks keeps its previous picture and says why in the
  // window's message line instead of failing the others.
  const auto guarded = [this](const QString& view, auto&& update) {
    try {
      update();
    } catch (const std::exception& e) {
      window_->showError(tr("%1: %2").arg(view, QString::fromStdString(e.what())));
    }
  };
  const int layer = attentionLayer_->value();
  const int head = attentionHead_->currentData().isValid() ? attentionHead_->currentData().toInt() : -1;
  guarded(tr("Attention map"), [&] { attention_->setData(AttentionMapData::fromTrace(*trace_, layer, head)); });
  emit headShown(layer, head);
  guarded(tr("Sink map"), [&] { sinkMap_->setData(SinkMapData::fromTrace(*trace_)); });
  guarded(tr("Massive activations"), [&] {
    MassiveActivationData data = MassiveActivationData::fromTrace(*trace_, massiveLayer_->value());
    massive_->setData(data);
    bars_->setData(std::move(data));
  });
  guarded(tr("Top-k"), [&] { topK_->setData(TopKData::fromTrace(*trace_)); });
  guarded(tr("Cosine with BOS"), [&] { bosCosine_->setData(BosCosineData::fromTrace(*trace_)); });
}

}  // namespace sinkscope::ui
