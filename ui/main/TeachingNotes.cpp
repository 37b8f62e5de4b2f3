#include "ui/main/TeachingNotes.h"

#include <QCoreApplication>

namespace sinkscope::ui {

QString TeachingNotes::text(View view) {
  switch (view) {
    case View::Tokens:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Everything the language model reads, in order: the start token (BOS), the audio "
          "block between <audio> and </audio>, the video block between <video> and </video>, "
          "the instruction, then the words it writes. A dark frame marks an attention sink: a "
          "token that many heads look at although it carries little meaning. Look for BOS, and "
          "for delimiters such as </audio>, becoming sinks.");
    case View::Transcript:
      return QCoreApplication::translate(
          "TeachingNotes",
          "What the model heard and saw. Amber words are ones the model was unsure of. Click a "
          "word to see where the model looked while writing it.");
    case View::AttentionMap:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Each row is a token looking back at earlier tokens (columns); brighter means more "
          "attention (log scale). A sink shows as a bright vertical stripe: almost every row "
          "sends attention to the same column. Heads use sinks as a place to park attention "
          "they do not need elsewhere.");
    case View::SinkMap:
      return QCoreApplication::translate(
          "TeachingNotes",
          "For every layer (rows) and token (columns): the share of heads in which the token "
          "is a sink, meaning the queries that can see it give it on average more than 0.3 of "
          "their attention. BOS usually lights up from the early layers on; other bright "
          "columns are intermediate sinks.");
    case View::MassiveActivations:
      return QCoreApplication::translate(
          "TeachingNotes",
          "The size of every feature of every token's hidden state in one layer. A few "
          "features of the sink tokens are hundreds or thousands of times larger than the "
          "rest: massive activations. They sit at the same feature indices for BOS and for "
          "every intermediate sink, and they are what makes those tokens attract attention.");
    case View::TopK:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Per layer, the three largest hidden-state magnitudes against the median. Where "
          "the top values jump far above the median, massive activations have appeared; the "
          "layer where they first jump is where an MLP writes them.");
    case View::BosCosine:
      return QCoreApplication::translate(
          "TeachingNotes",
          "How similar each token's hidden state is to BOS's, per layer (cosine, 1 = same "
          "direction). Intermediate sinks become near copies of BOS after the first layers; "
          "ordinary tokens stay low. The decorrelation loss trains this similarity down, "
          "which removes the intermediate sinks.");
    case View::HeadGrid:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Every head of every layer as a small attention map (rows: layers, columns: heads). "
          "A head with a bright left edge or a bright vertical line is parking its attention on "
          "a sink. Count how many heads do it, and from which layer on. Click one to enlarge it.");
    case View::DecodingSteps:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Drag the slider through the words the model wrote. For each one you see where it "
          "looked while choosing it (its attention row) and how sure it was (p). Tall bars on "
          "BOS or a delimiter are attention parked on a sink rather than spent on the input.");
    case View::Interventions:
      return QCoreApplication::translate(
          "TeachingNotes",
          "Change the model and watch what happens. Setting the massive dims to zero or to "
          "their mean, or removing the attention that flows to the sink tokens, shows what the "
          "model uses them for. The transcript diff marks words that appeared (green), "
          "disappeared (red) or changed (amber) against the unmodified run.");
    case View::Compare:
      return QCoreApplication::translate(
          "TeachingNotes",
          "The same input through two models, drawn on the same colour and axis scales. "
          "Compare a baseline with its decorrelated fine-tune: the intermediate sinks' stripes "
          "in the attention map, their massive activations and their cosine with BOS should "
          "fade on the decorrelated side.");
    case View::LiveVideo:
      return QCoreApplication::translate(
          "TeachingNotes",
          "What the video encoder sees of the last utterance. The blue box is where the face "
          "was found, the yellow dots are the 68 face landmarks, and the orange square is the "
          "mouth crop: the face is turned upright and scaled to a reference face, then a 96x96 "
          "square around the mouth is cut out. The strip shows the latest crops; each becomes "
          "part of a video token. A crop that jumps about means the landmarks were unsure.");
    case View::Microphone:
      return QCoreApplication::translate(
          "TeachingNotes",
          "The sound around the last utterance: the waveform, and below it the log-mel "
          "spectrogram the audio encoder reads (low pitches at the bottom, bright = loud). "
          "Shaded stretches are where the voice activity detector heard speech; live mode "
          "sends each such stretch to the model once a short silence ends it, which is why "
          "results arrive just after you stop speaking.");
  }
  return {};
}

}  // namespace sinkscope::ui
