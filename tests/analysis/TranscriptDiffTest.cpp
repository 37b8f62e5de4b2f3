// The transcript diff the interventions panel shows: on the 600 jiwer fixture pairs
// (scripts/fixtures/make_wer_fixtures.py) its edit count equals jiwer's word errors,
// its added/removed/changed split equals ErrorRate's insertions/deletions/
// substitutions, and reading its before and after columns gives back both normalised
// transcripts word for word.
#include <QtTest>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/analysis/ErrorRate.h"
#include "core/analysis/TranscriptDiff.h"

using namespace sinkscope;

namespace {

std::string joined(const TranscriptDiff& diff, bool after) {
  std::string out;
  for (const WordEdit& e : diff.edits()) {
    const std::string& word = after ? e.after : e.before;
    if (word.empty()) continue;
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

}  // namespace

class TranscriptDiffTest : public QObject {
  Q_OBJECT

 private slots:
  void namesEachKindOfEdit() {
    const TranscriptDiff changed = TranscriptDiff::of("The cat sat", "the dog sat");
    QCOMPARE(changed.changed(), 1);
    QCOMPARE(changed.added() + changed.removed(), 0);
    QCOMPARE(changed.edits()[1].kind, WordEdit::Kind::Changed);
    QCOMPARE(QString::fromStdString(changed.edits()[1].before), QString("cat"));
    QCOMPARE(QString::fromStdString(changed.edits()[1].after), QString("dog"));

    // One removal and one addition (2 edits) beat three changes.
    const TranscriptDiff moved = TranscriptDiff::of("red green blue yellow", "red blue yellow pink");
    QCOMPARE(moved.removed(), 1);
    QCOMPARE(moved.added(), 1);
    QCOMPARE(moved.changed(), 0);
    QCOMPARE(moved.edits()[1].kind, WordEdit::Kind::Removed);
    QCOMPARE(QString::fromStdString(moved.edits()[1].before), QString("green"));
    QCOMPARE(moved.edits().back().kind, WordEdit::Kind::Added);
    QCOMPARE(QString::fromStdString(moved.edits().back().after), QString("pink"));

    QVERIFY(TranscriptDiff::of("Same  words", "same words").identical());
    QCOMPARE(TranscriptDiff::of("", "a b").added(), 2);
    QCOMPARE(TranscriptDiff::of("a b", "").removed(), 2);
  }

  void agreesWithJiwerAndErrorRate() {
    std::ifstream in(std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/analysis/wer_pairs.json");
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json data = nlohmann::json::parse(text.str());
    const auto& pairs = data.at("pairs");
    QVERIFY(pairs.size() >= 500);
    const ErrorRate rate;
    for (const auto& pair : pairs) {
      const std::string reference = pair.at("reference");
      const std::string hypothesis = pair.at("hypothesis");
      const TranscriptDiff diff = TranscriptDiff::of(reference, hypothesis);
      const EditCounts counts = rate.words(reference, hypothesis);
      const auto expected = pair.at("plain").at("word_errors").get<int>();
      QCOMPARE(diff.added() + diff.removed() + diff.changed(), expected);
      QCOMPARE(diff.changed(), int(counts.substitutions));
      QCOMPARE(diff.removed(), int(counts.deletions));
      QCOMPARE(diff.added(), int(counts.insertions));
      QCOMPARE(joined(diff, false), ErrorRate::normalize(reference, false));
      QCOMPARE(joined(diff, true), ErrorRate::normalize(hypothesis, false));
    }
  }
};

QTEST_GUILESS_MAIN(TranscriptDiffTest)
#include "TranscriptDiffTest.moc"
