#include <QtTest>

#include <algorithm>
#include <cmath>

#include "core/base/Error.h"
#include "core/capture/UtteranceSegmenter.h"
#include "core/media/ClipDecoder.h"
#include "media/MediaTestSupport.h"

using namespace sinkscope;
namespace st = sinkscope::test;

namespace {

constexpr int kRate = AudioSource::kSampleRateHz;
constexpr std::int64_t kClockOffsetUs = 5'000'000;  // the audio's sample 0 on the capture clock

struct Span {
  double startSec;
  double endSec;
};

std::vector<float> cut(const std::vector<float>& from, Span span) {
  return {from.begin() + std::lround(span.startSec * kRate), from.begin() + std::lround(span.endSec * kRate)};
}

std::vector<float> jfkWaveform() {
  DecodeOptions audioOnly;
  audioOnly.video = false;
  return ClipDecoder::decodeAll(st::sharedMedia("jfk.wav"), audioOnly).waveform;
}

}  // namespace

class UtteranceSegmenterTest : public QObject {
  Q_OBJECT

 private slots:
  // Three real utterances of jfk.wav between 1 s of the recording's own background
  // noise. Each piece is cut where the speech is loud (10 ms energy within 15 dB of
  // the loudest), so its true boundaries are where it was put.
  void threeUtterancesBetweenSilences_data() {
    QTest::addColumn<int>("likelihood");
    QTest::newRow("likelihood 1 (default)") << 1;
    QTest::newRow("likelihood 0") << 0;
    QTest::newRow("likelihood 2") << 2;
  }

  void threeUtterancesBetweenSilences() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    QFETCH(int, likelihood);
    const std::vector<float> jfk = jfkWaveform();
    const std::vector<float> noise = cut(jfk, {2.20, 3.20});  // between "Americans" and "ask not"
    const Span pieces[] = {{0.69, 1.98},    // "(And) so my fellow Americans"
                           {5.45, 7.35},    // "what your country can do for you"
                           {8.23, 10.15}};  // "(ask) what you can do for your country"
    std::vector<float> input = noise;
    std::vector<Span> truth;
    for (const Span& piece : pieces) {
      const std::vector<float> speech = cut(jfk, piece);
      const double startSec = input.size() / double(kRate);
      input.insert(input.end(), speech.begin(), speech.end());
      truth.push_back({startSec, input.size() / double(kRate)});
      input.insert(input.end(), noise.begin(), noise.end());
    }

    UtteranceSegmenterOptions options;  // default hang-over 300 ms
    options.vad.likelihood = likelihood;
    UtteranceSegmenter segmenter(options);
    std::vector<Utterance> utterances;
    const auto collect = [&](std::vector<Utterance>&& closed) {
      for (Utterance& u : closed) utterances.push_back(std::move(u));
    };
    // 20 ms blocks as a microphone delivers them, with a 25 fps camera alongside.
    constexpr std::size_t kBlock = kRate / 50;
    std::int64_t nextFrame = 0;
    for (std::size_t at = 0; at < input.size(); at += kBlock) {
      AudioBlock block;
      block.firstSample = static_cast<std::int64_t>(at);
      block.firstSampleUs = kClockOffsetUs + block.firstSample * 1'000'000 / kRate;
      block.samples.assign(input.begin() + at, input.begin() + std::min(input.size(), at + kBlock));
      const std::int64_t blockEndUs = block.firstSampleUs + std::int64_t(block.samples.size()) * 1'000'000 / kRate;
      for (; kClockOffsetUs + nextFrame * 40'000 < blockEndUs; ++nextFrame) {
        CapturedFrame frame;
        frame.index = nextFrame;
        frame.timestampUs = kClockOffsetUs + nextFrame * 40'000;
        frame.gray = Image(4, 4, 1);
        segmenter.pushFrame(std::move(frame));
      }
      collect(segmenter.pushAudio(block));
    }
    collect(segmenter.flush());

    QCOMPARE(utterances.size(), std::size_t{3});
    double worstMs = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const Utterance& u = utterances[i];
      const double startErrorMs = (u.firstSample / double(kRate) - truth[i].startSec) * 1000;
      const double endErrorMs = (u.endSample / double(kRate) - truth[i].endSec) * 1000;
      qInfo("utterance %zu: [%.3f, %.3f) s, truth [%.3f, %.3f) s: start %+.0f ms, end %+.0f ms; %zu frames",
            i, u.firstSample / double(kRate), u.endSample / double(kRate), truth[i].startSec, truth[i].endSec,
            startErrorMs, endErrorMs, u.frames.size());
      worstMs = std::max({worstMs, std::abs(startErrorMs), std::abs(endErrorMs)});
      QCOMPARE(u.samples.size(), static_cast<std::size_t>(u.endSample - u.firstSample));
      QCOMPARE(u.samples[100], input[u.firstSample + 100]);
      QCOMPARE(u.startUs, kClockOffsetUs + u.firstSample * 1'000'000 / kRate);
      QCOMPARE(u.endUs, kClockOffsetUs + u.endSample * 1'000'000 / kRate);
      // Every frame stamped inside the span, and only those.
      QVERIFY(!u.frames.empty());
      QVERIFY(u.videoStartUs >= u.startUs && u.videoStartUs - u.startUs < 40'000);
      QVERIFY(u.videoEndUs < u.endUs && u.endUs - u.videoEndUs <= 40'000);
      QCOMPARE(static_cast<std::int64_t>(u.frames.size()), (u.videoEndUs - u.videoStartUs) / 40'000 + 1);
    }
    qInfo("largest boundary error %.0f ms", worstMs);
    QVERIFY2(worstMs <= 100.0, qPrintable(QString::number(worstMs)));
  }

  // A pause shorter than the hang-over stays inside the utterance; a longer one splits it.
  void hangOverDecidesWhetherAPauseSplits() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const std::vector<float> jfk = jfkWaveform();
    std::vector<float> input = cut(jfk, {2.20, 2.70});
    const std::vector<float> a = cut(jfk, {0.69, 1.98});
    const std::vector<float> pause = cut(jfk, {2.20, 2.80});  // 600 ms of background
    const std::vector<float> b = cut(jfk, {5.45, 7.35});
    for (const auto* part : {&a, &pause, &b, &pause}) input.insert(input.end(), part->begin(), part->end());

    const auto count = [&](int hangoverMs) {
      UtteranceSegmenterOptions options;
      options.hangoverMs = hangoverMs;
      UtteranceSegmenter segmenter(options);
      AudioBlock block;
      block.samples = input;
      std::size_t n = segmenter.pushAudio(block).size();
      return n + segmenter.flush().size();
    };
    QCOMPARE(count(300), std::size_t{2});
    QCOMPARE(count(900), std::size_t{1});
  }

  // Speculative end-pointing: each pause past the detector's hang-over hands out a
  // provisional utterance; the hang-over then closes the same span, with the same
  // frames, as the final one. A pause shorter than the hang-over gives a provisional
  // utterance that no final one confirms; the final one spans both parts.
  void provisionalUtterancesPrecedeTheirFinals() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const std::vector<float> jfk = jfkWaveform();
    std::vector<float> input = cut(jfk, {2.20, 2.70});
    const std::vector<float> a = cut(jfk, {0.69, 1.98});
    const std::vector<float> shortPause = cut(jfk, {2.20, 2.40});  // 200 ms: below the 300 ms hang-over
    const std::vector<float> b = cut(jfk, {5.45, 7.35});
    const std::vector<float> longPause = cut(jfk, {2.20, 3.20});
    for (const auto* part : {&a, &shortPause, &b, &longPause, &a, &longPause}) {
      input.insert(input.end(), part->begin(), part->end());
    }

    UtteranceSegmenterOptions options;
    options.provisionalAfterMs = 0;
    UtteranceSegmenter segmenter(options);
    std::vector<Utterance> out;
    std::vector<std::int64_t> handedAt;  // the block end at which each came out
    constexpr std::size_t kBlock = 320;  // 20 ms blocks, as the microphone delivers them
    for (std::size_t at = 0; at < input.size(); at += kBlock) {
      AudioBlock block;
      block.firstSample = static_cast<std::int64_t>(at);
      block.firstSampleUs = kClockOffsetUs + static_cast<std::int64_t>(at) * 1'000'000 / kRate;
      block.samples.assign(input.begin() + at, input.begin() + std::min(input.size(), at + kBlock));
      for (Utterance& u : segmenter.pushAudio(block)) {
        out.push_back(std::move(u));
        handedAt.push_back(static_cast<std::int64_t>(std::min(input.size(), at + kBlock)));
      }
    }
    for (Utterance& u : segmenter.flush()) out.push_back(std::move(u));

    std::vector<const Utterance*> finals;
    for (const Utterance& u : out) {
      if (!u.provisional) finals.push_back(&u);
    }
    QCOMPARE(finals.size(), std::size_t{2});  // a+b joined across the short pause, then a
    // Every final is preceded, at least 200 ms earlier, by a provisional twin.
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].provisional) continue;
      bool twin = false;
      for (std::size_t j = 0; j < i; ++j) {
        if (out[j].provisional && out[j].key() == out[i].key() && out[j].samples == out[i].samples) {
          twin = true;
          QVERIFY2(handedAt[i] - handedAt[j] >= 200 * kRate / 1000,
                   qPrintable(QString("provisional only %1 ms ahead").arg((handedAt[i] - handedAt[j]) * 1000 / kRate)));
        }
      }
      QVERIFY2(twin, qPrintable(QString("final utterance %1 has no provisional twin").arg(i)));
    }
    // The short pause made a provisional utterance of `a` alone that nothing confirms.
    const auto unconfirmed = std::count_if(out.begin(), out.end(), [&](const Utterance& u) {
      return u.provisional && std::none_of(finals.begin(), finals.end(), [&](const Utterance* f) { return f->key() == u.key(); });
    });
    QCOMPARE(unconfirmed, std::ptrdiff_t{1});

    // Off by default: the same input gives finals only.
    UtteranceSegmenter plain;
    AudioBlock all;
    all.samples = input;
    std::vector<Utterance> plainOut = plain.pushAudio(all);
    for (Utterance& u : plain.flush()) plainOut.push_back(std::move(u));
    QCOMPARE(plainOut.size(), std::size_t{2});
    for (std::size_t i = 0; i < plainOut.size(); ++i) {
      QVERIFY(!plainOut[i].provisional);
      QVERIFY(plainOut[i].key() == finals[i]->key());
    }
  }

  void rejectsBadOptions() {
    UtteranceSegmenterOptions options;
    options.hangoverMs = -1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, UtteranceSegmenter{options});
    options = {};
    options.vad.likelihood = 7;
    QVERIFY_THROWS_EXCEPTION(ConfigError, UtteranceSegmenter{options});
    options = {};
    options.provisionalAfterMs = -2;
    QVERIFY_THROWS_EXCEPTION(ConfigError, UtteranceSegmenter{options});
  }
};

QTEST_GUILESS_MAIN(UtteranceSegmenterTest)
#include "UtteranceSegmenterTest.moc"
