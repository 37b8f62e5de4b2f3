#pragma once

#include <QWidget>

#include "core/base/Trace.h"

class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace sinkscope::ui {

class AttentionRowPlot;
class TokenSelection;

// The decoding-step scrubber (issue 6): a slider over the generated tokens. Moving it
// selects that token everywhere (the attention map outlines its row, the transcript
// marks its word) and draws its attention row, with the token's probability. Picking
// a generated token anywhere else (a transcript word, a chip) moves the slider.
class StepScrubberPanel : public QWidget {
  Q_OBJECT

 public:
  StepScrubberPanel(TokenSelection* selection, QWidget* parent = nullptr);

  QSlider* slider() const { return slider_; }
  AttentionRowPlot* rowPlot() const { return row_; }
  QString stepText() const;
  // Generated step i -> its sequence position, and back (-1 outside the response).
  int positionOfStep(int step) const;
  int stepOfPosition(int position) const;

 public slots:
  void setTrace(sinkscope::TracePtr trace);
  void setStep(int step);
  void setLayer(int layer);
  void setHead(int head);  // -1: mean over heads

 private:
  void onSelection(int position);
  void draw();

  TokenSelection* selection_;
  TracePtr trace_;
  QSlider* slider_;
  QLabel* stepLabel_;
  QSpinBox* layer_;
  QComboBox* head_;
  AttentionRowPlot* row_;
};

}  // namespace sinkscope::ui
