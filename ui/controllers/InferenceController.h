#pragma once

#include <memory>

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include "core/base/Modality.h"
#include "core/base/Trace.h"
#include "core/engine/InferenceEngine.h"

Q_DECLARE_METATYPE(sinkscope::TracePtr)

namespace sinkscope::ui {

// Runs the engine off the GUI thread (DESIGN §4): loading a model, a text prompt or a
// clip each become one background job; the result or a one-line error comes back as
// a signal on the GUI thread. One job at a time: a request while busy is refused with
// a message rather than queued, so a user never waits for work they no longer want.
class InferenceController : public QObject {
  Q_OBJECT

 public:
  explicit InferenceController(QObject* parent = nullptr);
  ~InferenceController() override;

  bool busy() const { return busy_; }
  bool hasModel() const { return engine_ != nullptr; }
  const ModelSummary* summary() const { return engine_ ? &engine_->summary() : nullptr; }
  std::shared_ptr<InferenceEngine> engine() const { return engine_; }
  // What every run for the views captures: the analysis taps plus every head's
  // attention pattern (the attention map and the per-step rows need them).
  static RunOptions viewOptions();

 public slots:
  void loadModel(const QString& directory);
  void runText(const QString& prompt, int maxNewTokens);
  void runClip(const QString& path, sinkscope::Modality modality);

 signals:
  void modelLoaded(const QString& name);
  void traceReady(sinkscope::TracePtr trace);
  void failed(const QString& message);
  void busyChanged(bool busy);
  void progress(const QString& stage);

 private:
  struct Outcome {
    std::shared_ptr<InferenceEngine> engine;
    TracePtr trace;
    QString error;
  };
  bool start(const QString& stage);
  void finish();

  std::shared_ptr<InferenceEngine> engine_;
  QFutureWatcher<Outcome> watcher_;
  bool busy_ = false;
};

}  // namespace sinkscope::ui
