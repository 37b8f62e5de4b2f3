#include <QtTest>

#include "core/corpus/VisemeTable.h"
#include "core/corpus/VoiceCatalog.h"

using namespace sinkscope::corpus;

class CorpusTtsEngineTest : public QObject {
  Q_OBJECT

 private slots:
  // Every catalogued voice speaks a sentence as 16 kHz audio with phones that are in
  // time order, inside the audio, cover most of it, and that the viseme table knows.
  void everyVoiceSpeaksWithTimedPhones_data() {
    QTest::addColumn<QString>("id");
    for (const auto& v : VoiceCatalog::all()) QTest::newRow(v.id.c_str()) << QString::fromStdString(v.id);
  }
  void everyVoiceSpeaksWithTimedPhones() {
    QFETCH(QString, id);
    const auto voice = VoiceCatalog::select(id.toStdString()).front();
    if (!VoiceCatalog::available(voice)) QSKIP(qPrintable(id + " is not installed"));
    auto engine = VoiceCatalog::makeEngine(voice);
    const auto speech = engine->synthesize("the quick brown fox, jumps over the lazy dog.", voice, Prosody{});
    const double seconds = speech.samples.size() / 16000.0;
    QVERIFY2(seconds > 1.2 && seconds < 6.0, qPrintable(QString::number(seconds)));
    QVERIFY(speech.phones.size() >= 25);
    double previous = 0.0;
    for (const auto& p : speech.phones) {
      QVERIFY(p.startSec >= previous - 1e-9);
      QVERIFY(p.endSec > p.startSec);
      QVERIFY(p.endSec <= seconds + 1e-6);
      QVERIFY2(VisemeTable::isKnown(p.symbol, speech.alphabet), p.symbol.c_str());
      previous = p.endSec;
    }
    QVERIFY(speech.phones.back().endSec > 0.8 * seconds);
    // Bilabial /m/ of "jumps" and labiodental /v/ of "over" are among the visemes.
    const auto segs = VisemeTable::segments(speech.phones, speech.alphabet);
    QVERIFY(std::any_of(segs.begin(), segs.end(), [](const auto& s) { return s.viseme == Viseme::Bilabial; }));
    QVERIFY(std::any_of(segs.begin(), segs.end(), [](const auto& s) { return s.viseme == Viseme::Labiodental; }));
  }

  // A faster rate gives shorter audio (festival's HTS voice included).
  void rateChangesDuration_data() {
    QTest::addColumn<QString>("id");
    for (const char* id : {"espeak-en-us+m3", "flite-slt", "festival-ked"}) QTest::newRow(id) << QString(id);
  }
  void rateChangesDuration() {
    QFETCH(QString, id);
    const auto voice = VoiceCatalog::select(id.toStdString()).front();
    if (!VoiceCatalog::available(voice)) QSKIP(qPrintable(id + " is not installed"));
    auto engine = VoiceCatalog::makeEngine(voice);
    const std::string text = "a sentence spoken at two different speeds.";
    const auto slow = engine->synthesize(text, voice, Prosody{0.8, 1.0});
    const auto fast = engine->synthesize(text, voice, Prosody{1.25, 1.0});
    QVERIFY2(fast.samples.size() < 0.85 * slow.samples.size(),
             qPrintable(QString("%1 vs %2").arg(fast.samples.size()).arg(slow.samples.size())));
  }

  void unknownVoiceIsAConfigError() {
    QVERIFY_THROWS_EXCEPTION(std::exception, VoiceCatalog::select("flite-nobody"));
    QCOMPARE(VoiceCatalog::select("all").size(), VoiceCatalog::all().size());
  }
};

QTEST_GUILESS_MAIN(CorpusTtsEngineTest)
#include "CorpusTtsEngineTest.moc"
