#include "ui/views/RunProgressWidget.h"

#include <QHBoxLayout>
#include <QMainWindow>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

#include "ui/controllers/InferenceController.h"

namespace sinkscope::ui {

namespace {
constexpr int kNoticeMs = 10000;
}  // namespace

RunProgressWidget::RunProgressWidget(InferenceController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller), bar_(new QProgressBar(this)), cancel_(new QPushButton(tr("Cancel"), this)) {
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  bar_->setMinimumWidth(160);
  bar_->setMaximumHeight(16);
  bar_->setFormat(tr("step %v of %m"));
  cancel_->setToolTip(tr("Stop the run at its next decoding step (Esc)"));
  cancel_->setShortcut(QKeySequence(Qt::Key_Escape));
  row->addWidget(bar_);
  row->addWidget(cancel_);
  hide();

  connect(cancel_, &QPushButton::clicked, controller_, &InferenceController::cancel);
  connect(controller_, &InferenceController::busyChanged, this, [this](bool busy) {
    // Loading a model has no steps: a busy indicator until the first step arrives.
    if (busy) bar_->setRange(0, 0);
    setVisible(busy);
  });
  connect(controller_, &InferenceController::stepProgress, this, [this](int done, int total) {
    bar_->setRange(0, total);
    bar_->setValue(done);
  });
}

RunProgressWidget* RunProgressWidget::install(QMainWindow* window, InferenceController* controller) {
  auto* widget = new RunProgressWidget(controller, window);
  window->statusBar()->addPermanentWidget(widget);
  connect(controller, &InferenceController::cancelled, window,
          [window](const QString& message) { window->statusBar()->showMessage(message, kNoticeMs); });
  return widget;
}

}  // namespace sinkscope::ui
