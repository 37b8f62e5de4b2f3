#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

class PhonemeTable;
class Tokenizer;

// Transcription drills for the text pretraining (data.drill_fraction): windows laid out
// like the AVSR fine-tuning's sequences, with the "encoder tokens" replaced by the
// transcript's own tokens, each repeated 1-4 times and now and then swapped for a random
// one:
//   BOS <audio> a a b c c c d </audio> Transcribe speech to text. a b c d EOS <audio> ...
// (or the <video> / both-modality layouts with their prompts), drills packed until the
// window is full. A billion-parameter LLM brings the skill of copying a stretched, noisy
// span from its context; a CPU-sized one trained on plain text does not, and then has
// to learn it through rank-16 LoRA during the fine-tuning, which it did not (see
// docs/training.md). With drills the fine-tuning's projectors only have to map encoder
// frames onto token embeddings. Like WindowSampler, a row is a pure function of
// (seed, step, row).
//
// Spelling drills (a share `spelling` of the drills) stretch the transcript's characters
// instead of its tokens, each one byte-level token repeated 1-2 times:
//   BOS <audio> t h h e e   c a a t </audio> Transcribe speech to text. the cat EOS
// Why: the encoders are pretrained with character CTC, so a frame knows a character, not
// one of 4 096 BPE tokens; the spans a projector can produce most easily are spelt ones,
// and only spelling drills teach the LLM to read those back as words.
//
// Character errors (`charErrors` > 0, spelling drills only): each spelt span draws an
// error rate uniformly from [0, charErrors), and each character is then, with that
// probability, replaced by another character of the corpus, dropped, or followed by an
// inserted one (a third each), before it is stretched:
//   BOS <audio> t h h a a   c a t t </audio> Transcribe speech to text. the cat EOS
// Why: a CTC encoder with a character error rate of 12 % hands the LLM such spellings,
// and an LLM drilled only on exact ones reads them badly (scripts/reader_ceiling.py
// --cer: 19.7 % WER on exact spellings, 49.8 % at CER 0.124, for lm-b512-drill2). The
// swaps above replace a copy with a random BPE token, which a spelt span's reader can
// simply skip, and never remove a character, so they do not teach error correction.
//
// Phoneme drills (`phonemes`, a PhonemeTable of the lines): the spelt spans hold the
// sentence's phonemes instead of its letters, the i-th code of PhonemeTable::codes()
// as the byte-level token of byte 0x80 + i (a lone byte that English text never
// produces, so its embedding is free for the phoneme) and word breaks as the space:
//   BOS <audio> ð ə ə   k æ æ t </audio> Transcribe speech to text. the cat EOS
// Why: a phoneme-CTC encoder hands the LLM sounds, and the spelling of a word must then
// come from the LLM, which can learn it from every line of the text corpus rather than
// from the AV corpus's 10 000 utterances. Character errors then swap phonemes.
class DrillWindows {
 public:
  struct Ids {
    std::int64_t bos = 0, eos = 0, audioStart = 0, audioEnd = 0, videoStart = 0, videoEnd = 0;
    std::vector<std::vector<std::int64_t>> prompts;  // ASR, VSR, AVSR prompt tokens
  };
  static constexpr int kMaxRepeat = 4;
  static constexpr int kMaxSpeltRepeat = 2;
  static constexpr double kSwapProbability = 0.1;

  // `spelt` is empty or holds each sentence's character tokens; `spelling` > 0 needs it.
  DrillWindows(std::vector<std::vector<std::int32_t>> sentences, Ids ids, std::int64_t seqLength,
               std::int64_t vocabSize, std::uint64_t seed, std::vector<std::vector<std::int32_t>> spelt = {},
               double spelling = 0.0, double charErrors = 0.0);
  // Encodes `lines` (no special tokens) with `tokenizer`, and with `spelling` > 0 also
  // each line character by character, or phoneme by phoneme with `phonemes` (throws
  // Error for a line the table lacks); the special ids from it.
  static DrillWindows fromLines(const Tokenizer& tokenizer, const std::vector<std::string>& lines,
                                std::int64_t seqLength, std::uint64_t seed, double spelling = 0.0,
                                double charErrors = 0.0, const PhonemeTable* phonemes = nullptr);
  // The token that stands for each phoneme code (PhonemeTable::codes() order): the
  // byte-level token of byte 0x80 + i. Throws Error when the tokenizer lacks one.
  static std::vector<std::int64_t> phonemeTokens(const Tokenizer& tokenizer);

  // Whether batch row `row` of step `step` is a drill, given the share of drill rows.
  bool isDrill(std::int64_t step, std::int64_t row, double fraction) const;
  // Writes the drill window of (step, row) into inputs/targets at offset row * T; with
  // `transcript`, also marks (1) the targets that are transcript tokens or their EOS,
  // the part a model can only get right by copying from the stretched spans.
  void fill(std::int64_t step, std::int64_t row, std::vector<std::int64_t>& inputs,
            std::vector<std::int64_t>& targets, std::vector<std::uint8_t>* transcript = nullptr) const;

 private:
  std::vector<std::vector<std::int32_t>> sentences_;
  std::vector<std::vector<std::int32_t>> spelt_;  // parallel to sentences_, or empty
  double spelling_ = 0.0;
  double charErrors_ = 0.0;
  std::vector<std::int32_t> characters_;  // the distinct character tokens of spelt_, ascending
  Ids ids_;
  std::int64_t seqLength_;
  std::int64_t vocabSize_;
  std::uint64_t seed_;
};

}  // namespace sinkscope
