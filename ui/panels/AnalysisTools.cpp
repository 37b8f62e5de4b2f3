#include "ui/panels/AnalysisTools.h"

#include <QDockWidget>
#include <QMenuBar>

#include "ui/controllers/InferenceController.h"
#include "ui/main/CompareWindow.h"
#include "ui/main/MainWindow.h"
#include "ui/main/TeachingNotes.h"
#include "ui/main/TokenSelection.h"
#include "ui/panels/AnalysisPanels.h"
#include "ui/panels/InterventionPanel.h"
#include "ui/panels/StepScrubberPanel.h"
#include "ui/views/HeadGridView.h"
#include "ui/views/RunProgressWidget.h"

namespace sinkscope::ui {

AnalysisTools::AnalysisTools(MainWindow* window, InferenceController* controller, AnalysisPanels* panels)
    : QObject(window),
      window_(window),
      controller_(controller),
      headGrid_(new HeadGridView),
      scrubber_(new StepScrubberPanel(window->selection())),
      interventions_(new InterventionPanel(controller)) {
  using Note = TeachingNotes::View;
  // Tabbed with the views they extend, so the window keeps its proportions.
  const auto tabWith = [window](const QString& existing, QDockWidget* dock) {
    if (auto* other = window->findChild<QDockWidget*>(existing)) {
      window->tabifyDockWidget(other, dock);
      other->raise();
    }
  };
  tabWith(tr("Attention map"), window->addView(headGrid_, tr("Heads"), Qt::RightDockWidgetArea,
                                               TeachingNotes::text(Note::HeadGrid)));
  tabWith(tr("Sink map"), window->addView(scrubber_, tr("Decoding steps"), Qt::BottomDockWidgetArea,
                                          TeachingNotes::text(Note::DecodingSteps)));
  tabWith(tr("Top-k vs median"), window->addView(interventions_, tr("Interventions"), Qt::BottomDockWidgetArea,
                                                 TeachingNotes::text(Note::Interventions)));
  progress_ = RunProgressWidget::install(window, controller);

  connect(window, &MainWindow::traceShown, headGrid_, &HeadGridView::setTrace);
  connect(window, &MainWindow::traceShown, scrubber_, &StepScrubberPanel::setTrace);
  connect(headGrid_, &HeadGridView::headChosen, panels, &AnalysisPanels::showHead);
  connect(panels, &AnalysisPanels::headShown, headGrid_, &HeadGridView::setCurrent);
  connect(interventions_, &InterventionPanel::failed, window, &MainWindow::showError);

  QMenu* tools = window->menuBar()->addMenu(tr("&Tools"));
  tools->addAction(tr("&Compare models\u2026"), this, [this] { openCompare(); })->setShortcut(QKeySequence(tr("Ctrl+K")));
}

CompareWindow* AnalysisTools::compareWindow() {
  if (!compare_) {
    compare_ = new CompareWindow(window_);
    compare_->setWindowFlag(Qt::Window);
    compare_->setAttribute(Qt::WA_DeleteOnClose, false);
  }
  return compare_;
}

void AnalysisTools::openCompare(const QString& left, const QString& right) {
  CompareWindow* compare = compareWindow();
  QString leftDir = left;
  if (leftDir.isEmpty() && controller_->summary() != nullptr && !compare->controller(0)->hasModel()) {
    leftDir = QString::fromStdString(controller_->summary()->directory);
  }
  if (!leftDir.isEmpty()) compare->loadModel(0, leftDir);
  if (!right.isEmpty()) compare->loadModel(1, right);
  compare->setTeachingMode(window_->teachingMode());
  compare->show();
  compare->raise();
}

}  // namespace sinkscope::ui
