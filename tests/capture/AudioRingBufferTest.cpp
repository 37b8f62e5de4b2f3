#include <QtTest>

#include <numeric>

#include "core/base/Error.h"
#include "core/capture/AudioRingBuffer.h"

using namespace sinkscope;

namespace {

AudioBlock blockOf(std::int64_t first, std::size_t count, std::int64_t firstUs) {
  AudioBlock block;
  block.firstSample = first;
  block.firstSampleUs = firstUs;
  block.samples.resize(count);
  std::iota(block.samples.begin(), block.samples.end(), static_cast<float>(first));
  return block;
}

}  // namespace

class AudioRingBufferTest : public QObject {
  Q_OBJECT

 private slots:
  void keepsTheNewestSamplesByNumber() {
    AudioRingBuffer ring(100);
    ring.write(blockOf(0, 60, 1'000'000));
    ring.write(blockOf(60, 70, 1'003'750));
    QCOMPARE(ring.beginSample(), std::int64_t{30});
    QCOMPARE(ring.endSample(), std::int64_t{130});
    std::int64_t first = -1;
    const std::vector<float> got = ring.read(0, 50, &first);
    QCOMPARE(first, std::int64_t{30});
    QCOMPARE(got.size(), std::size_t{20});
    for (std::size_t i = 0; i < got.size(); ++i) QCOMPARE(got[i], float(30 + i));
    QCOMPARE(ring.sampleTimeUs(76), std::int64_t{1'004'750});
  }

  void aGapIsSilence() {
    AudioRingBuffer ring(1000);
    ring.write(blockOf(0, 10, 0));
    ring.write(blockOf(20, 10, 1250));
    const std::vector<float> got = ring.read(0, 30);
    QCOMPARE(got.size(), std::size_t{30});
    QCOMPARE(got[9], 9.0f);
    QCOMPARE(got[15], 0.0f);
    QCOMPARE(got[20], 20.0f);
    QVERIFY_THROWS_EXCEPTION(Error, ring.write(blockOf(5, 10, 0)));
  }

};

QTEST_GUILESS_MAIN(AudioRingBufferTest)
#include "AudioRingBufferTest.moc"
