#include "ui/controllers/InferenceController.h"

#include <exception>

#include <QtConcurrent/QtConcurrentRun>

#include "core/engine/ClipLoader.h"

namespace sinkscope::ui {

InferenceController::InferenceController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<sinkscope::TracePtr>();
  connect(&watcher_, &QFutureWatcherBase::finished, this, &InferenceController::finish);
}

InferenceController::~InferenceController() { watcher_.waitForFinished(); }

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
  if (!engine_) {
    emit failed(tr("No model is loaded."));
    return;
  }
  if (!start(tr("Running the prompt"))) return;
  const auto engine = engine_;
  const std::string text = prompt.toStdString();
  watcher_.setFuture(QtConcurrent::run([engine, text, maxNewTokens]() {
    Outcome outcome;
    try {
      RunOptions options = viewOptions();
      options.maxNewTokens = maxNewTokens;
      outcome.trace = engine->runText(text, options);
    } catch (const std::exception& e) {
      outcome.error = QString::fromStdString(e.what());
    }
    return outcome;
  }));
}

void InferenceController::runClip(const QString& path, sinkscope::Modality modality) {
  if (!engine_) {
    emit failed(tr("No model is loaded."));
    return;
  }
  if (!start(tr("Decoding %1").arg(path))) return;
  const auto engine = engine_;
  const std::string file = path.toStdString();
  watcher_.setFuture(QtConcurrent::run([engine, file, modality]() {
    Outcome outcome;
    try {
      const ClipMedia media = ClipLoader::load(file, usesAudio(modality), usesVideo(modality));
      outcome.trace = engine->runMedia(media, modality, viewOptions());
    } catch (const std::exception& e) {
      outcome.error = QString::fromStdString(e.what());
    }
    return outcome;
  }));
}

void InferenceController::finish() {
  const Outcome outcome = watcher_.result();
  busy_ = false;
  emit busyChanged(false);
  if (!outcome.error.isEmpty()) {
    emit failed(outcome.error);
    return;
  }
  if (outcome.engine) {
    engine_ = outcome.engine;
    emit modelLoaded(QString::fromStdString(engine_->summary().name));
  }
  if (outcome.trace) emit traceReady(outcome.trace);
}

}  // namespace sinkscope::ui
