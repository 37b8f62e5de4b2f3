#pragma once

#include <QWidget>

class QMainWindow;
class QProgressBar;
class QPushButton;

namespace sinkscope::ui {

class InferenceController;

// A progress bar over the decoding steps of the running prompt or clip and a Cancel
// button, shown while the controller is busy. A cancelled run leaves the window as it
// was and says so in the status bar.
class RunProgressWidget : public QWidget {
  Q_OBJECT

 public:
  explicit RunProgressWidget(InferenceController* controller, QWidget* parent = nullptr);

  // Puts a RunProgressWidget into the window's status bar and shows the controller's
  // cancellation notices there.
  static RunProgressWidget* install(QMainWindow* window, InferenceController* controller);

  QProgressBar* bar() const { return bar_; }
  QPushButton* cancelButton() const { return cancel_; }

 private:
  InferenceController* controller_;
  QProgressBar* bar_;
  QPushButton* cancel_;
};

}  // namespace sinkscope::ui
