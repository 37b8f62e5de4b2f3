#pragma once

#include <QMainWindow>
#include <QStringList>

#include "core/base/Modality.h"
#include "core/base/Trace.h"

class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QSpinBox;
class QMenu;

namespace sinkscope::ui {

class InferenceController;
class TokenSelection;
class TokenStrip;
class TranscriptView;

// The sinkscope window: sources and model in the tool bar, the token strip and the
// transcript in the centre, analysis views in docks around them. Everything it shows
// comes from the latest finished Trace; work runs in the InferenceController.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(InferenceController* controller, QWidget* parent = nullptr);

  TokenSelection* selection() const { return selection_; }
  TokenStrip* tokenStrip() const { return tokenStrip_; }
  TranscriptView* transcriptView() const { return transcript_; }
  TracePtr trace() const { return trace_; }
  // The message a user sees after a failure (empty when none is shown).
  QString errorMessage() const;
  // Adds a view as a dock (object name = title, for saved layouts), with the note
  // that teaching mode shows above it.
  QDockWidget* addView(QWidget* view, const QString& title, Qt::DockWidgetArea area, const QString& note = {});
  bool teachingMode() const { return teaching_; }
  void setTeachingMode(bool on);
  void setDarkTheme(bool dark);
  // Gives the docks most of the window: the plots are what the window is for.
  void balanceDocks();
  // Restores the dock and tool bar layout saved at the last close (call once every
  // view is added); false when none was saved.
  bool restoreLayout();
  Modality modality() const { return chosenModality(); }
  // The modality chosen in the tool bar (AVSR before a model is loaded).
  Modality chosenModality() const;

 public slots:
  void openClip(const QString& path);
  void openModel(const QString& directory);
  void runPrompt();
  // Sessions: the trace with the clip path and view settings, replayed without the
  // model. Errors reach showError.
  bool saveSession(const QString& path);
  bool openSession(const QString& path);
  void showTrace(sinkscope::TracePtr trace);
  void showError(const QString& message);

 signals:
  void traceShown(sinkscope::TracePtr trace);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildActions();
  void rememberClip(const QString& path);
  void rebuildRecentMenu();
  void onModelLoaded(const QString& name);

  QString currentClip_;
  QList<QLabel*> notes_;
  bool teaching_ = false;
  InferenceController* controller_;
  TokenSelection* selection_;
  TokenStrip* tokenStrip_;
  TranscriptView* transcript_;
  QLabel* banner_;
  QLabel* modelLabel_;
  QLabel* busyLabel_;
  QComboBox* modality_;
  QLineEdit* prompt_;
  QSpinBox* layer_;
  QMenu* recentMenu_;
  QMenu* viewMenu_;
  TracePtr trace_;
};

}  // namespace sinkscope::ui
