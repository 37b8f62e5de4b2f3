#pragma once

#include <cstddef>

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include "ui/controllers/LiveResult.h"

class QDockWidget;

namespace sinkscope::ui {

class AudioActivityView;
class InferenceController;
class LiveController;
class LiveSourceBar;
class LiveVideoView;
class MainWindow;
class PlotWidget;

// Live mode in the main window: the source tool bar and Live menu, the
// LiveController, and two docks (the video with the mouth pipeline, the microphone's
// waveform and log-mel with voice activity), hidden until live mode first starts so
// that clip and text work keep the room (the View menu shows them any time). Each finished utterance's trace goes to
// the window like a clip's, so every analysis view follows the live speech.
class LivePanels : public QObject {
  Q_OBJECT

 public:
  LivePanels(MainWindow* window, InferenceController* inference);

  LiveController* controller() const { return live_; }
  LiveSourceBar* sourceBar() const { return bar_; }
  LiveVideoView* videoView() const { return video_; }
  AudioActivityView* audioView() const { return audio_; }
  QList<PlotWidget*> plots() const;
  // Writes every live view as PNG, PDF and SVG into `directory`; returns the files.
  // Errors reach the window's message line.
  QStringList exportViews(const QString& directory, int widthPx = 1200, int heightPx = 800);

 public slots:
  // Starts with what the source bar shows, in the window's modality.
  bool start();
  // Chooses the clip as the camera and starts.
  bool startClipAsCamera(const QString& path);
  void stop();

 signals:
  // After the window and the live views show a new result.
  void resultShown(sinkscope::ui::LiveResultPtr result);

 private:
  void show(const LiveResultPtr& result);
  // Plays the analysed utterance's frames at 25 fps, over and over.
  void advanceFrame();

  MainWindow* window_;
  LiveController* live_;
  LiveSourceBar* bar_;
  LiveVideoView* video_;
  AudioActivityView* audio_;
  QList<QDockWidget*> docks_;  // hidden until live mode first starts
  LiveResultPtr result_;
  QElapsedTimer playback_;
  std::size_t frame_ = 0;
};

}  // namespace sinkscope::ui
