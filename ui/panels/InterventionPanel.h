#pragma once

#include <QWidget>

#include "core/analysis/TranscriptDiff.h"
#include "core/base/InterventionSpec.h"
#include "core/base/Trace.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace sinkscope::ui {

class InferenceController;

// Interventions on the current input (DESIGN §2): set the fixed massive dims to zero
// or to their mean at the sink tokens, and/or remove the attention paid to chosen
// sink tokens, over a range of layers. "Run" runs the last prompt or clip again with
// that spec through the controller, so every view shows the intervened trace; this
// panel shows the transcript diff against the unmodified run (words added, removed,
// changed). An unmodified run becomes the new baseline and fills in its sinks and
// fixed dims as defaults.
class InterventionPanel : public QWidget {
  Q_OBJECT

 public:
  explicit InterventionPanel(InferenceController* controller, QWidget* parent = nullptr);

  // The spec the controls describe; throws ConfigError naming the field at fault.
  InterventionSpec spec() const;
  TracePtr baseline() const { return baseline_; }
  TracePtr intervened() const { return intervened_; }
  const TranscriptDiff& diff() const { return diff_; }
  QString diffSummary() const;

  // The controls, for scripted use and tests.
  QCheckBox* dimsEnabled() const { return dimsEnabled_; }
  QComboBox* dimsMode() const { return dimsMode_; }
  QLineEdit* dims() const { return dims_; }
  QLineEdit* positions() const { return positions_; }
  QCheckBox* attentionEnabled() const { return attentionEnabled_; }
  QLineEdit* keys() const { return keys_; }
  QSpinBox* firstLayer() const { return firstLayer_; }
  QSpinBox* lastLayer() const { return lastLayer_; }
  QPushButton* runButton() const { return run_; }

 public slots:
  void run();
  void runUnmodified();

 signals:
  void failed(const QString& message);

 private:
  void onTrace(sinkscope::TracePtr trace);
  void fillDefaults();
  void renderDiff();

  InferenceController* controller_;
  TracePtr baseline_;
  TracePtr intervened_;
  TranscriptDiff diff_;
  QCheckBox* dimsEnabled_;
  QComboBox* dimsMode_;
  QLineEdit* dims_;
  QLineEdit* positions_;
  QCheckBox* attentionEnabled_;
  QLineEdit* keys_;
  QSpinBox* firstLayer_;
  QSpinBox* lastLayer_;
  QPushButton* run_;
  QPushButton* reset_;
  QLabel* summary_;
  QLabel* dimsNote_;
  QTextBrowser* diffView_;
};

}  // namespace sinkscope::ui
