#include <QtTest>

#include "core/io/Safetensors.h"
#include "core/media/ClipDecoder.h"
#include "core/media/MouthExtractor.h"
#include "media/MediaTestSupport.h"

namespace st = sinkscope::test;

namespace {

struct CliRun {
  int exitCode = -1;
  QString out;
  QString err;
};

CliRun runCli(const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(SINKSCOPE_CLI), arguments);
  process.waitForFinished(300000);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

bool haveDlibModel() {
  return QFile::exists(QString::fromStdString(sinkscope::FaceLandmarkerOptions{}.shapePredictorPath));
}

}  // namespace

// `sinkscope-cli features` and `sinkscope-cli mouth` against the library they wrap.
class MediaCommandsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private slots:
  void featuresDumpsWaveformLandmarksAndCrops() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    if (!haveDlibModel()) QSKIP("dlib's 68-point model is not installed");
    const std::string clip = st::sharedMedia("lrs2_00008.mp4");
    const QString dump = dir_.filePath("lrs2.safetensors");
    const CliRun run = runCli({"features", "--input", QString::fromStdString(clip), "--dump", dump});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    const auto file = sinkscope::SafetensorsFile::open(dump.toStdString());
    sinkscope::DecodeOptions audioOnly;
    audioOnly.video = false;
    const auto audio = sinkscope::ClipDecoder::decodeAll(clip, audioOnly);
    const auto waveform = file->tensor("waveform");
    QCOMPARE(waveform.dtype, sinkscope::DType::F32);
    QCOMPARE(waveform.shape, (std::vector<std::int64_t>{static_cast<std::int64_t>(audio.waveform.size())}));
    QVERIFY(std::memcmp(waveform.data, audio.waveform.data(), waveform.byteSize) == 0);
    QCOMPARE(file->tensor("log_mel").shape,
             (std::vector<std::int64_t>{80, static_cast<std::int64_t>(audio.waveform.size() / 160)}));

    std::vector<sinkscope::MouthFrame> frames;
    sinkscope::MouthExtractor().run(clip, [&](sinkscope::MouthFrame&& f) { frames.push_back(std::move(f)); });
    const auto frameCount = static_cast<std::int64_t>(frames.size());
    const auto landmarks = file->tensor("landmarks");
    const auto crops = file->tensor("mouth_rois");
    const auto found = file->tensor("face_found");
    QCOMPARE(landmarks.dtype, sinkscope::DType::F32);
    QCOMPARE(landmarks.shape, (std::vector<std::int64_t>{frameCount, 68, 2}));
    QCOMPARE(crops.dtype, sinkscope::DType::U8);
    QCOMPARE(crops.shape, (std::vector<std::int64_t>{frameCount, 96, 96}));
    QCOMPARE(found.shape, (std::vector<std::int64_t>{frameCount}));
    const auto* points = reinterpret_cast<const float*>(landmarks.data);
    for (std::int64_t i = 0; i < frameCount; ++i) {
      const auto& frame = frames[static_cast<std::size_t>(i)];
      QCOMPARE(static_cast<bool>(found.data[i]), frame.faceFound);
      QCOMPARE(points[i * 136 + 2 * 48], frame.landmarks[48].x);
      QCOMPARE(points[i * 136 + 2 * 48 + 1], frame.landmarks[48].y);
      QVERIFY(std::memcmp(crops.data + i * 96 * 96, frame.crop.pixels.data(), 96 * 96) == 0);
    }
  }

  void featuresOfAudioOnlyHasNoVideoKeys() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const QString dump = dir_.filePath("jfk.safetensors");
    const CliRun run = runCli({"features", "--input", QString::fromStdString(st::sharedMedia("jfk.wav")),
                               "--dump", dump});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const auto file = sinkscope::SafetensorsFile::open(dump.toStdString());
    QCOMPARE(file->tensor("waveform").shape, (std::vector<std::int64_t>{176000}));
    QCOMPARE(file->tensor("log_mel").shape, (std::vector<std::int64_t>{80, 1100}));
    QVERIFY(!file->contains("landmarks"));
    QVERIFY(!file->contains("mouth_rois"));
  }

  void mouthWritesA25FpsCropVideo() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    if (!haveDlibModel()) QSKIP("dlib's 68-point model is not installed");
    const QString out = dir_.filePath("grid_crops.mp4");
    const CliRun run = runCli({"mouth", "--input",
                               QString::fromStdString(st::sharedMedia("grid_s2_swwp2s.mpg")), "--out", out});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.err.isEmpty());
    const auto video = sinkscope::ClipDecoder::decodeAll(out.toStdString());
    QCOMPARE(video.info.widthPx, 96);
    QCOMPARE(video.info.heightPx, 96);
    QCOMPARE(video.frames.size(), std::size_t{75});
    QCOMPARE(video.info.sourceFrameRate, 25.0);
  }

  void badInputGivesOneLineAndNonZeroExit() {
    const QString noise = dir_.filePath("noise.mp4");
    QFile file(noise);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(5000, '\x5a'));
    file.close();
    for (const QStringList& arguments :
         {QStringList{"features", "--input", noise, "--dump", dir_.filePath("x.safetensors")},
          QStringList{"mouth", "--input", noise, "--out", dir_.filePath("x.mp4")},
          QStringList{"features", "--input", "/nonexistent.mp4", "--dump", dir_.filePath("y.safetensors")},
          QStringList{"mouth", "--input", noise}}) {
      const CliRun run = runCli(arguments);
      QVERIFY(run.exitCode != 0);
      QCOMPARE(run.err.count('\n'), 1);
      qInfo("%s", qPrintable(run.err.trimmed()));
    }
  }
};

QTEST_GUILESS_MAIN(MediaCommandsTest)
#include "MediaCommandsTest.moc"
