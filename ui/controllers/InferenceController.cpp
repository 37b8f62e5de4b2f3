#include "ui/controllers/InferenceController.h"

#include <exception>

#include <QtConcurrent/QtConcurrentRun>

#include "core/base/CancelledError.h"
#include "core/engine/ClipLoader.h"

namespace sinkscope::ui {

InferenceController::InferenceController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<sinkscope::TracePtr>();
  connect(&watcher_, &QFutureWatcherBase::finished, this, &InferenceController::finish);
}

InferenceController::~InferenceController() {
  if (control_) control_->requestCancel();
  watcher_.waitForFinished();
}

RunOptions InferenceController::viewOptions() {
  RunOptions options;
  options.capture.patterns.push_back("blocks.*.attn.hook_pattern");
  return options;
}

bool InferenceController::start(const QString& stage) {
  if (busy_) {
    emit failed(tr("Still working on the previous request; try again when it is done."));
    return false;
  }
  busy_ = true;
  emit busyChanged(true);
  emit progress(stage);
  return true;
}

void InferenceController::loadModel(const QString& directory) {
  if (!start(tr("Loading %1").arg(directory))) return;
  control_.reset();
  const std::string dir = directory.toStdString();
  watcher_.setFuture(QtConcurrent::run([dir]() {
    Outcome outcome;
    try {
      outcome.engine = InferenceEngine::load(dir);
    } catch (const std::exception& e) {
      outcome.error = QString::fromStdString(e.what());
    }
    return outcome;
  }));
}

void InferenceController::runText(const QString& prompt, int maxNewTokens) {
  Request request;
  request.kind = Request::Kind::Text;
  request.input = prompt;
  request.maxNewTokens = maxNewTokens;
  launch(request, {}, false);
}

void InferenceController::runClip(const QString& path, sinkscope::Modality modality) {
  Request request;
  request.kind = Request::Kind::Clip;
  request.input = path;
  request.modality = modality;
  launch(request, {}, false);
}

void InferenceController::rerun(const sinkscope::InterventionSpec& interventions) {
  if (request_.kind == Request::Kind::None) {
    emit failed(tr("Nothing to run again yet: run a clip or a prompt first."));
    return;
  }
  launch(request_, interventions, true);
}

void InferenceController::cancel() {
  if (control_) control_->requestCancel();
}

void InferenceController::launch(const Request& request, const InterventionSpec& interventions, bool rerun) {
  if (!engine_) {
    emit failed(tr("No model is loaded."));
    return;
  }
  const bool text = request.kind == Request::Kind::Text;
  if (!start(text ? tr("Running the prompt") : tr("Decoding %1").arg(request.input))) return;
  // A rerun reads the clip already decoded; a new request (even of the same file,
  // which may have changed) decodes it afresh.
  if (!rerun) media_.reset();
  std::shared_ptr<const ClipMedia> media = media_;
  request_ = request;
  runInterventions_ = interventions;
  // Progress arrives on the decoding thread; queued, it reaches the GUI thread.
  control_ = std::make_shared<RunControl>([this](int done, int total) {
    QMetaObject::invokeMethod(this, [this, done, total] { emit stepProgress(done, total); }, Qt::QueuedConnection);
  });
  const auto engine = engine_;
  const std::string input = request.input.toStdString();
  RunOptions options = viewOptions();
  options.interventions = interventions;
  options.control = control_;
  options.maxNewTokens = request.maxNewTokens;
  const Modality modality = request.modality;
  watcher_.setFuture(QtConcurrent::run([engine, input, options, modality, text, media]() {
    Outcome outcome;
    try {
      if (text) {
        outcome.trace = engine->runText(input, options);
      } else {
        outcome.media = media ? media
                              : std::make_shared<const ClipMedia>(
                                    ClipLoader::load(input, usesAudio(modality), usesVideo(modality)));
        outcome.trace = engine->runMedia(*outcome.media, modality, options);
      }
    } catch (const CancelledError& e) {
      outcome.cancelled = true;
      outcome.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
      outcome.error = QString::fromStdString(e.what());
    }
    return outcome;
  }));
}

void InferenceController::finish() {
  const Outcome outcome = watcher_.result();
  busy_ = false;
  control_.reset();
  if (outcome.media) media_ = outcome.media;
  emit busyChanged(false);
  if (outcome.cancelled) {
    emit cancelled(tr("Cancelled (%1); the views keep the previous result.").arg(outcome.error));
    return;
  }
  if (!outcome.error.isEmpty()) {
    emit failed(outcome.error);
    return;
  }
  if (outcome.engine) {
    engine_ = outcome.engine;
    emit modelLoaded(QString::fromStdString(engine_->summary().name));
  }
  if (outcome.trace) {
    traceInterventions_ = runInterventions_;
    emit traceReady(outcome.trace);
  }
}

}  // namespace sinkscope::ui
