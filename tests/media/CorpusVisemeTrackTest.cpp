#include <QtTest>

#include "core/corpus/VisemeTrack.h"

using namespace sinkscope::corpus;

namespace {

VisemeTrack trackOf(const std::vector<std::pair<std::string, double>>& phonesWithDuration, PhoneAlphabet alphabet) {
  std::vector<Phone> phones;
  double t = 0.0;
  for (const auto& [symbol, duration] : phonesWithDuration) {
    phones.push_back({symbol, t, t + duration});
    t += duration;
  }
  return VisemeTrack(VisemeTable::segments(phones, alphabet));
}

}  // namespace

class CorpusVisemeTrackTest : public QObject {
  Q_OBJECT

 private slots:
  void mapsArpabet() {
    QCOMPARE(VisemeTable::visemesOf("p", PhoneAlphabet::Arpabet), std::vector<Viseme>{Viseme::Bilabial});
    QCOMPARE(VisemeTable::visemesOf("AA1", PhoneAlphabet::Arpabet), std::vector<Viseme>{Viseme::Open});
    QCOMPARE(VisemeTable::visemesOf("dh", PhoneAlphabet::Arpabet), std::vector<Viseme>{Viseme::Dental});
    QCOMPARE(VisemeTable::visemesOf("ay", PhoneAlphabet::Arpabet), (std::vector<Viseme>{Viseme::Open, Viseme::Spread}));
    QCOMPARE(VisemeTable::visemesOf("pau", PhoneAlphabet::Arpabet), std::vector<Viseme>{Viseme::Silence});
    QVERIFY(!VisemeTable::isKnown("xx", PhoneAlphabet::Arpabet));
    QCOMPARE(VisemeTable::visemesOf("xx", PhoneAlphabet::Arpabet), std::vector<Viseme>{Viseme::Mid});
  }

  void mapsEspeakIpa() {
    QCOMPARE(VisemeTable::visemesOf("ð", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Dental});
    QCOMPARE(VisemeTable::visemesOf("ɑː", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Open});
    QCOMPARE(VisemeTable::visemesOf("ɡ", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Velar});
    QCOMPARE(VisemeTable::visemesOf("aʊ", PhoneAlphabet::Ipa), (std::vector<Viseme>{Viseme::Open, Viseme::Round}));
    QCOMPARE(VisemeTable::visemesOf("ˈɛ", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Mid});
    QCOMPARE(VisemeTable::visemesOf("", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Silence});
    QCOMPARE(VisemeTable::visemesOf("dʒ", PhoneAlphabet::Ipa), std::vector<Viseme>{Viseme::Postalveolar});
    QVERIFY(VisemeTable::isKnown("iː", PhoneAlphabet::Ipa));
  }

  void diphthongsSplitTheirInterval() {
    const auto segs = VisemeTable::segments({{"ay", 1.0, 1.2}}, PhoneAlphabet::Arpabet);
    QCOMPARE(segs.size(), std::size_t(2));
    QCOMPARE(segs[0].endSec, 1.1);
    QCOMPARE(segs[1].viseme, Viseme::Spread);
  }

  // "pau p aa pau": the lips are shut in the middle of /p/ whatever the open vowel
  // next to it, wide open in /aa/, and nearly closed in the pause.
  void bilabialClosesAndVowelOpens() {
    const auto track = trackOf({{"pau", 0.2}, {"p", 0.08}, {"aa", 0.2}, {"pau", 0.3}}, PhoneAlphabet::Arpabet);
    QCOMPARE(track.at(0.24).opening, 0.0);
    QVERIFY(track.at(0.38).opening > 0.7);
    QVERIFY(track.at(0.38).jaw > 0.6);
    QVERIFY(track.at(0.05).opening < 0.1);
    QVERIFY(track.at(0.7).opening < 0.1);
    // Co-articulation: the opening ramps up across the p/aa boundary, not in one step.
    const double before = track.at(0.27).opening;
    const double after = track.at(0.31).opening;
    QVERIFY(before < after);
    QVERIFY(after < track.at(0.38).opening);
  }

  // Rounded vowels purse the lips, spread vowels pull the corners; and the /s/ before
  // /uw/ is already rounder than the /s/ before /iy/ (anticipatory co-articulation).
  void roundingAndAnticipation() {
    const auto su = trackOf({{"pau", 0.2}, {"s", 0.1}, {"uw", 0.2}, {"pau", 0.2}}, PhoneAlphabet::Arpabet);
    const auto si = trackOf({{"pau", 0.2}, {"s", 0.1}, {"iy", 0.2}, {"pau", 0.2}}, PhoneAlphabet::Arpabet);
    QVERIFY(su.at(0.4).width < -0.4);
    QVERIFY(su.at(0.4).protrusion > 0.6);
    QVERIFY(si.at(0.4).width > 0.4);
    QVERIFY(su.at(0.25).width < si.at(0.25).width - 0.1);
  }

  void labiodentalTucksTheLowerLip() {
    const auto track = trackOf({{"pau", 0.2}, {"f", 0.12}, {"pau", 0.2}}, PhoneAlphabet::Arpabet);
    QVERIFY(track.at(0.26).lipTuck > 0.5);
    QVERIFY(track.at(0.26).teeth > 0.5);
    QVERIFY(track.at(0.05).lipTuck < 0.1);
  }

  // Frame i is the mouth at t = i / 25 (averaged over a short exposure).
  void framesSampleAtTwentyFivePerSecond() {
    const auto track = trackOf({{"pau", 0.2}, {"aa", 0.4}, {"m", 0.2}, {"pau", 0.2}}, PhoneAlphabet::Arpabet);
    const auto frames = track.frames(25, 25.0);
    QCOMPARE(frames.size(), std::size_t(25));
    QVERIFY(std::abs(frames[10].opening - track.at(0.4).opening) < 0.05);
    QCOMPARE(frames[17].opening, 0.0);  // t = 0.68 s, inside /m/
  }

  void emptyTrackIsSilence() {
    VisemeTrack track({});
    QCOMPARE(track.at(1.0).opening, VisemeTable::target(Viseme::Silence).opening);
  }
};

QTEST_GUILESS_MAIN(CorpusVisemeTrackTest)
#include "CorpusVisemeTrackTest.moc"
