#include "ui/panels/StepScrubberPanel.h"

#include <cmath>
#include <exception>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/main/TokenSelection.h"
#include "ui/plots/AttentionRowPlot.h"

namespace sinkscope::ui {

StepScrubberPanel::StepScrubberPanel(TokenSelection* selection, QWidget* parent)
    : QWidget(parent), selection_(selection) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(4, 2, 4, 2);
  column->setSpacing(2);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("step"), this));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, 0);
  slider_->setEnabled(false);
  slider_->setToolTip(tr("Drag through the generated tokens (arrow keys step one at a time)"));
  row->addWidget(slider_, 1);
  stepLabel_ = new QLabel(tr("no generated tokens"), this);
  stepLabel_->setMinimumWidth(220);
  row->addWidget(stepLabel_);
  row->addWidget(new QLabel(tr("layer"), this));
  layer_ = new QSpinBox(this);
  row->addWidget(layer_);
  head_ = new QComboBox(this);
  row->addWidget(head_);
  column->addLayout(row);
  row_ = new AttentionRowPlot(this);
  column->addWidget(row_, 1);

  connect(slider_, &QSlider::valueChanged, this, [this](int step) {
    draw();
    selection_->select(positionOfStep(step));
  });
  connect(layer_, qOverload<int>(&QSpinBox::valueChanged), this, &StepScrubberPanel::draw);
  connect(head_, qOverload<int>(&QComboBox::currentIndexChanged), this, &StepScrubberPanel::draw);
  connect(selection_, &TokenSelection::changed, this, &StepScrubberPanel::onSelection);
  connect(row_, &PlotWidget::tokenSelected, selection_, &TokenSelection::select);
}

int StepScrubberPanel::positionOfStep(int step) const {
  if (!trace_ || step < 0 || step >= static_cast<int>(trace_->steps.size())) return -1;
  return trace_->numTokens() - static_cast<int>(trace_->steps.size()) + step;
}

int StepScrubberPanel::stepOfPosition(int position) const {
  if (!trace_) return -1;
  const int step = position - (trace_->numTokens() - static_cast<int>(trace_->steps.size()));
  return step >= 0 && step < static_cast<int>(trace_->steps.size()) ? step : -1;
}

QString StepScrubberPanel::stepText() const { return stepLabel_->text(); }

void StepScrubberPanel::setTrace(sinkscope::TracePtr trace) {
  trace_ = std::move(trace);
  const int steps = static_cast<int>(trace_->steps.size());
  {
    const QSignalBlocker blockSlider(slider_);
    const QSignalBlocker blockLayer(layer_);
    const QSignalBlocker blockHead(head_);
    slider_->setRange(0, std::max(0, steps - 1));
    slider_->setValue(0);
    slider_->setEnabled(steps > 0);
    layer_->setRange(0, std::max(0, trace_->numLayers - 1));
    if (layer_->value() == 0) layer_->setValue(std::max(0, trace_->numLayers - 1));
    const QVariant chosen = head_->currentData();
    head_->clear();
    head_->addItem(tr("mean of heads"), -1);
    for (int h = 0; h < trace_->numHeads; ++h) head_->addItem(tr("head %1").arg(h), h);
    head_->setCurrentIndex(std::max(0, head_->findData(chosen.isValid() ? chosen : QVariant(-1))));
  }
  draw();
}

void StepScrubberPanel::setStep(int step) { slider_->setValue(step); }

void StepScrubberPanel::setLayer(int layer) { layer_->setValue(layer); }

void StepScrubberPanel::setHead(int head) { head_->setCurrentIndex(std::max(0, head_->findData(head))); }

void StepScrubberPanel::onSelection(int position) {
  const int step = stepOfPosition(position);
  if (step < 0 || step == slider_->value()) {
    row_->setSelectedToken(position);
    return;
  }
  const QSignalBlocker block(slider_);
  slider_->setValue(step);
  draw();
}

void StepScrubberPanel::draw() {
  const int step = slider_->value();
  const int position = positionOfStep(step);
  if (position < 0) {
    stepLabel_->setText(tr("no generated tokens"));
    return;
  }
  const TraceStep& generated = trace_->steps[static_cast<std::size_t>(step)];
  stepLabel_->setText(tr("%1 of %2: \u201c%3\u201d  p = %4")
                          .arg(step + 1)
                          .arg(trace_->steps.size())
                          .arg(QString::fromStdString(generated.text))
                          .arg(std::exp(static_cast<double>(generated.logProb)), 0, 'f', 3));
  try {
    row_->setData(AttentionRowData::fromTrace(*trace_, layer_->value(), head_->currentData().toInt(), position));
  } catch (const std::exception& e) {
    stepLabel_->setText(stepLabel_->text() + tr(" (no attention row: %1)").arg(QString::fromStdString(e.what())));
  }
}

}  // namespace sinkscope::ui
