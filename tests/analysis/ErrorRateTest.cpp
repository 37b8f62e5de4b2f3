// WER and CER against jiwer on 600 fixture pairs (scripts/fixtures/make_wer_fixtures.py):
// per-pair error counts and reference lengths, and corpus rates, with and without
// punctuation stripping.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/analysis/ErrorRate.h"

using namespace sinkscope;

namespace {

nlohmann::json fixture() {
  std::ifstream in(std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/analysis/wer_pairs.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

}  // namespace

class ErrorRateTest : public QObject {
  Q_OBJECT

 private slots:
  void normalisationFollowsLlamaAvsr() {
    QCOMPARE(QString::fromStdString(ErrorRate::normalize("  Hello,\tWORLD \n again ", false)),
             QString("hello, world again"));
    QCOMPARE(QString::fromStdString(ErrorRate::normalize("Don't  STOP!", true)), QString("dont stop"));
    QCOMPARE(QString::fromStdString(ErrorRate::normalize("CAFÉ Über", false)), QString::fromUtf8("café über"));
    QCOMPARE(QString::fromStdString(ErrorRate::normalize(" ... ", true)), QString(""));
  }

  void alignmentCountsEachKindOfEdit() {
    const ErrorRate rate;
    const EditCounts c = rate.words("a b c d", "a x c d e");
    QCOMPARE(c.substitutions, std::int64_t(1));
    QCOMPARE(c.insertions, std::int64_t(1));
    QCOMPARE(c.deletions, std::int64_t(0));
    QCOMPARE(c.referenceLength, std::int64_t(4));
    const EditCounts d = rate.words("a b c", "");
    QCOMPARE(d.deletions, std::int64_t(3));
    QCOMPARE(d.rate(), 1.0);
    QVERIFY(std::isnan(rate.words("", "").rate()));
    QCOMPARE(rate.characters("ab c", "a c").errors(), std::int64_t(1));
    QCOMPARE(rate.characters("ab c", "a c").referenceLength, std::int64_t(4));
  }

  void agreesWithJiwerOnEveryFixturePair() {
    const nlohmann::json data = fixture();
    const auto& pairs = data.at("pairs");
    QVERIFY(pairs.size() >= 500);
    int agreed = 0;
    for (const bool strip : {false, true}) {
      const std::string key = strip ? "strip_punctuation" : "plain";
      ErrorRate corpus(strip);
      for (const auto& pair : pairs) {
        const std::string reference = pair.at("reference");
        const std::string hypothesis = pair.at("hypothesis");
        const auto& expected = pair.at(key);
        const EditCounts words = corpus.words(reference, hypothesis);
        const EditCounts chars = corpus.characters(reference, hypothesis);
        const bool same = words.errors() == expected.at("word_errors").get<std::int64_t>() &&
                          words.referenceLength == expected.at("word_reference").get<std::int64_t>() &&
                          chars.errors() == expected.at("char_errors").get<std::int64_t>() &&
                          chars.referenceLength == expected.at("char_reference").get<std::int64_t>();
        if (!same) {
          QFAIL(qPrintable(QString("%1: '%2' vs '%3': words %4/%5, chars %6/%7, jiwer %8")
                               .arg(QString::fromStdString(key), QString::fromStdString(reference),
                                    QString::fromStdString(hypothesis))
                               .arg(words.errors())
                               .arg(words.referenceLength)
                               .arg(chars.errors())
                               .arg(chars.referenceLength)
                               .arg(QString::fromStdString(expected.dump()))));
        }
        ++agreed;
        corpus.add(reference, hypothesis);
      }
      const auto& totals = data.at("corpus").at(key);
      QVERIFY(std::fabs(corpus.wer() - totals.at("wer").get<double>()) < 1e-12);
      QVERIFY(std::fabs(corpus.cer() - totals.at("cer").get<double>()) < 1e-12);
    }
    qInfo("jiwer agreement: %d of %d pair evaluations", agreed, int(2 * pairs.size()));
  }
};

QTEST_GUILESS_MAIN(ErrorRateTest)
#include "ErrorRateTest.moc"
