#pragma once

#include <array>
#include <utility>

#include <QMainWindow>

#include "core/base/Modality.h"
#include "core/base/Trace.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sinkscope::ui {

class AttentionMapPlot;
class BosCosinePlot;
class InferenceController;
class MassiveActivationPlot;
class PlotWidget;
class TokenSelection;
class TranscriptView;

// Compare mode (issue 6): two models, e.g. a baseline and its decorrelated
// fine-tune, on the same input side by side. Each side has its own controller and
// engine, so both run at once; their traces are paired by the input they were given,
// and the pair is drawn on SHARED scales (the attention colour range, the massive
// activation colour and spike ranges and the BOS-cosine axis span both traces) with
// one token selection for both sides.
class CompareWindow : public QMainWindow {
  Q_OBJECT

 public:
  static constexpr int kSides = 2;

  explicit CompareWindow(QWidget* parent = nullptr);
  ~CompareWindow() override;

  InferenceController* controller(int side) const { return sides_[side].controller; }
  TracePtr trace(int side) const { return sides_[side].shown; }
  QString pairedInput() const { return pairedInput_; }
  TokenSelection* selection() const { return selection_; }
  AttentionMapPlot* attentionMap(int side) const { return sides_[side].attention; }
  MassiveActivationPlot* massive(int side) const { return sides_[side].massive; }
  BosCosinePlot* bosCosine(int side) const { return sides_[side].cosine; }
  TranscriptView* transcript(int side) const { return sides_[side].transcript; }
  QList<PlotWidget*> plots() const;
  QString errorMessage() const;

 public slots:
  void loadModel(int side, const QString& directory);
  void runText(const QString& prompt, int maxNewTokens = 24);
  void runClip(const QString& path, sinkscope::Modality modality);
  void setLayer(int layer);
  void setHead(int head);  // -1: mean over heads
  // Shows what to look for above the two sides.
  void setTeachingMode(bool on);

 signals:
  // Both sides finished the same input and are drawn.
  void pairShown();

 private:
  struct Side {
    InferenceController* controller = nullptr;
    QLabel* title = nullptr;
    TranscriptView* transcript = nullptr;
    AttentionMapPlot* attention = nullptr;
    MassiveActivationPlot* massive = nullptr;
    BosCosinePlot* cosine = nullptr;
    int request = -1;   // the input this side's next trace belongs to
    TracePtr result;    // latest trace and its input
    int resultRequest = -1;
    TracePtr shown;     // the side of the pair on screen
  };
  QWidget* buildSide(int side);
  void buildToolBar();
  bool startRequest(const QString& input);
  void onTrace(int side, sinkscope::TracePtr trace);
  void updateModalities();
  void redraw();
  void showError(const QString& message);

  std::array<Side, kSides> sides_;
  TokenSelection* selection_;
  int request_ = 0;
  QString requestInput_;
  QString pairedInput_;
  QLabel* banner_;
  QLabel* inputLabel_;
  QLabel* note_;
  QComboBox* modality_;
  QLineEdit* prompt_;
  QSpinBox* layer_;
  QComboBox* head_;
  QSpinBox* massiveLayer_;
};

}  // namespace sinkscope::ui
