#pragma once

#include <memory>

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include "core/base/InterventionSpec.h"
#include "core/base/Modality.h"
#include "core/base/RunControl.h"
#include "core/base/Trace.h"
#include "core/engine/InferenceEngine.h"

Q_DECLARE_METATYPE(sinkscope::TracePtr)

namespace sinkscope::ui {

// Runs the engine off the GUI thread (DESIGN §4): loading a model, a text prompt or a
// clip each become one background job; the result or a one-line error comes back as
// a signal on the GUI thread. One job at a time: a request while busy is refused with
// a message rather than queued, so a user never waits for work they no longer want.
// A running prompt or clip reports its decoding steps and can be cancelled; the last
// input can be run again with interventions.
class InferenceController : public QObject {
  Q_OBJECT

 public:
  // What the last prompt or clip run was given, so it can be run again.
  struct Request {
    enum class Kind { None, Text, Clip };
    Kind kind = Kind::None;
    QString input;  // the prompt or the clip path
    Modality modality = Modality::Text;
    int maxNewTokens = 0;
  };

  explicit InferenceController(QObject* parent = nullptr);
  ~InferenceController() override;

  bool busy() const { return busy_; }
  bool hasModel() const { return engine_ != nullptr; }
  const ModelSummary* summary() const { return engine_ ? &engine_->summary() : nullptr; }
  std::shared_ptr<InferenceEngine> engine() const { return engine_; }
  const Request& lastRequest() const { return request_; }
  // The last clip's decoded media, which rerun() reuses (null after a prompt).
  std::shared_ptr<const ClipMedia> lastMedia() const { return media_; }
  // The interventions of the run that produced the latest trace (empty: unmodified).
  const InterventionSpec& traceInterventions() const { return traceInterventions_; }
  // What every run for the views captures: the analysis taps plus every head's
  // attention pattern (the attention map and the per-step rows need them).
  static RunOptions viewOptions();

 public slots:
  void loadModel(const QString& directory);
  void runText(const QString& prompt, int maxNewTokens);
  void runClip(const QString& path, sinkscope::Modality modality);
  // The last prompt or clip again, with `interventions` (empty: unmodified).
  void rerun(const sinkscope::InterventionSpec& interventions);
  // Stops the running prompt or clip at its next decoding step; the views keep the
  // previous trace and cancelled() says so.
  void cancel();

 signals:
  void modelLoaded(const QString& name);
  void traceReady(sinkscope::TracePtr trace);
  void failed(const QString& message);
  void cancelled(const QString& message);
  void busyChanged(bool busy);
  void progress(const QString& stage);
  // `done` of at most `total` decoding steps of the running prompt or clip.
  void stepProgress(int done, int total);

 private:
  struct Outcome {
    std::shared_ptr<InferenceEngine> engine;
    TracePtr trace;
    std::shared_ptr<const ClipMedia> media;  // the clip as loaded, for reruns
    QString error;
    bool cancelled = false;
  };
  bool start(const QString& stage);
  void launch(const Request& request, const InterventionSpec& interventions, bool rerun);
  void finish();

  std::shared_ptr<InferenceEngine> engine_;
  QFutureWatcher<Outcome> watcher_;
  bool busy_ = false;
  Request request_;
  // The last clip's decoded media (for request_): a rerun with interventions skips the
  // seconds of decoding and face landmarks.
  std::shared_ptr<const ClipMedia> media_;
  std::shared_ptr<RunControl> control_;
  InterventionSpec runInterventions_;
  InterventionSpec traceInterventions_;
};

}  // namespace sinkscope::ui
