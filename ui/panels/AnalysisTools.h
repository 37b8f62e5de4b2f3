#pragma once

#include <QObject>
#include <QPointer>

namespace sinkscope::ui {

class AnalysisPanels;
class CompareWindow;
class HeadGridView;
class InferenceController;
class InterventionPanel;
class MainWindow;
class RunProgressWidget;
class StepScrubberPanel;

// The analysis tools around the main views, wired into the window with one line:
// the layers x heads grid (click -> the attention map shows that head), the
// decoding-step scrubber, the interventions panel, progress and Cancel in the status
// bar, and Tools › Compare models (a CompareWindow whose left side starts on the
// window's current model).
class AnalysisTools : public QObject {
  Q_OBJECT

 public:
  AnalysisTools(MainWindow* window, InferenceController* controller, AnalysisPanels* panels);

  HeadGridView* headGrid() const { return headGrid_; }
  StepScrubberPanel* scrubber() const { return scrubber_; }
  InterventionPanel* interventions() const { return interventions_; }
  RunProgressWidget* progress() const { return progress_; }
  // The compare window, created on first use.
  CompareWindow* compareWindow();

 public slots:
  // Shows the compare window with `left` and `right` loading (empty: left = the
  // window's model, right untouched).
  void openCompare(const QString& left = {}, const QString& right = {});

 private:
  MainWindow* window_;
  InferenceController* controller_;
  HeadGridView* headGrid_;
  StepScrubberPanel* scrubber_;
  InterventionPanel* interventions_;
  RunProgressWidget* progress_;
  QPointer<CompareWindow> compare_;
};

}  // namespace sinkscope::ui
