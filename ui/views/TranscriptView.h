#pragma once

#include <QTextBrowser>

#include "core/base/Trace.h"

namespace sinkscope::ui {

class TokenSelection;

// The transcript, one link per generated token, shaded by the model's confidence
// (the token's probability at its step) with the probability in the tooltip. Clicking
// a token selects its position, so every view shows that token's attention row.
class TranscriptView : public QTextBrowser {
  Q_OBJECT

 public:
  TranscriptView(TokenSelection* selection, QWidget* parent = nullptr);
  void setTrace(TracePtr trace);
  // The token position of generated step i (the response starts after the input).
  int positionOfStep(int step) const;

 private:
  void render();

  TokenSelection* selection_;
  TracePtr trace_;
};

}  // namespace sinkscope::ui
