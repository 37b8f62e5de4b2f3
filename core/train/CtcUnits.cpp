#include "core/train/CtcUnits.h"

#include "core/text/Tokenizer.h"
#include "core/train/CtcAlphabet.h"
#include "core/train/PhonemeTable.h"

namespace sinkscope {

CtcUnits CtcUnits::fromSetting(const std::string& units) {
  CtcUnits out;
  const std::string prefix = kPhonemesPrefix;
  if (units.rfind(prefix, 0) == 0) {
    out.phonemes_ = std::make_shared<const PhonemeTable>(PhonemeTable::fromFile(units.substr(prefix.size())));
    return out;
  }
  if (units != kCharacters) out.tokenizer_ = std::make_shared<const Tokenizer>(Tokenizer::fromFile(units));
  return out;
}

std::int64_t CtcUnits::size() const {
  if (phonemes_) return 2 + static_cast<std::int64_t>(PhonemeTable::codes().size());
  return tokenizer_ ? tokenizer_->vocabSize() + 1 : CtcAlphabet::size();
}

std::string CtcUnits::reference(const std::string& text) const {
  return phonemes_ ? phonemes_->of(text) : text;
}

std::vector<std::int64_t> CtcUnits::encode(const std::string& text) const {
  if (phonemes_) {
    std::vector<std::int64_t> ids;
    for (const char ch : phonemes_->of(text))
      ids.push_back(ch == ' ' ? 1 : 2 + static_cast<std::int64_t>(PhonemeTable::codes().find(ch)));
    return ids;
  }
  if (!tokenizer_) return CtcAlphabet::encode(text);
  std::vector<std::int64_t> ids = tokenizer_->encode(text, false);
  for (auto& id : ids) id += 1;
  return ids;
}

std::vector<std::vector<std::int64_t>> CtcUnits::spellings() const {
  std::vector<std::vector<std::int64_t>> out(static_cast<std::size_t>(size()));
  out[kBlank] = {kBlank};
  for (std::int64_t id = 1; id < size(); ++id) {
    if (phonemes_) {
      if (id == 1) out[1] = CtcAlphabet::encode(" ");
      continue;
    }
    if (!tokenizer_) {
      out[static_cast<std::size_t>(id)] = {id};
      continue;
    }
    const std::string text = tokenizer_->decode({id - 1}, true);
    std::vector<std::int64_t> letters = CtcAlphabet::encode(text);
    // A token with a symbol off the alphabet is not spelt at all rather than spelt in part.
    if (!text.empty() && letters.size() == text.size()) out[static_cast<std::size_t>(id)] = std::move(letters);
  }
  return out;
}

std::string CtcUnits::decodeGreedy(const std::vector<std::int64_t>& frameIds) const {
  if (!tokenizer_ && !phonemes_) return CtcAlphabet::decodeGreedy(frameIds);
  if (phonemes_) {
    std::string out;
    std::int64_t previous = kBlank;
    for (std::int64_t id : frameIds) {
      if (id != previous && id != kBlank) out += id == 1 ? ' ' : PhonemeTable::codes().at(static_cast<std::size_t>(id - 2));
      previous = id;
    }
    return out;
  }
  std::vector<std::int64_t> tokens;
  std::int64_t previous = kBlank;
  for (std::int64_t id : frameIds) {
    if (id != previous && id != kBlank) tokens.push_back(id - 1);
    previous = id;
  }
  return tokenizer_->decode(tokens, true);
}

}  // namespace sinkscope
