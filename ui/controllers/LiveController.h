#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <QObject>
#include <QString>
#include <QTimer>

#include "core/base/Modality.h"
#include "core/capture/CaptureClock.h"
#include "core/capture/UtteranceSegmenter.h"
#include "ui/controllers/LiveResult.h"

Q_DECLARE_METATYPE(sinkscope::ui::LiveResultPtr)

namespace sinkscope {
class AudioSource;
class AudioTap;
class CaptureSession;
class FrameSource;
class InferenceEngine;
}  // namespace sinkscope

namespace sinkscope::ui {

class InferenceController;

// Live mode (DESIGN §4): a CaptureSession fed by a microphone and a camera (or a clip
// played as one) cuts speech into utterances on its own threads; each utterance goes
// through the mouth pipeline and the engine on this controller's inference thread.
// When inference is busy, a newer utterance replaces one still waiting (latest
// wins). The GUI side polls the latest finished result from a timer and hands it out
// as resultReady, so views never update per sample and nothing touches a widget off
// the GUI thread. Every failure becomes a one-line `failed` message; a source that
// stops (a device unplugged mid-capture) stops live mode.
class LiveController : public QObject {
  Q_OBJECT

 public:
  static constexpr int kRefreshIntervalMs = 33;
  static constexpr int kContextBeforeMs = 1000;  // audio shown before an utterance
  static constexpr int kContextAfterMs = 300;

  // The engine comes from `inference` (the loaded model) at every utterance.
  explicit LiveController(InferenceController* inference, QObject* parent = nullptr);
  ~LiveController() override;

  bool running() const { return session_ != nullptr; }
  const CaptureClock& clock() const { return clock_; }
  // The newest frame the capture saw (for a preview), if any.
  std::optional<CapturedFrame> latestFrame() const;
  std::int64_t droppedFrames() const;
  LiveResultPtr latestShown() const { return shown_; }

  // Starts from these sources (the tests' way in, and what the others end in). The
  // video source may be null for ASR. Returns false after emitting `failed`.
  bool start(std::unique_ptr<AudioSource> audio, std::unique_ptr<FrameSource> video, Modality modality);
  // A camera and a microphone by CaptureDeviceInfo id (empty: the system default).
  bool startCamera(const QString& cameraId, const QString& microphoneId, Modality modality);
  // A clip played in a loop at real-time pace in the camera's place.
  bool startClipAsCamera(const QString& path, const QString& microphoneId, Modality modality);

 public slots:
  void stop();
  // Hot-plug: stops live mode with a message when its camera or microphone is gone.
  void checkDevices();

 signals:
  void runningChanged(bool running);
  void resultReady(sinkscope::ui::LiveResultPtr result);
  void failed(const QString& message);
  // Every refresh tick while running (views that animate, e.g. the frame player).
  void ticked();

 private:
  struct Pending {
    Utterance utterance;
    std::int64_t closedUs = 0;
    std::int64_t sequence = 0;
  };
  void onUtterance(Utterance&& utterance);
  void onCaptureError(const QString& message);
  void work();
  LiveResultPtr analyse(Pending&& pending, const std::shared_ptr<InferenceEngine>& engine);
  void refresh();
  bool fail(const QString& message);
  bool haveModel();  // emits `failed` when no model is loaded

  InferenceController* inference_;
  CaptureClock clock_;
  QTimer timer_;
  Modality modality_ = Modality::Avsr;
  QString cameraId_;       // what startCamera opened ("" = default), for hot-plug
  QString microphoneId_;
  bool usesCamera_ = false;
  bool usesMicrophone_ = false;

  std::unique_ptr<AudioTap> audio_;
  std::unique_ptr<FrameSource> video_;
  std::unique_ptr<CaptureSession> session_;

  // Shared between the capture thread, the inference thread and the GUI thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Pending> pending_;
  bool stopping_ = false;
  std::int64_t cut_ = 0;
  std::int64_t skipped_ = 0;
  std::deque<std::pair<std::int64_t, std::int64_t>> spans_;  // recent utterances' samples
  std::shared_ptr<InferenceEngine> engine_;
  LiveResultPtr finished_;
  std::thread worker_;

  LiveResultPtr shown_;  // GUI thread only
};

}  // namespace sinkscope::ui
