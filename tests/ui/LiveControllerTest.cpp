// Live mode end to end under the offscreen platform: a private PulseAudio pipe source
// as the microphone (real speech written at real-time pace) and a recorded clip
// played as the camera, through the CaptureSession, the mouth pipeline and a
// random-initialised model, into the window's views. Then the failures a user meets
// live: no camera, no microphone, a camera that goes away mid-capture (a FrameSource
// that stops with an error, the way a device does), the microphone unplugged
// mid-capture (its PulseAudio source unloaded), and no model (one that failed to
// load): each a message in a window that stays usable.
#include <QtTest>

#include <atomic>
#include <thread>

#include "capture/PulseAudioServer.h"
#include "core/capture/CaptureDevices.h"
#include "core/capture/FrameSource.h"
#include "core/capture/MicrophoneSource.h"
#include "core/media/ClipDecoder.h"
#include "media/MediaTestSupport.h"
#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/controllers/LiveController.h"
#include "ui/main/MainWindow.h"
#include "ui/panels/LivePanels.h"
#include "ui/views/AudioActivityView.h"
#include "ui/views/LiveSourceBar.h"
#include "ui/views/LiveVideoView.h"
#include "ui/views/TranscriptView.h"

using namespace sinkscope;
using namespace sinkscope::ui;
namespace st = sinkscope::test;

namespace {

constexpr int kRate = AudioSource::kSampleRateHz;

std::vector<float> cut(const std::vector<float>& from, double startSec, double endSec) {
  return {from.begin() + std::lround(startSec * kRate), from.begin() + std::lround(endSec * kRate)};
}

// A camera that delivers a few grey frames and is then unplugged: it stops and says
// so through the error callback, from its own thread, as CameraFrameSource does.
class VanishingCamera : public FrameSource {
 public:
  explicit VanishingCamera(const CaptureClock& clock, int framesBeforeVanishing)
      : clock_(clock), frames_(framesBeforeVanishing) {}
  ~VanishingCamera() override { stop(); }

  std::string description() const override { return "test camera"; }
  void start(FrameCallback onFrame, ErrorCallback onError) override {
    stop();
    active_ = true;
    quit_ = false;
    thread_ = std::thread([this, onFrame = std::move(onFrame), onError = std::move(onError)] {
      for (int i = 0; i < frames_ && !quit_; ++i) {
        CapturedFrame frame;
        frame.index = i;
        frame.timestampUs = clock_.nowUs();
        frame.gray = Image(64, 48, 1);
        frame.bgr = Image(64, 48, 3);
        onFrame(std::move(frame));
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
      }
      if (quit_) return;
      active_ = false;
      if (onError) onError("test camera: the device was unplugged");
    });
  }
  void stop() override {
    quit_ = true;
    if (thread_.joinable()) thread_.join();
    active_ = false;
  }
  bool isActive() const override { return active_; }

 private:
  const CaptureClock& clock_;
  int frames_;
  std::thread thread_;
  std::atomic<bool> active_{false};
  std::atomic<bool> quit_{false};
};

}  // namespace

class LiveControllerTest : public QObject {
  Q_OBJECT

  st::PulseAudioServer server_;
  QString serverProblem_;
  QTemporaryDir dir_;
  QString modelDir_;

  struct Window {
    InferenceController inference;
    MainWindow window{&inference};
    LivePanels* live = new LivePanels(&window, &inference);
  };

  bool loadModel(Window& w) {
    QSignalSpy loaded(&w.inference, &InferenceController::modelLoaded);
    w.window.openModel(modelDir_);
    return loaded.wait(60000);
  }

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName("sinkscope-test");
    QVERIFY(dir_.isValid());
    modelDir_ = dir_.filePath("model");
    const QString error = test::makeRandomInitModel(modelDir_);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (st::PulseAudioServer::executable().isEmpty() || st::PulseAudioServer::pactlExecutable().isEmpty()) {
      serverProblem_ = "pulseaudio/pactl are not installed (scripts/setup.sh installs them)";
      return;
    }
    const QString problem = server_.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
  }

  // Two utterances of real speech while a talking-face clip plays as the camera: the
  // second one's trace reaches the window, and the live views show its frames
  // (face found, landmarks, 96x96 crops) and its audio with the speech marked.
  void liveSpeechReachesEveryView() {
    if (!serverProblem_.isEmpty()) QSKIP(qPrintable(serverProblem_));
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    Window w;
    w.window.resize(1400, 900);
    w.window.show();
    QVERIFY(loadModel(w));
    QCOMPARE(w.window.chosenModality(), Modality::Avsr);

    QSignalSpy shown(w.live, &LivePanels::resultShown);
    QVERIFY(w.live->startClipAsCamera(QString::fromStdString(st::sharedMedia("lrs2_00008.mp4"))));
    QVERIFY(w.live->controller()->running());
    QVERIFY(!w.live->sourceBar()->startAction()->isEnabled());

    DecodeOptions audioOnly;
    audioOnly.video = false;
    const std::vector<float> jfk = ClipDecoder::decodeAll(st::sharedMedia("jfk.wav"), audioOnly).waveform;
    const std::vector<float> noise = cut(jfk, 2.20, 3.20);
    std::vector<float> input(noise.begin(), noise.begin() + kRate / 2);
    for (const auto& [from, to] : {std::pair{0.69, 1.98}, std::pair{5.45, 7.35}}) {
      const std::vector<float> speech = cut(jfk, from, to);
      input.insert(input.end(), speech.begin(), speech.end());
      input.insert(input.end(), noise.begin(), noise.end());
    }
    std::int64_t writtenUs = -1;
    std::thread writer([&] { writtenUs = server_.play(input, w.live->controller()->clock()); });
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 30000);
    writer.join();
    QVERIFY(writtenUs >= 0);
    // The second utterance follows (or replaced the first while inference was busy).
    QTRY_VERIFY_WITH_TIMEOUT(w.live->controller()->latestShown()->sequence == 2, 30000);
    w.live->stop();
    QVERIFY(!w.live->controller()->running());
    QVERIFY(w.live->sourceBar()->startAction()->isEnabled());

    const LiveResultPtr result = w.live->controller()->latestShown();
    QVERIFY2(w.window.errorMessage().isEmpty(), qPrintable(w.window.errorMessage()));
    QCOMPARE(w.window.trace(), result->trace);
    QCOMPARE(QString::fromStdString(result->trace->modality), QStringLiteral("avsr"));
    QVERIFY(!w.window.transcriptView()->toPlainText().isEmpty() || result->trace->transcript.empty());
    // What the model read: the utterance's audio and one mouth crop per frame.
    const double seconds = result->media.audioSeconds();
    QVERIFY2(seconds > 1.5 && seconds < 2.6, qPrintable(QString::number(seconds)));
    QVERIFY(std::abs(result->media.videoSeconds() - seconds) < 0.2);
    QCOMPARE(result->pictures.size(), result->media.frames.size());
    int found = 0;
    for (const ClipFrame& frame : result->media.frames) {
      QCOMPARE(frame.crop.width, 96);
      QCOMPARE(frame.crop.height, 96);
      found += frame.faceFound ? 1 : 0;
    }
    QVERIFY(found > static_cast<int>(result->media.frames.size()) / 2);

    // The views: the video with the pipeline's marks, the audio with speech marked
    // where the utterance is.
    const LiveVideoData& video = w.live->videoView()->data();
    QVERIFY(video.hasTrack);
    QVERIFY(!video.picture.empty());
    QVERIFY(!video.strip.empty() && video.strip.size() <= 8);
    const AudioActivityData& audio = w.live->audioView()->data();
    QCOMPARE(audio.mel.size(0), std::int64_t{80});
    QVERIFY(std::abs(audio.mel.size(1) - static_cast<std::int64_t>(audio.samples.size()) / 160) <= 1);
    QVERIFY(!audio.speechSec.empty());
    QVERIFY(audio.startSec <= audio.currentSec.first && audio.currentSec.second <= audio.endSec());
    QCOMPARE(audio.currentSec.second - audio.currentSec.first, seconds);

    // Both live views export like the plots.
    const QStringList files = w.live->exportViews(dir_.filePath("export"), 900, 600);
    QCOMPARE(files.size(), 6);
    for (const QString& file : files) QVERIFY2(QFileInfo(file).size() > 1000, qPrintable(file));
    QCOMPARE(QImage(dir_.filePath("export/live_video.png")).size(), QSize(900, 600));
    QCOMPARE(QImage(dir_.filePath("export/microphone.png")).size(), QSize(900, 600));
    qInfo("utterance %lld: end of speech -> trace ready %.0f ms (segmenter hand-over %.0f ms)",
          static_cast<long long>(result->sequence), (result->inferredUs - result->speechEndUs) / 1e3,
          (result->closedUs - result->speechEndUs) / 1e3);
  }

  void noCameraIsAMessage() {
    Window w;
    w.window.show();
    QVERIFY(loadModel(w));
    // Without cameras the default is asked for; where the machine has one, an id
    // that no camera has stands for the missing one.
    const QString id = CaptureDevices::cameras().empty() ? QString() : QStringLiteral("no-such-camera");
    QVERIFY(!w.live->controller()->startCamera(id, QString(), Modality::Avsr));
    QVERIFY(w.window.errorMessage().contains("camera", Qt::CaseInsensitive));
    QVERIFY(!w.window.errorMessage().contains('\n'));
    QVERIFY(!w.live->controller()->running());
    QVERIFY(w.live->sourceBar()->startAction()->isEnabled());
  }

  void noMicrophoneIsAMessage() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    Window w;
    w.window.show();
    QVERIFY(loadModel(w));
    QVERIFY(!w.live->controller()->startClipAsCamera(QString::fromStdString(st::sharedMedia("lrs2_00008.mp4")),
                                                     QStringLiteral("no-such-microphone"), Modality::Avsr));
    QVERIFY2(w.window.errorMessage().contains("microphone 'no-such-microphone' not found"),
             qPrintable(w.window.errorMessage()));
    QVERIFY(!w.live->controller()->running());
  }

  void cameraVanishingMidCaptureStopsLive() {
    if (!serverProblem_.isEmpty()) QSKIP(qPrintable(serverProblem_));
    Window w;
    w.window.show();
    QVERIFY(loadModel(w));
    LiveController* live = w.live->controller();
    QSignalSpy running(live, &LiveController::runningChanged);
    QVERIFY(live->start(std::make_unique<MicrophoneSource>(live->clock()),
                        std::make_unique<VanishingCamera>(live->clock(), 10), Modality::Avsr));
    QCOMPARE(running.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!live->running(), 5000);
    QCOMPARE(running.count(), 2);
    QCOMPARE(running.last().first().toBool(), false);
    QVERIFY2(w.window.errorMessage().contains("Live capture stopped: test camera: the device was unplugged"),
             qPrintable(w.window.errorMessage()));
    QVERIFY(live->latestFrame() == std::nullopt);
    // Usable: live starts again with another source.
    QVERIFY(live->start(std::make_unique<MicrophoneSource>(live->clock()),
                        std::make_unique<VanishingCamera>(live->clock(), 1000), Modality::Avsr));
    QTRY_VERIFY_WITH_TIMEOUT(live->latestFrame().has_value(), 5000);
    live->stop();
  }

  // The real device goes away: PulseAudio unloads the pipe source while live mode
  // listens to it; the source is loaded again afterwards for the tests that follow.
  void microphoneUnpluggedMidCaptureStopsLive() {
    if (!serverProblem_.isEmpty()) QSKIP(qPrintable(serverProblem_));
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    Window w;
    w.window.show();
    QVERIFY(loadModel(w));
    QVERIFY(w.live->startClipAsCamera(QString::fromStdString(st::sharedMedia("lrs2_00008.mp4"))));
    QTest::qWait(500);
    const QString unloaded = server_.pactl({"unload-module", "module-pipe-source"});
    QVERIFY2(unloaded.isEmpty(), qPrintable(unloaded));
    QTRY_VERIFY_WITH_TIMEOUT(!w.live->controller()->running(), 10000);
    QVERIFY2(w.window.errorMessage().startsWith("Live capture stopped"), qPrintable(w.window.errorMessage()));
    qInfo("%s", qPrintable(w.window.errorMessage()));
    QVERIFY(w.live->sourceBar()->startAction()->isEnabled());
    const QString reloaded = server_.pactl({"load-module", "module-pipe-source", "source_name=testpipe",
                                            "file=" + server_.fifoPath(), "format=s16le", "rate=16000", "channels=1"});
    QVERIFY2(reloaded.isEmpty(), qPrintable(reloaded));
    QVERIFY(server_.pactl({"set-default-source", "testpipe"}).isEmpty());
  }

  void modelThatFailsToLoadLeavesLiveUsable() {
    Window w;
    w.window.show();
    QSignalSpy failed(&w.inference, &InferenceController::failed);
    w.window.openModel(dir_.filePath("no-such-model"));
    QVERIFY(failed.wait(30000));
    QVERIFY(!w.window.errorMessage().isEmpty());
    QVERIFY(!w.live->start());
    QVERIFY2(w.window.errorMessage().contains("needs a model"), qPrintable(w.window.errorMessage()));
    QVERIFY(w.live->sourceBar()->startAction()->isEnabled());
    // Once a model loads, live starts (the fake camera stands in, so no device is needed
    // beyond the test's microphone).
    if (!serverProblem_.isEmpty()) return;
    QVERIFY(loadModel(w));
    LiveController* live = w.live->controller();
    QVERIFY(live->start(std::make_unique<MicrophoneSource>(live->clock()),
                        std::make_unique<VanishingCamera>(live->clock(), 1000), Modality::Avsr));
    live->stop();
  }
};

QTEST_MAIN(LiveControllerTest)
#include "LiveControllerTest.moc"
