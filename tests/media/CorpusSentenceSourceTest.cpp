#include <QtTest>

#include <filesystem>
#include <regex>
#include <set>

#include "core/corpus/SentenceSource.h"

using sinkscope::corpus::CorpusSplit;
using sinkscope::corpus::SentenceSource;

class CorpusSentenceSourceTest : public QObject {
  Q_OBJECT

 private slots:
  void normalizesSpeakableSentences_data() {
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("speech");
    QTest::newRow("digits") << "I have 3 dogs, and 12 cats!" << "i have three dogs and twelve cats"
                            << "i have three dogs, and twelve cats.";
    QTest::newRow("apostrophe") << "Don't stop believing." << "don't stop believing" << "don't stop believing.";
    QTest::newRow("hyphen") << "Well-known facts are boring." << "well known facts are boring"
                            << "well known facts are boring.";
    QTest::newRow("quotes") << "She said \"yes\" to him?" << "she said yes to him" << "she said yes to him?";
    QTest::newRow("dash") << "It rained -- we stayed home" << "it rained we stayed home" << "it rained, we stayed home.";
    QTest::newRow("year") << "Born in 1984 in a small town" << "born in one thousand nine hundred eighty four in a small town"
                          << "born in one thousand nine hundred eighty four in a small town.";
  }
  void normalizesSpeakableSentences() {
    QFETCH(QString, raw);
    QFETCH(QString, text);
    QFETCH(QString, speech);
    const auto s = SentenceSource::normalize(raw.toStdString(), "test");
    QVERIFY2(s.has_value(), qPrintable(raw));
    QCOMPARE(QString::fromStdString(s->text), text);
    QCOMPARE(QString::fromStdString(s->speech), speech);
    QCOMPARE(s->wordCount, static_cast<int>(text.split(' ').size()));
  }

  void rejectsWhatTtsWouldSayDifferently_data() {
    QTest::addColumn<QString>("raw");
    QTest::newRow("abbreviation") << "Mr. Smith went home.";
    QTest::newRow("internal period") << "The U.S. is a big country.";
    QTest::newRow("acronym") << "The IBM machine is big.";
    QTest::newRow("non-ascii") << "The caf\xc3\xa9 was closed today.";
    QTest::newRow("symbol") << "Ten % of all cats are lazy.";
    QTest::newRow("letter") << "Press x to continue now.";
    QTest::newRow("mixed digits") << "Meet me at 10am near the gate.";
    QTest::newRow("too short") << "Hi there.";
    QTest::newRow("too long") << "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen";
    QTest::newRow("parenthesis") << "He left (quietly) before dawn.";
  }
  void rejectsWhatTtsWouldSayDifferently() {
    QFETCH(QString, raw);
    QVERIFY2(!SentenceSource::normalize(raw.toStdString(), "test").has_value(), qPrintable(raw));
  }

  void spellsNumbers() {
    QCOMPARE(SentenceSource::spellNumber(0), std::string("zero"));
    QCOMPARE(SentenceSource::spellNumber(13), std::string("thirteen"));
    QCOMPARE(SentenceSource::spellNumber(40), std::string("forty"));
    QCOMPARE(SentenceSource::spellNumber(105), std::string("one hundred five"));
    QCOMPARE(SentenceSource::spellNumber(20000), std::string("twenty thousand"));
    QCOMPARE(SentenceSource::spellNumber(999999),
             std::string("nine hundred ninety nine thousand nine hundred ninety nine"));
    QVERIFY_THROWS_EXCEPTION(std::exception, SentenceSource::spellNumber(1000000));
  }

  void splitsRunningText() {
    const auto parts = SentenceSource::splitSentences("First one. Second? \"Third!\" tail");
    QCOMPARE(parts.size(), std::size_t(4));
    QCOMPARE(parts[1], std::string(" Second?"));
    QCOMPARE(parts[2], std::string(" \"Third!\""));
  }

  void deduplicatesOnTranscript() {
    const auto source = SentenceSource::fromRaw({{"The cat sat down.", "a"}, {"the CAT sat, down!", "b"},
                                                 {"A dog barked loudly.", "a"}});
    QCOMPARE(source.sentences().size(), std::size_t(2));
    QCOMPARE(source.sentences()[0].source, std::string("a"));
  }

  // The Debian text: many clean sentences, every transcript in the allowed alphabet and
  // length, each split near its 2 % / 2 % / 2 % / 94 % share.
  void loadsDebianText() {
    if (!std::filesystem::exists("/usr/share/wordnet/data.noun")) QSKIP("wordnet-base is not installed");
    const auto source = SentenceSource::load();
    const auto& all = source.sentences();
    QVERIFY2(all.size() > 50000, qPrintable(QString::number(all.size())));
    const std::regex allowed("[a-z']+( [a-z']+)*");
    std::set<std::string> seen;
    int fortunes = 0;
    for (const auto& s : all) {
      QVERIFY2(std::regex_match(s.text, allowed), s.text.c_str());
      QVERIFY(s.wordCount >= SentenceSource::kMinWords && s.wordCount <= SentenceSource::kMaxWords);
      QVERIFY2(seen.insert(s.text).second, s.text.c_str());
      if (s.source.rfind("fortunes/", 0) == 0) ++fortunes;
    }
    QVERIFY(fortunes > 1000);
    const double n = static_cast<double>(all.size());
    for (auto split : {CorpusSplit::Test, CorpusSplit::Valid, CorpusSplit::Noise}) {
      const double share = source.ofSplit(split).size() / n;
      QVERIFY2(share > 0.015 && share < 0.025, qPrintable(QString::number(share)));
    }
  }
};

QTEST_GUILESS_MAIN(CorpusSentenceSourceTest)
#include "CorpusSentenceSourceTest.moc"
