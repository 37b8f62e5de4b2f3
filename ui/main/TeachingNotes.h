#pragma once

#include <QString>

namespace sinkscope::ui {

// The short explanation each view shows in teaching mode: what the view draws, what
// the phenomenon is, and what to look for, for someone who never read the papers.
class TeachingNotes {
 public:
  enum class View {
    Tokens,
    Transcript,
    AttentionMap,
    SinkMap,
    MassiveActivations,
    TopK,
    BosCosine,
    HeadGrid,
    DecodingSteps,
    Interventions,
    Compare,
    LiveVideo,
    Microphone
  };
  static QString text(View view);
};

}  // namespace sinkscope::ui
