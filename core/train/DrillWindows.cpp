#include "core/train/DrillWindows.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/base/Error.h"
#include "core/model/AvsrConfig.h"
#include "core/text/ByteLevel.h"
#include "core/text/Tokenizer.h"
#include "core/train/PhonemeTable.h"
#include "core/train/StepHash.h"

namespace sinkscope {

namespace {

// Purposes of the row hash (StepHash::of), one per independent choice.
constexpr std::uint64_t kPurposeIsDrill = 0xd1;
constexpr std::uint64_t kPurposeContent = 0xd2;

// A small generator seeded from the row hash: every draw inside one window.
class RowRandom {
 public:
  explicit RowRandom(std::uint64_t state) : state_(state) {}
  std::uint64_t next() { return state_ = StepHash::mix(state_); }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

std::int64_t requireId(const Tokenizer& tokenizer, const std::string& token) {
  const auto id = tokenizer.tokenId(token);
  if (!id) throw FormatError(tokenizer.source() + ": transcription drills need the token " + token);
  return *id;
}

}  // namespace

DrillWindows::DrillWindows(std::vector<std::vector<std::int32_t>> sentences, Ids ids, std::int64_t seqLength,
                           std::int64_t vocabSize, std::uint64_t seed, std::vector<std::vector<std::int32_t>> spelt,
                           double spelling, double charErrors)
    : spelling_(spelling),
      charErrors_(spelling > 0 ? charErrors : 0.0),
      ids_(std::move(ids)),
      seqLength_(seqLength),
      vocabSize_(vocabSize),
      seed_(seed) {
  if (spelling_ > 0 && spelt.size() != sentences.size())
    throw Error("transcription drills: spelling drills need every sentence spelt");
  if (charErrors < 0 || charErrors > 1) throw Error("transcription drills: the character error rate must be in [0, 1]");
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    if (sentences[i].empty() || (spelling_ > 0 && spelt[i].empty())) continue;
    sentences_.push_back(std::move(sentences[i]));
    if (spelling_ > 0) spelt_.push_back(std::move(spelt[i]));
  }
  if (sentences_.empty()) throw Error("transcription drills: no non-empty sentence");
  if (charErrors_ > 0) {
    for (const auto& letters : spelt_) characters_.insert(characters_.end(), letters.begin(), letters.end());
    std::sort(characters_.begin(), characters_.end());
    characters_.erase(std::unique(characters_.begin(), characters_.end()), characters_.end());
  }
  if (ids_.prompts.size() != 3) throw Error("transcription drills: need the ASR, VSR and AVSR prompts");
}

DrillWindows DrillWindows::fromLines(const Tokenizer& tokenizer, const std::vector<std::string>& lines,
                                     std::int64_t seqLength, std::uint64_t seed, double spelling,
                                     double charErrors, const PhonemeTable* phonemes) {
  std::vector<std::vector<std::int32_t>> sentences, spelt;
  sentences.reserve(lines.size());
  std::map<std::string, std::vector<std::int64_t>> characterTokens;  // a few dozen distinct characters
  const std::vector<std::int64_t> phonemeIds = phonemes && spelling > 0 ? phonemeTokens(tokenizer) : std::vector<std::int64_t>{};
  const std::vector<std::int64_t> space = phonemeIds.empty() ? std::vector<std::int64_t>{} : tokenizer.encode(" ", false);
  for (const auto& line : lines) {
    const auto ids = tokenizer.encode(line, false);
    sentences.emplace_back(ids.begin(), ids.end());
    if (spelling <= 0) continue;
    std::vector<std::int32_t> letters;
    if (!phonemeIds.empty()) {
      for (const char code : phonemes->of(line)) {
        if (code == ' ') letters.insert(letters.end(), space.begin(), space.end());
        else letters.push_back(static_cast<std::int32_t>(phonemeIds.at(PhonemeTable::codes().find(code))));
      }
      spelt.push_back(std::move(letters));
      continue;
    }
    for (std::size_t i = 0; i < line.size();) {
      // One UTF-8 character: a lead byte and its continuation bytes (10xxxxxx).
      std::size_t end = i + 1;
      while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
      const std::string character = line.substr(i, end - i);
      auto found = characterTokens.find(character);
      if (found == characterTokens.end()) found = characterTokens.emplace(character, tokenizer.encode(character, false)).first;
      letters.insert(letters.end(), found->second.begin(), found->second.end());
      i = end;
    }
    spelt.push_back(std::move(letters));
  }
  const AvsrConfig defaults;  // the prompts and delimiters the fine-tuning uses
  Ids ids;
  ids.bos = requireId(tokenizer, "<|begin_of_text|>");
  ids.eos = requireId(tokenizer, "<|end_of_text|>");
  ids.audioStart = requireId(tokenizer, defaults.audioStartToken);
  ids.audioEnd = requireId(tokenizer, defaults.audioEndToken);
  ids.videoStart = requireId(tokenizer, defaults.videoStartToken);
  ids.videoEnd = requireId(tokenizer, defaults.videoEndToken);
  for (const Modality modality : {Modality::Asr, Modality::Vsr, Modality::Avsr})
    ids.prompts.push_back(tokenizer.encode(defaults.prompts.at(modality), false));
  return DrillWindows(std::move(sentences), std::move(ids), seqLength, tokenizer.vocabSize(), seed, std::move(spelt),
                      spelling, charErrors);
}

std::vector<std::int64_t> DrillWindows::phonemeTokens(const Tokenizer& tokenizer) {
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < PhonemeTable::codes().size(); ++i) {
    const std::string byte(1, static_cast<char>(0x80 + i));
    const auto id = tokenizer.tokenId(ByteLevel::encode(byte));
    if (!id) throw FormatError(tokenizer.source() + ": phoneme drills need a byte-level token for every byte");
    ids.push_back(*id);
  }
  return ids;
}

bool DrillWindows::isDrill(std::int64_t step, std::int64_t row, double fraction) const {
  if (fraction <= 0) return false;
  RowRandom random(StepHash::of(seed_, step, row, kPurposeIsDrill));
  return random.uniform() < fraction;
}

void DrillWindows::fill(std::int64_t step, std::int64_t row, std::vector<std::int64_t>& inputs,
                        std::vector<std::int64_t>& targets, std::vector<std::uint8_t>* transcript) const {
  RowRandom random(StepHash::of(seed_, step, row, kPurposeContent));
  // Swapped-in tokens are ordinary ones: sinkscope's BPE puts the special ids last
  // (another tokenizer may not; then any id may be swapped in).
  std::int64_t ordinaryLimit = std::min({vocabSize_, ids_.bos, ids_.eos, ids_.audioStart, ids_.audioEnd,
                                         ids_.videoStart, ids_.videoEnd});
  if (ordinaryLimit < vocabSize_ / 2) ordinaryLimit = vocabSize_;
  // One sequence of seqLength + 1 tokens; inputs are its first T, targets its last T.
  std::vector<std::int64_t> sequence{ids_.bos};
  std::vector<std::uint8_t> spoken{0};  // per sequence position: a transcript token or its EOS
  const auto wanted = static_cast<std::size_t>(seqLength_ + 1);
  while (sequence.size() < wanted) {
    const auto index = static_cast<std::size_t>(random.below(static_cast<std::int64_t>(sentences_.size())));
    const auto& sentence = sentences_[index];
    const auto modality = random.below(3);  // 0 ASR, 1 VSR, 2 AVSR
    // Drawn only when spelling is on, so token-only drills keep their random stream.
    const bool spell = spelling_ > 0 && random.uniform() < spelling_;
    const auto& stretch = spell ? spelt_[index] : sentence;
    const std::int64_t maxRepeat = spell ? kMaxSpeltRepeat : kMaxRepeat;
    auto stretchOne = [&](std::int64_t token) {
      const std::int64_t repeats = 1 + random.below(maxRepeat);
      for (std::int64_t k = 0; k < repeats; ++k) {
        const bool swap = random.uniform() < kSwapProbability;
        sequence.push_back(swap ? random.below(ordinaryLimit) : token);
      }
    };
    auto stretched = [&](std::int64_t start, std::int64_t end) {
      sequence.push_back(start);
      // Drawn only with character errors on, so the other drills keep their random stream.
      const double errorRate = spell && charErrors_ > 0 ? random.uniform() * charErrors_ : 0.0;
      const auto characterCount = static_cast<std::int64_t>(characters_.size());
      for (const std::int32_t token : stretch) {
        if (errorRate > 0 && random.uniform() < errorRate) {
          const std::int64_t kind = random.below(3);  // 0 substitute, 1 drop, 2 insert after
          if (kind == 0) stretchOne(characters_[static_cast<std::size_t>(random.below(characterCount))]);
          if (kind == 2) {
            stretchOne(token);
            stretchOne(characters_[static_cast<std::size_t>(random.below(characterCount))]);
          }
          continue;
        }
        stretchOne(token);
      }
      sequence.push_back(end);
    };
    if (modality != 1) stretched(ids_.audioStart, ids_.audioEnd);
    if (modality != 0) stretched(ids_.videoStart, ids_.videoEnd);
    const auto& prompt = ids_.prompts[static_cast<std::size_t>(modality)];
    sequence.insert(sequence.end(), prompt.begin(), prompt.end());
    spoken.resize(sequence.size(), 0);
    sequence.insert(sequence.end(), sentence.begin(), sentence.end());
    sequence.push_back(ids_.eos);
    spoken.resize(sequence.size(), 1);
  }
  const auto offset = static_cast<std::size_t>(row * seqLength_);
  for (std::int64_t t = 0; t < seqLength_; ++t) {
    inputs[offset + static_cast<std::size_t>(t)] = sequence[static_cast<std::size_t>(t)];
    targets[offset + static_cast<std::size_t>(t)] = sequence[static_cast<std::size_t>(t + 1)];
    if (transcript) (*transcript)[offset + static_cast<std::size_t>(t)] = spoken[static_cast<std::size_t>(t + 1)];
  }
}

}  // namespace sinkscope
