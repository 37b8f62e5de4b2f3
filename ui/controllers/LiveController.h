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
#include "core/engine/InferenceEngine.h"
#include "ui/controllers/LiveResult.h"

Q_DECLARE_METATYPE(sinkscope::ui::LiveResultPtr)

namespace sinkscope {
class AudioSource;
class AudioTap;
class CaptureSession;
class FaceLandmarker;
class FrameSource;
class RunControl;
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
  // Live decoding is greedy by default: the answer has to keep up with speech, and a
  // 15-beam search costs several times as long (docs/live.md has the figures). Clips
  // keep the model's own beam search.
  static constexpr int kDefaultLiveBeams = 1;
  // Speculative end-pointing: inference starts on a provisional utterance this long
  // into a pause (past the detector's own 90 ms), while the segmenter's 300 ms
  // hang-over decides whether the speech really ended. Confirmed, its result is the
  // final one and is shown as soon as it is ready; when speech resumes, the run is
  // cancelled and the longer utterance replaces it.
  static constexpr int kProvisionalAfterMs = 0;

  // The engine comes from `inference` (the loaded model) at every utterance.
  explicit LiveController(InferenceController* inference, QObject* parent = nullptr);
  ~LiveController() override;

  bool running() const { return session_ != nullptr; }
  const CaptureClock& clock() const { return clock_; }
  // The newest frame the capture saw (for a preview), if any.
  std::optional<CapturedFrame> latestFrame() const;
  std::int64_t droppedFrames() const;
  // Beams for live decoding (0: the model's default); takes effect at the next start.
  void setNumBeams(int beams) { numBeams_ = beams; }
  int numBeams() const { return numBeams_; }
  LiveResultPtr latestShown() const { return shown_; }

  // Starts from these sources (the tests' way in, and what the others end in). The
  // video source may be null for ASR; for VSR/AVSR its frames go through a face
  // tracking stage as they arrive. Returns false after emitting `failed`.
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
  // `control` (null for a final utterance) lets a newer provisional one cancel the run.
  LiveResultPtr analyse(Pending&& pending, const std::shared_ptr<InferenceEngine>& engine,
                        std::shared_ptr<RunControl> control);
  std::unique_ptr<AudioSource> openMicrophone(const QString& microphoneId);  // throws Error
  void refresh();
  bool fail(const QString& message);
  bool haveModel();  // emits `failed` when no model is loaded

  InferenceController* inference_;
  CaptureClock clock_;
  QTimer timer_;
  Modality modality_ = Modality::Avsr;
  int numBeams_ = kDefaultLiveBeams;
  RunOptions runOptions_;  // fixed at start, read by the inference thread
  QString cameraId_;       // what startCamera opened ("" = default), for hot-plug
  QString microphoneId_;
  bool usesCamera_ = false;
  bool usesMicrophone_ = false;

  std::shared_ptr<FaceLandmarker> landmarker_;  // loaded once, at the first start with video
  std::unique_ptr<AudioTap> audio_;
  std::unique_ptr<FrameSource> video_;  // a FaceTrackingFrameSource around the camera
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
  std::optional<UtteranceKey> provisional_;      // the newest provisional utterance
  std::shared_ptr<RunControl> runningControl_;  // the run in progress when it is provisional
  LiveResultPtr finished_;
  std::thread worker_;

  LiveResultPtr shown_;  // GUI thread only
};

}  // namespace sinkscope::ui
