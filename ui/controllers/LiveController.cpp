#include "ui/controllers/LiveController.h"

#include <algorithm>
#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <exception>

#include "core/base/CancelledError.h"
#include "core/base/Error.h"
#include "core/base/RunControl.h"
#include "core/capture/AudioTap.h"
#include "core/capture/CameraFrameSource.h"
#include "core/capture/CaptureDevices.h"
#include "core/capture/CaptureSession.h"
#include "core/capture/ClipFrameSource.h"
#include "core/capture/FaceTrackingFrameSource.h"
#include "core/capture/MicrophoneSource.h"
#include "core/engine/ClipLoader.h"
#include "core/engine/InferenceEngine.h"
#include "core/engine/MelSpectrogram.h"
#include "core/media/FaceLandmarker.h"
#include "ui/controllers/InferenceController.h"

namespace sinkscope::ui {

namespace {

constexpr int kRate = AudioSource::kSampleRateHz;
constexpr int kHistorySec = 40;  // the tap's ring: more than an utterance's 30 s and its context
constexpr std::size_t kKeptSpans = 32;

bool listed(const std::vector<CaptureDeviceInfo>& devices, const QString& id) {
  if (id.isEmpty()) return !devices.empty();
  return std::any_of(devices.begin(), devices.end(),
                     [&](const CaptureDeviceInfo& d) { return d.id == id.toStdString(); });
}

}  // namespace

LiveController::LiveController(InferenceController* inference, QObject* parent)
    : QObject(parent), inference_(inference) {
  qRegisterMetaType<sinkscope::ui::LiveResultPtr>();
  timer_.setInterval(kRefreshIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &LiveController::refresh);
  connect(inference_, &InferenceController::modelLoaded, this, [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    engine_ = inference_->engine();
  });
}

LiveController::~LiveController() { stop(); }

std::optional<CapturedFrame> LiveController::latestFrame() const {
  return session_ ? session_->latestFrame() : std::nullopt;
}

std::int64_t LiveController::droppedFrames() const { return session_ ? session_->droppedFrames() : 0; }

bool LiveController::fail(const QString& message) {
  emit failed(message);
  return false;
}

bool LiveController::haveModel() {
  if (inference_->engine()) return true;
  return fail(tr("Live mode needs a model: open one first (File \u203a Open model)."));
}

std::unique_ptr<AudioSource> LiveController::openMicrophone(const QString& microphoneId) {
  if (microphoneId.isEmpty() && CaptureDevices::microphones().empty()) {
    throw Error(tr("No microphone found: live mode needs one to hear when speech starts and ends.").toStdString());
  }
  MicrophoneOptions options;
  options.deviceId = microphoneId.toStdString();
  return std::make_unique<MicrophoneSource>(clock_, options);
}

bool LiveController::startCamera(const QString& cameraId, const QString& microphoneId, Modality modality) {
  if (!haveModel()) return false;
  std::unique_ptr<FrameSource> video;
  std::unique_ptr<AudioSource> audio;
  try {
    if (usesVideo(modality)) {
      if (cameraId.isEmpty() && CaptureDevices::cameras().empty()) {
        return fail(tr("No camera found. Choose Live \u203a Clip as camera\u2026 to play a clip in its place, "
                       "or switch to ASR."));
      }
      CameraOptions options;
      options.deviceId = cameraId.toStdString();
      video = std::make_unique<CameraFrameSource>(clock_, options);
    }
    audio = openMicrophone(microphoneId);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  if (!start(std::move(audio), std::move(video), modality)) return false;
  cameraId_ = cameraId;
  microphoneId_ = microphoneId;
  usesCamera_ = usesVideo(modality);
  usesMicrophone_ = true;
  return true;
}

bool LiveController::startClipAsCamera(const QString& path, const QString& microphoneId, Modality modality) {
  if (!haveModel()) return false;
  std::unique_ptr<FrameSource> video;
  std::unique_ptr<AudioSource> audio;
  try {
    ClipFrameSourceOptions clipOptions;
    clipOptions.loop = true;
    video = std::make_unique<ClipFrameSource>(path.toStdString(), clock_, clipOptions);
    audio = openMicrophone(microphoneId);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  if (!start(std::move(audio), std::move(video), modality)) return false;
  microphoneId_ = microphoneId;
  usesMicrophone_ = true;
  return true;
}

bool LiveController::start(std::unique_ptr<AudioSource> audio, std::unique_ptr<FrameSource> video,
                           Modality modality) {
  stop();
  if (!haveModel()) return false;
  const std::shared_ptr<InferenceEngine> engine = inference_->engine();
  if (modality == Modality::Text) {
    return fail(tr("%1 is a text-only model; live mode needs an audio-visual one.")
                    .arg(QString::fromStdString(engine->summary().name)));
  }
  if (usesVideo(modality) && !video) return fail(tr("%1 reads video, but no camera is chosen.")
                                                     .arg(QString::fromStdString(modalityName(modality)).toUpper()));
  if (!audio) return fail(tr("No microphone is chosen."));

  if (usesVideo(modality)) {
    try {
      if (!landmarker_) landmarker_ = std::make_shared<FaceLandmarker>();
    } catch (const std::exception& e) {
      return fail(QString::fromStdString(e.what()));
    }
    video = std::make_unique<FaceTrackingFrameSource>(std::move(video), landmarker_);
  }
  modality_ = modality;
  runOptions_ = InferenceController::viewOptions();
  runOptions_.numBeams = numBeams_;
  audio_ = std::make_unique<AudioTap>(std::move(audio), static_cast<std::size_t>(kHistorySec) * kRate);
  video_ = std::move(video);
  CaptureSessionOptions sessionOptions;
  sessionOptions.segmenter.provisionalAfterMs = kProvisionalAfterMs;
  session_ = std::make_unique<CaptureSession>(*audio_, video_.get(), sessionOptions);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
    pending_.reset();
    finished_.reset();
    spans_.clear();
    provisional_.reset();
    runningControl_.reset();
    cut_ = 0;
    skipped_ = 0;
    engine_ = engine;
  }
  shown_.reset();
  worker_ = std::thread([this] { work(); });
  try {
    // Both callbacks run on capture threads: hand over and return.
    session_->start([this](Utterance&& u) { onUtterance(std::move(u)); },
                    [this](const std::string& message) {
                      QMetaObject::invokeMethod(this, [this, text = QString::fromStdString(message)] {
                        onCaptureError(text);
                      }, Qt::QueuedConnection);
                    });
  } catch (const std::exception& e) {
    const QString message = QString::fromStdString(e.what());
    stop();
    return fail(message);
  }
  timer_.start();
  emit runningChanged(true);
  return true;
}

void LiveController::stop() {
  if (!session_) return;
  timer_.stop();
  session_->stop();  // joins the capture threads: no utterance arrives after this
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  session_.reset();
  video_.reset();
  audio_.reset();
  cameraId_.clear();
  microphoneId_.clear();
  usesCamera_ = false;
  usesMicrophone_ = false;
  emit runningChanged(false);
}

void LiveController::checkDevices() {
  if (!session_) return;
  QString gone;
  if (usesCamera_ && !listed(CaptureDevices::cameras(), cameraId_)) gone = tr("the camera");
  else if (usesMicrophone_ && !listed(CaptureDevices::microphones(), microphoneId_)) gone = tr("the microphone");
  if (gone.isEmpty()) return;
  stop();
  emit failed(tr("Live capture stopped: %1 was disconnected.").arg(gone));
}

void LiveController::onCaptureError(const QString& message) {
  if (!session_) return;
  // A source that stopped (its device went away, its file broke) ends live mode;
  // anything else (the preprocessing fell behind once) is reported and capture goes on.
  const bool sourceStopped = !audio_->isActive() || (video_ && !video_->isActive());
  if (!sourceStopped) {
    emit failed(message);
    return;
  }
  stop();
  emit failed(tr("Live capture stopped: %1").arg(message));
}

void LiveController::onUtterance(Utterance&& utterance) {
  const std::int64_t closedUs = clock_.nowUs();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (utterance.provisional) {
      // Speech paused: start on it now; a provisional run still going is for an
      // earlier pause that speech went on after, so it is of no use any more.
      if (runningControl_) runningControl_->requestCancel();
      provisional_ = utterance.key();
    } else {
      spans_.emplace_back(utterance.firstSample, utterance.endSample);
      while (spans_.size() > kKeptSpans) spans_.pop_front();
      // The hang-over confirmed the provisional utterance: its run (waiting, going
      // or done) is the answer.
      if (provisional_ == utterance.key()) return;
    }
    if (pending_) ++skipped_;  // inference is busy: the newer utterance wins
    pending_ = Pending{std::move(utterance), closedUs, ++cut_};
  }
  wake_.notify_one();
}

void LiveController::work() {
  for (;;) {
    Pending next;
    std::shared_ptr<InferenceEngine> engine;
    std::shared_ptr<RunControl> control;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      next = std::move(*pending_);
      pending_.reset();
      engine = engine_;
      if (next.utterance.provisional) control = runningControl_ = std::make_shared<RunControl>();
    }
    try {
      LiveResultPtr result = analyse(std::move(next), engine, control);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = std::move(result);
      }
      // Shown at once rather than at the next tick: the result is what the user waits for.
      QMetaObject::invokeMethod(this, [this] { refresh(); }, Qt::QueuedConnection);
#ifdef __GLIBC__
      // Each utterance allocates and frees tens of MB on several threads; glibc keeps
      // freed pages in its arenas, which a soak sees as RSS growth with a flat heap.
      malloc_trim(0);
#endif
    } catch (const CancelledError&) {  // resumed speech made the provisional run moot
    } catch (const std::exception& e) {  // nothing may escape the thread
      QMetaObject::invokeMethod(this, [this, text = QString::fromStdString(e.what())] { emit failed(text); },
                                Qt::QueuedConnection);
    }
    if (control) {
      std::lock_guard<std::mutex> lock(mutex_);
      runningControl_.reset();
    }
  }
}

LiveResultPtr LiveController::analyse(Pending&& pending, const std::shared_ptr<InferenceEngine>& engine,
                                      std::shared_ptr<RunControl> control) {
  Utterance& u = pending.utterance;
  auto result = std::make_shared<LiveResult>();
  char name[64];
  std::snprintf(name, sizeof name, "live utterance at %.1f s", static_cast<double>(u.firstSample) / kRate);

  std::vector<const Image*> bgr, gray;
  std::vector<std::optional<FaceLandmarks>> found;  // tracked as the frames arrived
  for (const CapturedFrame& frame : u.frames) {
    bgr.push_back(&frame.bgr);
    gray.push_back(&frame.gray);
    found.push_back(frame.face);
  }
  result->media = ClipLoader::fromCapture(name, u.samples, usesVideo(modality_), bgr, gray, found);
  result->preparedUs = clock_.nowUs();
  RunOptions options = runOptions_;
  options.control = std::move(control);
  result->trace = engine->runMedia(result->media, modality_, options);
  result->inferredUs = clock_.nowUs();
  for (CapturedFrame& frame : u.frames) result->pictures.push_back(std::move(frame.bgr));

  const AudioRingBuffer& history = audio_->history();
  const std::int64_t from = std::max<std::int64_t>(history.beginSample(), u.firstSample - kContextBeforeMs * kRate / 1000);
  const std::int64_t to = std::min<std::int64_t>(history.endSample(), u.endSample + kContextAfterMs * kRate / 1000);
  result->contextAudio = history.read(from, static_cast<std::size_t>(std::max<std::int64_t>(0, to - from)),
                                      &result->contextFirstSample);
  if (result->contextAudio.size() > static_cast<std::size_t>(kRate / 10)) {
    result->contextMel = MelSpectrogram::compute(result->contextAudio);
  }
  result->firstSample = u.firstSample;
  result->endSample = u.endSample;
  result->speechEndUs = u.endUs;
  result->closedUs = pending.closedUs;
  result->sequence = pending.sequence;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& span : spans_) {
    if (span.second > from && span.first < to) result->speechSpans.push_back(span);
  }
  // A provisional utterance's span joins the closed ones only once it is confirmed.
  const std::pair<std::int64_t, std::int64_t> own(u.firstSample, u.endSample);
  if (u.provisional && std::find(spans_.begin(), spans_.end(), own) == spans_.end()) {
    result->speechSpans.push_back(own);
  }
  result->skipped = skipped_;
  return result;
}

void LiveController::refresh() {
  LiveResultPtr latest;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest = finished_;
  }
  if (latest && latest != shown_) {
    shown_ = latest;
    emit resultReady(latest);
  }
  emit ticked();
}

}  // namespace sinkscope::ui
