#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/text/BpeTrainer.h"
#include "core/text/ByteLevel.h"
#include "core/text/Tokenizer.h"

using sinkscope::BpeTrainer;
using sinkscope::BpeTrainerOptions;
using sinkscope::ByteLevel;
using sinkscope::ConfigError;
using sinkscope::Tokenizer;
using Ids = std::vector<std::int64_t>;

namespace {

// Lower-case transcript-like lines: letters, contractions and single spaces only,
// whose pre-tokenized words wordsOf() can spell out independently.
const std::vector<std::string> kLines = {
    "the cat sat on the mat",
    "the dog sat on the log",
    "a cat and a dog met on the mat",
    "there is a theory that the thing is there",
    "they'll say that the cat's hat is theirs",
    "then the other one sat there and then thought",
    "the the the these those then than",
    "aaaa aaa aa a aaaaa",
};

std::vector<std::string> corpus(int repeats) {
  std::vector<std::string> out;
  for (int r = 0; r < repeats; ++r) out.insert(out.end(), kLines.begin(), kLines.end());
  return out;
}

BpeTrainerOptions smallOptions(std::int64_t merges) {
  BpeTrainerOptions options;
  options.vocabSize = 256 + merges + static_cast<std::int64_t>(options.addedTokens.size());
  return options;
}

nlohmann::json trainOn(const std::vector<std::string>& lines, const BpeTrainerOptions& options) {
  BpeTrainer trainer(options);
  for (const auto& line : lines) trainer.addText(line);
  return trainer.train();
}

// The Llama 3 pre-tokenizer's words of a line of lower-case letters, single spaces
// and contractions: " word" (the first without its space), and a contraction
// ("'s", "'ll") split off as a word of its own.
std::vector<std::string> wordsOf(const std::string& line) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = line.find(' ', start + 1);
    if (end == std::string::npos) end = line.size();
    const std::string word = line.substr(start, end - start);
    const auto apostrophe = word.find('\'');
    words.push_back(ByteLevel::encode(word.substr(0, apostrophe)));
    if (apostrophe != std::string::npos) words.push_back(ByteLevel::encode(word.substr(apostrophe)));
    start = end;
  }
  return words;
}

std::vector<std::string> characters(const std::string& word) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t length = (static_cast<unsigned char>(word[i]) & 0x80) ? 2 : 1;  // mapped chars are < U+0800
    out.push_back(word.substr(i, length));
    i += length;
  }
  return out;
}

// An independent, slow reference of the same rule: recount every pair of every word
// each round, take the most frequent (ties: smaller left id, then smaller right id),
// merge it left to right.
std::vector<std::string> referenceMerges(const std::vector<std::string>& lines, const nlohmann::json& vocab,
                                         std::size_t rounds) {
  std::map<std::string, std::int64_t> wordCounts;
  for (const auto& line : lines) {
    for (const auto& word : wordsOf(line)) ++wordCounts[word];
  }
  std::map<std::string, std::int64_t> ids;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (it.value().get<std::int64_t>() < 256) ids[it.key()] = it.value().get<std::int64_t>();
  }
  std::int64_t nextId = 256;
  std::vector<std::pair<std::vector<std::string>, std::int64_t>> words;
  for (const auto& [word, count] : wordCounts) words.emplace_back(characters(word), count);
  std::vector<std::string> merges;
  for (std::size_t round = 0; round < rounds; ++round) {
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> pairs;
    for (const auto& [symbols, count] : words) {
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{ids[symbols[i]], ids[symbols[i + 1]]}] += count;
    }
    std::pair<std::int64_t, std::int64_t> best{-1, -1};
    std::int64_t bestCount = 0;
    for (const auto& [pair, count] : pairs) {  // ascending pair order: the first max wins ties
      if (count > bestCount) {
        best = pair;
        bestCount = count;
      }
    }
    if (bestCount < 2) break;
    std::string left, right;
    for (const auto& [text, id] : ids) {
      if (id == best.first) left = text;
      if (id == best.second) right = text;
    }
    merges.push_back(left + " " + right);
    if (!ids.count(left + right)) ids[left + right] = nextId++;
    for (auto& [symbols, count] : words) {
      std::vector<std::string> merged;
      for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          merged.push_back(left + right);
          ++i;
        } else {
          merged.push_back(symbols[i]);
        }
      }
      symbols = merged;
    }
  }
  return merges;
}

// Applies the merge list in order to one word and looks the pieces up.
Ids applyMergesInOrder(const std::string& word, const nlohmann::json& document) {
  std::vector<std::string> symbols = characters(ByteLevel::encode(word));
  for (const auto& merge : document["model"]["merges"]) {
    const std::string text = merge.get<std::string>();
    const std::string left = text.substr(0, text.find(' '));
    const std::string right = text.substr(text.find(' ') + 1);
    std::vector<std::string> merged;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
        merged.push_back(left + right);
        ++i;
      } else {
        merged.push_back(symbols[i]);
      }
    }
    symbols = merged;
  }
  Ids ids;
  for (const auto& s : symbols) ids.push_back(document["model"]["vocab"][s].get<std::int64_t>());
  return ids;
}

}  // namespace

class BpeTrainerTest : public QObject {
  Q_OBJECT

 private slots:
  void vocabularyHasTheRequestedSizeAndLayout() {
    const BpeTrainerOptions options = smallOptions(40);
    const nlohmann::json document = trainOn(corpus(3), options);
    const Tokenizer tokenizer = Tokenizer::fromJson(document, "trained");
    QCOMPARE(tokenizer.vocabSize(), options.vocabSize);
    QCOMPARE(document["model"]["merges"].size(), std::size_t(40));
    // Byte symbols first in code point order ("!" is the lowest printable), added tokens last.
    QCOMPARE(document["model"]["vocab"]["!"].get<int>(), 0);
    QCOMPARE(*tokenizer.tokenId("<|begin_of_text|>"), std::int64_t(256 + 40));
    QCOMPARE(*tokenizer.tokenId("<pad>"), options.vocabSize - 1);
    QCOMPARE(*tokenizer.bosId(), std::int64_t(256 + 40));
    QVERIFY(tokenizer.isSpecial(*tokenizer.tokenId("<|end_of_text|>")));
    QVERIFY(!tokenizer.isSpecial(*tokenizer.tokenId("<audio>")));
  }

  void encodeDecodeRoundTrips() {
    const Tokenizer tokenizer = Tokenizer::fromJson(trainOn(corpus(3), smallOptions(60)), "trained");
    const std::vector<std::string> texts = {
        "the cat sat on the mat", "an unseen sentence, with punctuation! and 123456 digits?",
        "caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve \xf0\x9f\x98\x80", "  two  spaces\nand a newline\t",
        "<audio> x </audio><video>y</video> transcribe"};
    for (const auto& text : texts) {
      const Ids ids = tokenizer.encode(text);
      QCOMPARE(ids.front(), *tokenizer.bosId());
      QCOMPARE(tokenizer.decode(ids, /*skipSpecialTokens=*/true), text);
    }
    const Ids withDelimiters = tokenizer.encode("<audio> x </audio>", false);
    QCOMPARE(withDelimiters.front(), *tokenizer.tokenId("<audio>"));
    QCOMPARE(withDelimiters.back(), *tokenizer.tokenId("</audio>"));
    // Frequent words became single tokens.
    QCOMPARE(tokenizer.encode(" the", false).size(), std::size_t(1));
  }

  void mergesFollowTheMostFrequentPairRule() {
    const auto lines = corpus(2);
    const nlohmann::json document = trainOn(lines, smallOptions(50));
    const auto expected = referenceMerges(lines, document["model"]["vocab"], 50);
    const auto found = document["model"]["merges"].get<std::vector<std::string>>();
    QCOMPARE(found.size(), expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i] != expected[i]) {
        QFAIL(("merge " + std::to_string(i) + ": trainer '" + found[i] + "', reference '" + expected[i] + "'").c_str());
      }
    }
  }

  void encodingAppliesMergesInOrder() {
    const nlohmann::json document = trainOn(corpus(2), smallOptions(50));
    const Tokenizer tokenizer = Tokenizer::fromJson(document, "trained");
    for (const std::string word : {"the", " the", " theirs", " aaaaaaa", " thought", " mat", " zebra", " sat"}) {
      QCOMPARE(tokenizer.encode(word, false), applyMergesInOrder(word, document));
    }
  }

  void trainingIsDeterministicAndOrderFree() {
    auto lines = corpus(3);
    const std::string first = trainOn(lines, smallOptions(45)).dump();
    QCOMPARE(trainOn(lines, smallOptions(45)).dump(), first);
    std::reverse(lines.begin(), lines.end());
    QCOMPARE(trainOn(lines, smallOptions(45)).dump(), first);
  }

  void savedTokenizerReadsBack() {
    const Tokenizer tokenizer = Tokenizer::fromJson(trainOn(corpus(2), smallOptions(30)), "trained");
    const std::string path =
        (std::filesystem::temp_directory_path() / ("bpe-trainer-test-" + std::to_string(::getpid()) + ".json")).string();
    tokenizer.save(path);
    const Tokenizer reread = Tokenizer::fromFile(path);
    std::filesystem::remove(path);
    for (const std::string text : {"the other cat", "<video> seen </video>", "numbers 2024"}) {
      QCOMPARE(reread.encode(text), tokenizer.encode(text));
    }
    QCOMPARE(reread.vocabSize(), tokenizer.vocabSize());
  }

  void stopsWhenNoPairRepeats() {
    BpeTrainerOptions options = smallOptions(5000);
    BpeTrainer trainer(options);
    trainer.addText("ab ab cd");
    const nlohmann::json document = trainer.train();
    // Words "ab", "Ġab", "Ġcd": only (a, b) occurs twice, so one merge and no more.
    QCOMPARE(document["model"]["merges"].size(), std::size_t(1));
    QCOMPARE(document["model"]["merges"][0].get<std::string>(), std::string("a b"));
  }

  void rejectsTooSmallVocabulary() {
    BpeTrainerOptions options;
    options.vocabSize = 100;
    BpeTrainer trainer(options);
    trainer.addText("anything");
    QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.train());
  }
};

QTEST_GUILESS_MAIN(BpeTrainerTest)
#include "BpeTrainerTest.moc"
