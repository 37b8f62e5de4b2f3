#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/text/Tokenizer.h"
#include "core/train/DrillWindows.h"
#include "core/train/PhonemeTable.h"

using namespace sinkscope;

namespace {

// Ids as sinkscope's BPE lays them out: ordinary tokens first, the special ones last.
constexpr std::int64_t kVocab = 100;
DrillWindows::Ids ids() {
  DrillWindows::Ids result;
  result.bos = 93;
  result.eos = 94;
  result.audioStart = 95;
  result.audioEnd = 96;
  result.videoStart = 97;
  result.videoEnd = 98;
  result.prompts = {{10, 11}, {12, 13}, {14, 15, 16}};
  return result;
}
// Sentences of distinct ordinary tokens (20-89), so a drill's parts can be told apart.
std::vector<std::vector<std::int32_t>> sentences() {
  return {{20, 21, 22}, {30, 31, 32, 33, 34}, {40}, {50, 51, 52, 53, 54, 55, 56, 57}, {60, 61}};
}
// Their spellings: "character" tokens 1-9, which no sentence uses, 2-3 per sentence token.
std::vector<std::vector<std::int32_t>> spellings() {
  return {{1, 2, 3, 4, 5, 6, 7}, {2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3}, {7, 8}, {1, 3, 5, 7, 9, 2, 4, 6, 8, 1, 3, 5, 7, 9, 2, 4, 6}, {9, 8, 7, 6}};
}
constexpr std::int64_t kT = 64;

// The spans between each `start` and the `end` after it in a window of tokens.
std::vector<std::vector<std::int64_t>> audioSpans(const std::vector<std::int64_t>& window, std::int64_t start,
                                                  std::int64_t end) {
  std::vector<std::vector<std::int64_t>> spans;
  auto open = std::find(window.begin(), window.end(), start);
  while (open != window.end()) {
    const auto close = std::find(open, window.end(), end);
    if (close == window.end()) break;
    spans.emplace_back(open + 1, close);
    open = std::find(close, window.end(), start);
  }
  return spans;
}

// The bundled LLM's tokenizer.json (models/shared/llm-*), or "" when there is none.
std::string bundledTokenizerPath() {
  std::string path;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SINKSCOPE_SOURCE_DIR) + "/models/shared"))
    if (entry.path().filename().string().rfind("llm-", 0) == 0) path = (entry.path() / "tokenizer.json").string();
  return path;
}

}  // namespace

class DrillWindowsTest : public QObject {
  Q_OBJECT

 private slots:
  void windowIsLaidOutLikeAnAvsrSequence() {
    const DrillWindows drills(sentences(), ids(), kT, kVocab, 5);
    const auto known = sentences();
    const DrillWindows::Ids special = ids();
    std::int64_t stretchedTokens = 0, keptTokens = 0;  // swaps replace ~10 %
    for (std::int64_t row = 0; row < 20; ++row) {
      std::vector<std::int64_t> inputs(static_cast<std::size_t>(2 * kT), -1), targets(inputs.size(), -1);
      drills.fill(7 + row, 1, inputs, targets);  // row 1 of the batch: offset T
      QCOMPARE(inputs[0], std::int64_t(-1));  // row 0 untouched
      QCOMPARE(inputs[kT], special.bos);
      for (std::int64_t t = 0; t + 1 < kT; ++t) QCOMPARE(targets[static_cast<std::size_t>(kT + t)], inputs[static_cast<std::size_t>(kT + t + 1)]);

      // Walk the drills that fit wholly: delimited stretch(es), a prompt, the sentence, EOS.
      std::vector<std::int64_t> seq(inputs.begin() + kT, inputs.end());
      seq.push_back(targets.back());
      std::size_t i = 1, complete = 0;
      while (i < seq.size()) {
        std::vector<std::vector<std::int64_t>> stretches;
        while (i < seq.size() && (seq[i] == special.audioStart || seq[i] == special.videoStart)) {
          const std::int64_t end = seq[i] == special.audioStart ? special.audioEnd : special.videoEnd;
          const auto close = std::find(seq.begin() + static_cast<std::ptrdiff_t>(i), seq.end(), end);
          if (close == seq.end()) { i = seq.size(); break; }
          stretches.emplace_back(seq.begin() + static_cast<std::ptrdiff_t>(i) + 1, close);
          i = static_cast<std::size_t>(close - seq.begin()) + 1;
        }
        if (i >= seq.size()) break;
        QVERIFY(!stretches.empty() && stretches.size() <= 2);
        const auto& prompt = special.prompts[stretches.size() == 2 ? 2 : (seq[i - 1] == special.audioEnd ? 0 : 1)];
        if (i + prompt.size() > seq.size()) break;
        QVERIFY(std::equal(prompt.begin(), prompt.end(), seq.begin() + static_cast<std::ptrdiff_t>(i)));
        i += prompt.size();
        const auto eos = std::find(seq.begin() + static_cast<std::ptrdiff_t>(i), seq.end(), special.eos);
        if (eos == seq.end()) break;
        const std::vector<std::int64_t> said(seq.begin() + static_cast<std::ptrdiff_t>(i), eos);
        const auto match = std::find_if(known.begin(), known.end(), [&](const auto& s) {
          return std::equal(s.begin(), s.end(), said.begin(), said.end());
        });
        QVERIFY2(match != known.end(), "the response is not one of the sentences");
        for (const auto& stretch : stretches) {
          // Each token 1-4 times; swaps replace some with ordinary tokens, never special ones.
          QVERIFY(stretch.size() >= said.size() && stretch.size() <= 4 * said.size());
          const auto fromSentence = std::count_if(stretch.begin(), stretch.end(), [&](std::int64_t t) {
            return std::find(said.begin(), said.end(), t) != said.end();
          });
          stretchedTokens += static_cast<std::int64_t>(stretch.size());
          keptTokens += fromSentence;
          for (const auto t : stretch) QVERIFY(t >= 0 && t < special.bos);
        }
        i = static_cast<std::size_t>(eos - seq.begin()) + 1;
        ++complete;
      }
      QVERIFY2(complete >= 1, "no whole drill in a 64-token window");
    }
    QVERIFY2(keptTokens * 100 >= stretchedTokens * 80 && keptTokens < stretchedTokens,
             qPrintable(QString("%1 of %2 stretched tokens from the sentence").arg(keptTokens).arg(stretchedTokens)));
  }

  void rowsArePureFunctionsOfSeedStepAndRow() {
    const DrillWindows a(sentences(), ids(), kT, kVocab, 5), b(sentences(), ids(), kT, kVocab, 5),
        other(sentences(), ids(), kT, kVocab, 6);
    std::vector<std::int64_t> x(static_cast<std::size_t>(kT)), y(x.size()), z(x.size()), tx(x.size()), ty(x.size()),
        tz(x.size());
    a.fill(11, 0, x, tx);
    b.fill(11, 0, y, ty);
    other.fill(11, 0, z, tz);
    QCOMPARE(x, y);
    QCOMPARE(tx, ty);
    QVERIFY(x != z);
    b.fill(12, 0, y, ty);
    QVERIFY(x != y);
  }

  void spellingDrillsStretchTheCharacters() {
    // All drills spelt: every complete span holds the sentence's character tokens, each
    // 1-2 times (a few swapped), never its BPE tokens; the response stays the sentence.
    const DrillWindows drills(sentences(), ids(), kT, kVocab, 5, spellings(), 1.0);
    const auto spelt = spellings();
    std::int64_t total = 0, characters = 0, spans = 0;
    for (std::int64_t step = 0; step < 40; ++step) {
      std::vector<std::int64_t> inputs(static_cast<std::size_t>(kT)), targets(inputs.size());
      drills.fill(step, 0, inputs, targets);
      for (const auto& span : audioSpans(inputs, ids().audioStart, ids().audioEnd)) {
        const auto match = std::find_if(spelt.begin(), spelt.end(), [&](const auto& s) {
          return span.size() >= s.size() && span.size() <= 2 * s.size() && span.front() == s.front();
        });
        if (match == spelt.end()) continue;  // its first character was swapped: counted below only
        ++spans;
        total += static_cast<std::int64_t>(span.size());
        characters += std::count_if(span.begin(), span.end(), [](std::int64_t t) { return t >= 1 && t <= 9; });
      }
    }
    QVERIFY2(spans >= 20, qPrintable(QString::number(spans)));
    QVERIFY2(characters * 100 >= total * 80 && characters < total,
             qPrintable(QString("%1 of %2 spelt tokens are characters").arg(characters).arg(total)));

    // Half spelt: both kinds of span appear, and spelling needs every sentence spelt.
    const DrillWindows mixed(sentences(), ids(), kT, kVocab, 5, spellings(), 0.5);
    int speltSpans = 0, tokenSpans = 0;
    for (std::int64_t step = 0; step < 40; ++step) {
      std::vector<std::int64_t> inputs(static_cast<std::size_t>(kT)), targets(inputs.size());
      mixed.fill(step, 0, inputs, targets);
      for (const auto& span : audioSpans(inputs, ids().audioStart, ids().audioEnd)) {
        const auto low = std::count_if(span.begin(), span.end(), [](std::int64_t t) { return t >= 1 && t <= 9; });
        (low * 2 > static_cast<std::int64_t>(span.size()) ? speltSpans : tokenSpans) += 1;
      }
    }
    QVERIFY2(speltSpans >= 5 && tokenSpans >= 5, qPrintable(QString("%1 / %2").arg(speltSpans).arg(tokenSpans)));
    QVERIFY_THROWS_EXCEPTION(std::exception, DrillWindows(sentences(), ids(), kT, kVocab, 5, {}, 0.5));
  }

  void characterErrorsSubstituteDropAndInsertCharacters() {
    // One sentence spelt 1..7 (no letter twice in a row), so every span is a stretched,
    // perhaps corrupted copy of it: collapsing repeats of its character tokens gives the
    // spelling back unless a character error (or a swap) changed it.
    const std::vector<std::vector<std::int32_t>> one{{20, 21, 22}};
    const std::vector<std::vector<std::int32_t>> spelt{{1, 2, 3, 4, 5, 6, 7}};
    auto measure = [&](double charErrors, int* exact, int* shorter, int* spans, std::int64_t* characters,
                       std::int64_t* total) {
      const DrillWindows drills(one, ids(), kT, kVocab, 5, spelt, 1.0, charErrors);
      *exact = *shorter = *spans = 0;
      *characters = *total = 0;
      for (std::int64_t step = 0; step < 200; ++step) {
        std::vector<std::int64_t> inputs(static_cast<std::size_t>(kT)), targets(inputs.size());
        drills.fill(step, 0, inputs, targets);
        for (const auto& span : audioSpans(inputs, ids().audioStart, ids().audioEnd)) {
          std::vector<std::int64_t> collapsed;
          for (const std::int64_t t : span) {
            ++*total;
            if (t < 1 || t > 7) continue;  // a swap
            ++*characters;
            if (collapsed.empty() || collapsed.back() != t) collapsed.push_back(t);
          }
          ++*spans;
          *exact += collapsed == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7} ? 1 : 0;
          *shorter += span.size() < 7 ? 1 : 0;
        }
      }
    };
    int exact = 0, shorter = 0, spans = 0;
    std::int64_t characters = 0, total = 0;
    measure(0.0, &exact, &shorter, &spans, &characters, &total);
    QVERIFY2(spans >= 100 && exact * 100 >= spans * 60, qPrintable(QString("%1 of %2 exact").arg(exact).arg(spans)));
    QCOMPARE(shorter, 0);  // without errors nothing is dropped: each character 1-2 times
    // Error rates drawn from [0, 1): most spans change, some lose characters, and the
    // substitutes and insertions are characters of the corpus, not arbitrary tokens.
    measure(1.0, &exact, &shorter, &spans, &characters, &total);
    QVERIFY2(exact * 100 <= spans * 40, qPrintable(QString("%1 of %2 exact").arg(exact).arg(spans)));
    QVERIFY2(shorter * 100 >= spans * 5, qPrintable(QString("%1 of %2 shorter").arg(shorter).arg(spans)));
    QVERIFY2(characters * 100 >= total * 80, qPrintable(QString("%1 of %2 characters").arg(characters).arg(total)));
    // Token (not spelt) drills ignore the setting.
    const DrillWindows plain(one, ids(), kT, kVocab, 5, spelt, 0.0, 0.0), plainErrors(one, ids(), kT, kVocab, 5, spelt, 0.0, 1.0);
    std::vector<std::int64_t> a(static_cast<std::size_t>(kT)), b(a.size()), ta(a.size()), tb(a.size());
    plain.fill(3, 0, a, ta);
    plainErrors.fill(3, 0, b, tb);
    QCOMPARE(a, b);
    QVERIFY_THROWS_EXCEPTION(std::exception, DrillWindows(one, ids(), kT, kVocab, 5, spelt, 1.0, 1.5));
  }

  void fromLinesSpellsWithSingleCharacterTokens() {
    // With the bundled LLM's byte-level BPE: spelt spans are tokens of one character each.
    const std::string path = bundledTokenizerPath();
    QVERIFY2(!path.empty(), "no bundled LLM");
    const Tokenizer tokenizer = Tokenizer::fromFile(path);
    const std::vector<std::string> lines = {"the cat sat on the mat", "a quick brown fox jumps over it"};
    const DrillWindows drills = DrillWindows::fromLines(tokenizer, lines, 256, 3, 1.0);
    std::vector<std::int64_t> inputs(256), targets(256);
    drills.fill(1, 0, inputs, targets);
    const auto start = *tokenizer.tokenId("<audio>"), end = *tokenizer.tokenId("</audio>");
    std::int64_t total = 0, single = 0;
    for (const auto& span : audioSpans(inputs, start, end))
      for (const std::int64_t token : span) {
        ++total;
        single += tokenizer.decode({token}).size() == 1 ? 1 : 0;
      }
    QVERIFY2(total >= 40, qPrintable(QString::number(total)));
    QVERIFY2(single * 100 >= total * 80, qPrintable(QString("%1 of %2 single characters").arg(single).arg(total)));
  }

  void phonemeDrillsSpellTheTablesPhonemes() {
    // With a phoneme table, a spelt span holds each code's byte token (0x80 + its index)
    // and the space between words, in the table's order; a line the table lacks is an error.
    const std::string path = bundledTokenizerPath();
    QVERIFY2(!path.empty(), "no bundled LLM");
    const Tokenizer tokenizer = Tokenizer::fromFile(path);
    const std::filesystem::path table =
        std::filesystem::temp_directory_path() / ("drill-phonemes-" + std::to_string(QCoreApplication::applicationPid()) + ".tsv");
    { std::ofstream(table) << "the cat\tIq kzt\n"; }
    const PhonemeTable phonemes = PhonemeTable::fromFile(table.string());
    const std::vector<std::int64_t> codes = DrillWindows::phonemeTokens(tokenizer);
    QCOMPARE(codes.size(), PhonemeTable::codes().size());
    // Distinct tokens, none of them a letter's or the space's (lone bytes >= 0x80).
    std::vector<std::int64_t> sorted = codes;
    std::sort(sorted.begin(), sorted.end());
    QVERIFY(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    for (const char letter : std::string("abcdefghijklmnopqrstuvwxyz '"))
      for (const std::int64_t id : tokenizer.encode(std::string(1, letter), false))
        QVERIFY(!std::binary_search(sorted.begin(), sorted.end(), id));
    const DrillWindows drills = DrillWindows::fromLines(tokenizer, {"the cat"}, 256, 3, 1.0, 0.0, &phonemes);
    std::vector<std::int64_t> inputs(256), targets(256);
    drills.fill(1, 0, inputs, targets);
    const auto start = *tokenizer.tokenId("<audio>"), end = *tokenizer.tokenId("</audio>");
    const auto code = [&](char c) { return codes.at(PhonemeTable::codes().find(c)); };
    const std::vector<std::int64_t> space = tokenizer.encode(" ", false);
    QCOMPARE(space.size(), std::size_t{1});
    const std::vector<std::int64_t> expected = {code('I'), code('q'), space[0], code('k'), code('z'), code('t')};
    const auto spans = audioSpans(inputs, start, end);
    QVERIFY(!spans.empty());
    for (const auto& span : spans) {
      // Each unit stretched 1-2 times, a tenth swapped for a random token (which can take
      // all of a unit's copies): with repeats merged and the other tokens dropped, the
      // span reads the table's units in order, at most two of them missing.
      std::vector<std::int64_t> kept;
      for (const std::int64_t token : span) {
        const bool unit = std::find(expected.begin(), expected.end(), token) != expected.end();
        if (unit && (kept.empty() || kept.back() != token)) kept.push_back(token);
      }
      auto next = expected.begin();
      for (const std::int64_t token : kept) {
        next = std::find(next, expected.end(), token);
        QVERIFY2(next != expected.end(), "a unit out of the table's order");
        ++next;
      }
      QVERIFY(kept.size() + 2 >= expected.size());
    }
    QVERIFY_THROWS_EXCEPTION(std::exception, DrillWindows::fromLines(tokenizer, {"a dog"}, 256, 3, 1.0, 0.0, &phonemes));
    std::filesystem::remove(table);
  }

  void drillShareFollowsTheFraction() {
    const DrillWindows drills(sentences(), ids(), kT, kVocab, 5);
    int count = 0;
    for (std::int64_t step = 1; step <= 500; ++step)
      for (std::int64_t row = 0; row < 8; ++row) count += drills.isDrill(step, row, 0.3) ? 1 : 0;
    QVERIFY2(count > 1100 && count < 1300, qPrintable(QString::number(count)));
    QVERIFY(!drills.isDrill(1, 0, 0.0));
    QVERIFY(drills.isDrill(1, 0, 1.0));
  }
};

QTEST_APPLESS_MAIN(DrillWindowsTest)
#include "DrillWindowsTest.moc"
