#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/base/Error.h"
#include "core/train/TextCorpus.h"

using namespace sinkscope;

namespace {

std::filesystem::path tempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("corpus-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

void writeText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

class TextCorpusTest : public QObject {
  Q_OBJECT

 private slots:
  void normalizesLikeTranscripts() {
    QCOMPARE(TextCorpus::normalize("  The Cat\tSAT\n on the MAT.  "), std::string("the cat sat on the mat."));
    QCOMPARE(TextCorpus::normalize("caf\xc3\xa9"), std::string());           // non-ASCII: dropped
    QCOMPARE(TextCorpus::normalize("under_\bline"), std::string());          // overstrike: dropped
    QCOMPARE(TextCorpus::normalize("   "), std::string());
  }

  void readsWordnetGlossesAndExamples() {
    const auto dir = tempDir("wordnet");
    const std::string licence = "  1 This software and database is being provided to you\n";
    writeText(dir / "data.noun",
              licence + "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known  \n"
                        "00002137 03 n 02 abstraction 0 | a general concept; \"the Abstraction of Ideas; a fact\"; "
                        "\"he said so\"--Smith  \n");
    writeText(dir / "data.verb", licence + "00001 29 v 01 breathe 0 | draw air into the lungs; \"Breathe deeply\"\n");
    writeText(dir / "data.adj", licence);
    writeText(dir / "data.adv", licence);
    const auto sentences = TextCorpus::wordnetSentences(dir.string());
    const std::vector<std::string> expected = {"that which is perceived or known", "a general concept",
                                               "the abstraction of ideas; a fact", "he said so",
                                               "draw air into the lungs", "breathe deeply"};
    QCOMPARE(sentences, expected);
    std::filesystem::remove_all(dir);
  }

  void readsFortunesAndSkipsPictures() {
    const auto dir = tempDir("fortunes");
    writeText(dir / "wisdom", "A Penny saved\nis a penny earned.\n%\n+--+--+--+\n|  |  |  |\n%\nShort one.\n");
    writeText(dir / "wisdom.dat", "binary index");
    writeText(dir / "art", "A drawing that looks like words.\n");
    const auto sentences = TextCorpus::fortuneSentences(dir.string());
    const std::vector<std::string> expected = {"a penny saved is a penny earned.", "short one."};
    QCOMPARE(sentences, expected);
    std::filesystem::remove_all(dir);
  }

  void transcriptKeysFollowTheAvsrCorpus() {
    QCOMPARE(TextCorpus::transcriptKey("Well-known, isn't it?"), std::string("well known isn't it"));
    QCOMPARE(TextCorpus::transcriptKey("  \"Quoted\" -- 'words' here.  "), std::string("quoted words here"));
    // FNV-1a-64 mod 100 of the key (values from an independent implementation; the
    // corpus's train.csv has "a hallucinogenic ..." in bucket 21).
    QCOMPARE(TextCorpus::bucket("a"), 96);
    QCOMPARE(TextCorpus::bucket("A hallucinogenic compound, obtained from a mushroom."), 21);
    QCOMPARE(TextCorpus::bucket("the big big"), 0);
    // A line's bucket is its lowest sentence's.
    QCOMPARE(TextCorpus::bucket("a hallucinogenic compound obtained from a mushroom. the mat the!"), 1);
  }

  void splitsByHashAndDropsDuplicates() {
    std::vector<std::string> lines;
    for (int i = 0; i < 2000; ++i) lines.push_back("sentence number " + std::to_string(i));
    lines.push_back("Sentence Number 5");  // a duplicate once normalised
    const TextCorpus corpus = TextCorpus::fromLines(lines, 10);
    QCOMPARE(corpus.trainLines().size() + corpus.heldoutLines().size(), std::size_t(2000));
    QVERIFY(corpus.heldoutLines().size() > 120 && corpus.heldoutLines().size() < 280);
    // The split depends on the line, not on its position.
    std::vector<std::string> reversed(lines.rbegin(), lines.rend());
    const TextCorpus again = TextCorpus::fromLines(reversed, 10);
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    QCOMPARE(sorted(again.heldoutLines()), sorted(corpus.heldoutLines()));

    // Written and read back as a text file: the same split.
    const auto dir = tempDir("write");
    corpus.write((dir / "corpus.txt").string());
    const TextCorpus reread = TextCorpus::build({"", "", {(dir / "corpus.txt").string()}}, 10);
    QCOMPARE(reread.trainLines(), corpus.trainLines());
    QCOMPARE(reread.heldoutLines(), corpus.heldoutLines());
    std::filesystem::remove_all(dir);
  }

  void missingSourcesAreErrors() {
    QVERIFY_THROWS_EXCEPTION(Error, TextCorpus::wordnetSentences("/nonexistent/wordnet"));
    QVERIFY_THROWS_EXCEPTION(Error, TextCorpus::fortuneSentences("/nonexistent/fortunes"));
    QVERIFY_THROWS_EXCEPTION(Error, TextCorpus::fromLines({"only one line"}, 4));
  }

  void debianSourcesGiveEnoughText() {
    if (!std::filesystem::exists("/usr/share/wordnet/data.noun") ||
        !std::filesystem::exists("/usr/share/games/fortunes/fortunes")) {
      QSKIP("wordnet-base or fortunes is not installed");
    }
    const TextCorpus corpus = TextCorpus::build({"/usr/share/wordnet", "/usr/share/games/fortunes", {}}, 4);
    QVERIFY(corpus.trainLines().size() > 150000);
    QVERIFY(corpus.characterCount() > 8000000);
    for (const auto& line : corpus.trainLines()) {
      QVERIFY(std::none_of(line.begin(), line.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    }
  }
};

QTEST_GUILESS_MAIN(TextCorpusTest)
#include "TextCorpusTest.moc"
