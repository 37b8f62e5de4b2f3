#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "core/base/Error.h"
#include "core/train/EpochSampler.h"

using namespace sinkscope;

namespace {

// Lengths 20..200 in a scrambled order, like the corpus's utterance lengths.
std::vector<std::int64_t> scrambledLengths(std::size_t count) {
  std::vector<std::int64_t> lengths(count);
  for (std::size_t i = 0; i < count; ++i) lengths[i] = 20 + static_cast<std::int64_t>((i * 7919) % 181);
  return lengths;
}

// The summed padding of one epoch's batches: Σ (longest − length) over rows.
std::int64_t paddingOfEpoch(EpochSampler& sampler, const std::vector<std::int64_t>& lengths, std::int64_t batch) {
  const std::int64_t steps = static_cast<std::int64_t>(lengths.size()) / batch;
  std::int64_t padding = 0;
  for (std::int64_t step = 1; step <= steps; ++step) {
    std::vector<std::int64_t> rows;
    for (std::int64_t b = 0; b < batch; ++b) rows.push_back(lengths[sampler.at(step, batch, b)]);
    const std::int64_t longest = *std::max_element(rows.begin(), rows.end());
    for (auto length : rows) padding += longest - length;
  }
  return padding;
}

}  // namespace

class EpochSamplerTest : public QObject {
  Q_OBJECT

 private slots:
  void everyEpochVisitsEveryUtteranceOnce() {
    const auto lengths = scrambledLengths(1000);
    for (std::int64_t buckets : {0, 4}) {
      EpochSampler sampler = buckets > 0 ? EpochSampler(lengths, 3, buckets) : EpochSampler(lengths.size(), 3);
      for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
        std::set<std::size_t> seen;
        for (std::int64_t step = 1; step <= 125; ++step) {
          for (std::int64_t b = 0; b < 8; ++b) seen.insert(sampler.at(epoch * 125 + step, 8, b));
        }
        QCOMPARE(seen.size(), std::size_t(1000));
      }
    }
  }

  void bucketsCutPaddingAndStayShuffled() {
    const auto lengths = scrambledLengths(1000);
    EpochSampler random(lengths.size(), 3);
    EpochSampler bucketed(lengths, 3, 16);
    const std::int64_t randomPadding = paddingOfEpoch(random, lengths, 8);
    const std::int64_t bucketedPadding = paddingOfEpoch(bucketed, lengths, 8);
    QVERIFY2(bucketedPadding * 5 < randomPadding,
             qPrintable(QString("padding %1 bucketed vs %2 random").arg(bucketedPadding).arg(randomPadding)));
    // Batches are not served shortest first: the first ten batches' lengths are not sorted.
    std::vector<std::int64_t> firstOfBatch;
    for (std::int64_t step = 1; step <= 10; ++step) firstOfBatch.push_back(lengths[bucketed.at(step, 8, 0)]);
    QVERIFY(!std::is_sorted(firstOfBatch.begin(), firstOfBatch.end()));
  }

  void aResumedSamplerDrawsTheSameRows() {
    // A fresh sampler asked for step 200 first (a resumed run) gives what a sampler
    // that walked steps 1..200 gives, with and without buckets, across an epoch edge.
    const auto lengths = scrambledLengths(1003);
    for (std::int64_t buckets : {0, 5}) {
      EpochSampler walked = buckets > 0 ? EpochSampler(lengths, 9, buckets) : EpochSampler(lengths.size(), 9);
      std::vector<std::size_t> expected;
      for (std::int64_t step = 1; step <= 260; ++step) {
        for (std::int64_t b = 0; b < 8; ++b) {
          const std::size_t row = walked.at(step, 8, b);
          if (step >= 200) expected.push_back(row);
        }
      }
      EpochSampler resumed = buckets > 0 ? EpochSampler(lengths, 9, buckets) : EpochSampler(lengths.size(), 9);
      std::vector<std::size_t> got;
      for (std::int64_t step = 200; step <= 260; ++step) {
        for (std::int64_t b = 0; b < 8; ++b) got.push_back(resumed.at(step, 8, b));
      }
      QCOMPARE(got, expected);
    }
  }

  void zeroBucketsIsThePlainShuffle() {
    // Trainers always pass the lengths; train.length_buckets = 0 must keep the batches
    // of runs made before bucketing existed, so their resumes stay exact.
    const auto lengths = scrambledLengths(300);
    EpochSampler plain(lengths.size(), 4), unbucketed(lengths, 4, 0);
    for (std::int64_t step = 1; step <= 80; ++step) {
      for (std::int64_t b = 0; b < 8; ++b) QCOMPARE(unbucketed.at(step, 8, b), plain.at(step, 8, b));
    }
  }

  void seedsGiveDifferentOrders() {
    const auto lengths = scrambledLengths(500);
    EpochSampler a(lengths, 1, 4), b(lengths, 2, 4);
    int same = 0;
    for (std::int64_t row = 0; row < 8; ++row) same += a.at(1, 8, row) == b.at(1, 8, row) ? 1 : 0;
    QVERIFY(same < 8);
  }

  void emptySplitsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(Error, EpochSampler(0, 1));
    QVERIFY_THROWS_EXCEPTION(Error, EpochSampler(std::vector<std::int64_t>{}, 1, 4));
  }
};

QTEST_APPLESS_MAIN(EpochSamplerTest)
#include "EpochSamplerTest.moc"
