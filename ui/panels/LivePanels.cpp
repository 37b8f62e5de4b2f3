#include "ui/panels/LivePanels.h"

#include <exception>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>

#include "core/base/Error.h"
#include "core/capture/CaptureDevices.h"
#include "ui/controllers/InferenceController.h"
#include "ui/controllers/LiveController.h"
#include "ui/main/MainWindow.h"
#include "ui/main/TeachingNotes.h"
#include "ui/plots/FigureExporter.h"
#include "ui/views/AudioActivityView.h"
#include "ui/views/LiveSourceBar.h"
#include "ui/views/LiveVideoView.h"

namespace sinkscope::ui {

namespace {
constexpr qint64 kFrameMs = 40;  // 25 fps, the mouth pipeline's rate
}

LivePanels::LivePanels(MainWindow* window, InferenceController* inference)
    : QObject(window),
      window_(window),
      live_(new LiveController(inference, this)),
      bar_(new LiveSourceBar(window)),
      video_(new LiveVideoView),
      audio_(new AudioActivityView) {
  window_->addToolBarBreak();
  window_->addToolBar(bar_);
  QMenu* menu = window_->menuBar()->addMenu(tr("&Live"));
  menu->addAction(bar_->startAction());
  menu->addAction(bar_->stopAction());
  menu->addAction(bar_->clipAction());
  menu->addSeparator();
  menu->addAction(tr("&Export live views\u2026"), this, [this] {
    const QString directory = QFileDialog::getExistingDirectory(window_, tr("Export the live views into"));
    if (!directory.isEmpty()) exportViews(directory);
  });

  using Note = TeachingNotes::View;
  docks_ << window_->addView(video_, tr("Live video"), Qt::LeftDockWidgetArea, TeachingNotes::text(Note::LiveVideo));
  docks_ << window_->addView(audio_, tr("Microphone"), Qt::LeftDockWidgetArea, TeachingNotes::text(Note::Microphone));
  for (QDockWidget* dock : docks_) dock->hide();

  connect(bar_->startAction(), &QAction::triggered, this, &LivePanels::start);
  connect(bar_->stopAction(), &QAction::triggered, this, &LivePanels::stop);
  connect(bar_->clipAction(), &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        window_, tr("Play a clip as the camera"), QString(),
        tr("Video (*.mp4 *.mpg *.mpeg *.mov *.mkv *.avi *.webm);;All files (*)"));
    if (!path.isEmpty()) startClipAsCamera(path);
  });
  connect(live_, &LiveController::runningChanged, bar_, &LiveSourceBar::setRunning);
  connect(live_, &LiveController::runningChanged, this, [this](bool running) {
    if (!running || docks_.isEmpty() || docks_.first()->isVisible()) return;
    for (QDockWidget* dock : docks_) dock->show();
    window_->balanceDocks();
  });
  connect(live_, &LiveController::failed, window_, &MainWindow::showError);
  connect(live_, &LiveController::resultReady, this, &LivePanels::show);
  connect(live_, &LiveController::ticked, this, &LivePanels::advanceFrame);
  connect(bar_->devices(), &CaptureDevices::camerasChanged, live_, &LiveController::checkDevices);
  connect(bar_->devices(), &CaptureDevices::microphonesChanged, live_, &LiveController::checkDevices);
}

QList<PlotWidget*> LivePanels::plots() const { return {video_, audio_}; }

bool LivePanels::start() {
  const Modality modality = window_->chosenModality();
  if (bar_->clipChosen()) return live_->startClipAsCamera(bar_->clipPath(), bar_->microphoneId(), modality);
  return live_->startCamera(bar_->cameraId(), bar_->microphoneId(), modality);
}

bool LivePanels::startClipAsCamera(const QString& path) {
  bar_->chooseClip(path);
  return start();
}

void LivePanels::stop() { live_->stop(); }

void LivePanels::show(const LiveResultPtr& result) {
  result_ = result;
  if (result->trace) window_->showTrace(result->trace);
  audio_->setData(AudioActivityData::fromResult(*result));
  frame_ = 0;
  playback_.start();
  video_->setData(LiveVideoData::fromResult(*result, frame_));
  emit resultShown(result);
}

void LivePanels::advanceFrame() {
  if (!result_ || !playback_.isValid()) return;
  const std::size_t frames = std::max(result_->media.frames.size(), result_->pictures.size());
  if (frames < 2) return;
  const std::size_t frame = static_cast<std::size_t>(playback_.elapsed() / kFrameMs) % frames;
  if (frame == frame_) return;
  frame_ = frame;
  video_->setData(LiveVideoData::fromResult(*result_, frame_));
}

QStringList LivePanels::exportViews(const QString& directory, int widthPx, int heightPx) {
  QStringList files;
  try {
    if (!QDir().mkpath(directory)) throw Error("cannot create the folder '" + directory.toStdString() + "'");
    files << FigureExporter::saveAll(*video_, QDir(directory).filePath(QStringLiteral("live_video")), widthPx, heightPx);
    files << FigureExporter::saveAll(*audio_, QDir(directory).filePath(QStringLiteral("microphone")), widthPx, heightPx);
  } catch (const std::exception& e) {
    window_->showError(QString::fromStdString(e.what()));
  }
  return files;
}

}  // namespace sinkscope::ui
