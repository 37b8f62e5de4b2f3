#include <QtTest>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "capture/PulseAudioServer.h"
#include "core/capture/CaptureSession.h"
#include "core/capture/ClipFrameSource.h"
#include "core/capture/MicrophoneSource.h"
#include "core/media/ClipDecoder.h"
#include "media/MediaTestSupport.h"

using namespace sinkscope;
namespace st = sinkscope::test;

namespace {

constexpr int kRate = AudioSource::kSampleRateHz;

struct Span {
  double startSec;
  double endSec;
};

std::vector<float> cut(const std::vector<float>& from, Span span) {
  return {from.begin() + std::lround(span.startSec * kRate), from.begin() + std::lround(span.endSec * kRate)};
}

}  // namespace

// The live pipeline end to end: a microphone (PulseAudio's pipe source fed with real
// speech at real-time pace) and a clip standing in for the camera, through the
// session's queues and its preprocessing thread, into utterances on the shared clock.
class CaptureSessionTest : public QObject {
  Q_OBJECT

  st::PulseAudioServer server_;
  QString serverProblem_;

 private slots:
  void initTestCase() {
    if (st::PulseAudioServer::executable().isEmpty() || st::PulseAudioServer::pactlExecutable().isEmpty()) {
      serverProblem_ = "pulseaudio/pactl are not installed (scripts/setup.sh installs them)";
      return;
    }
    const QString problem = server_.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
  }

  void liveUtterancesCarryTheirFrames() {
    if (!serverProblem_.isEmpty()) QSKIP(qPrintable(serverProblem_));
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    DecodeOptions audioOnly;
    audioOnly.video = false;
    const std::vector<float> jfk = ClipDecoder::decodeAll(st::sharedMedia("jfk.wav"), audioOnly).waveform;
    // Two utterances cut where the speech is loud, between the recording's own background.
    const std::vector<float> noise = cut(jfk, {2.20, 3.20});
    std::vector<float> input(noise.begin(), noise.begin() + kRate / 2);
    std::vector<Span> truth;
    // "(And) so my fellow Americans", "what your country can do for you"
    for (const Span& piece : {Span{0.69, 1.98}, Span{5.45, 7.35}}) {
      const std::vector<float> speech = cut(jfk, piece);
      const double startSec = input.size() / double(kRate);
      input.insert(input.end(), speech.begin(), speech.end());
      truth.push_back({startSec, input.size() / double(kRate)});
      // Enough background after each for the hang-overs (WebRTC's 90 ms + 300 ms) to pass.
      input.insert(input.end(), noise.begin(), noise.begin() + (truth.size() == 1 ? kRate : kRate * 6 / 10));
    }

    CaptureClock clock;
    MicrophoneSource microphone(clock);
    ClipFrameSourceOptions clipOptions;
    clipOptions.bgr = false;
    clipOptions.loop = true;
    ClipFrameSource camera(st::sharedMedia("lrs2_00008.mp4"), clock, clipOptions);
    CaptureSession session(microphone, &camera);
    std::mutex mutex;
    std::vector<Utterance> utterances;
    QStringList errors;
    session.start(
        [&](Utterance&& u) {
          std::lock_guard<std::mutex> lock(mutex);
          utterances.push_back(std::move(u));
        },
        [&](const std::string& message) {
          std::lock_guard<std::mutex> lock(mutex);
          errors << QString::fromStdString(message);
        });
    QTest::qWait(300);
    const std::int64_t writtenUs = server_.play(input, clock);
    QVERIFY(writtenUs >= 0);
    QTest::qWait(200);
    QVERIFY(session.latestFrame().has_value());
    session.stop();

    std::lock_guard<std::mutex> lock(mutex);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join("; ")));
    QCOMPARE(utterances.size(), truth.size());
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const Utterance& u = utterances[i];
      // On the clock: where the writer put the speech vs where the session says it was.
      const double startErrorMs = (u.startUs - writtenUs) / 1e3 - truth[i].startSec * 1e3;
      const double endErrorMs = (u.endUs - writtenUs) / 1e3 - truth[i].endSec * 1e3;
      qInfo("utterance %zu: %.2f s of audio, %zu frames; start %+.1f ms, end %+.1f ms on the clock", i,
            u.samples.size() / double(kRate), u.frames.size(), startErrorMs, endErrorMs);
      QVERIFY2(std::abs(startErrorMs) <= 100 && std::abs(endErrorMs) <= 100,
               qPrintable(QString("%1 / %2 ms").arg(startErrorMs).arg(endErrorMs)));
      QVERIFY(!u.frames.empty());
      for (const CapturedFrame& frame : u.frames) {
        QVERIFY(frame.timestampUs >= u.startUs && frame.timestampUs < u.endUs);
        QVERIFY(!frame.gray.empty());
      }
      const double expectedFrames = (u.endUs - u.startUs) / 40'000.0;
      QVERIFY2(std::abs(u.frames.size() - expectedFrames) <= 1.0 + session.droppedFrames(),
               qPrintable(QString("%1 frames for %2").arg(u.frames.size()).arg(expectedFrames)));
    }
  }
};

QTEST_GUILESS_MAIN(CaptureSessionTest)
#include "CaptureSessionTest.moc"
