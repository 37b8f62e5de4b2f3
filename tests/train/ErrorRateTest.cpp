#include <QtTest>

#include "core/train/ErrorRate.h"

using namespace sinkscope;

class ErrorRateTest : public QObject {
  Q_OBJECT

 private slots:
  void countsSubstitutionsDeletionsAndInsertions() {
    ErrorRate rate;
    // "sat" -> "sit" (substitution), "the" deleted: 2 edits over 6 words.
    rate.add("the cat sat on the mat", "the cat sit on mat");
    QCOMPARE(rate.wer(), 2.0 / 6.0);
    // Characters (spaces included, 22): a -> i, and "the " deleted: 5 edits.
    QCOMPARE(rate.cer(), 5.0 / 22.0);
    // A second sentence adds to the totals (jiwer's corpus-level rate): one inserted
    // word over 2 reference words.
    rate.add("hello world", "hello big world");
    QCOMPARE(rate.wer(), 3.0 / 8.0);
    QCOMPARE(rate.sentences(), std::int64_t(2));
  }

  void whiteSpaceDoesNotCount() {
    ErrorRate rate;
    rate.add("  a  b ", "a b");
    QCOMPARE(rate.wer(), 0.0);
    QCOMPARE(rate.cer(), 0.0);
    QCOMPARE(ErrorRate::editDistance({"a", "b", "c"}, {}), std::int64_t(3));
    QCOMPARE(ErrorRate().wer(), 0.0);
  }
};

QTEST_GUILESS_MAIN(ErrorRateTest)
#include "ErrorRateTest.moc"
