#include <QtTest>

#include <cmath>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "media/MediaTestSupport.h"

using sinkscope::ClipDecoder;
using sinkscope::MediaError;
namespace st = sinkscope::test;

namespace {

struct Outcome {
  bool failed = false;
  std::string message;
  long frames = 0;
  long samples = 0;
  int width = 0;
  int height = 0;
  bool consistent = true;  // consecutive indices, one picture size, finite samples
  std::string inconsistency;
};

// Streams the whole file the way the pipeline does, keeping counts only.
Outcome decode(const std::string& path) {
  Outcome outcome;
  try {
    ClipDecoder decoder(path);
    decoder.run(
        [&](sinkscope::VideoFrame&& frame) {
          if (frame.index != outcome.frames) {
            outcome.consistent = false;
            outcome.inconsistency = "frame index " + std::to_string(frame.index) + " after " +
                                    std::to_string(outcome.frames) + " frames";
          }
          if (outcome.frames == 0) {
            outcome.width = frame.bgr.width;
            outcome.height = frame.bgr.height;
          }
          if (frame.bgr.width != outcome.width || frame.gray.height != outcome.height ||
              frame.bgr.pixels.size() != static_cast<std::size_t>(outcome.width) * outcome.height * 3 ||
              frame.gray.pixels.size() != static_cast<std::size_t>(outcome.width) * outcome.height) {
            outcome.consistent = false;
            outcome.inconsistency = "picture size changed at frame " + std::to_string(frame.index);
          }
          ++outcome.frames;
        },
        [&](sinkscope::AudioChunk&& chunk) {
          for (float s : chunk.samples) {
            if (!std::isfinite(s)) {
              outcome.consistent = false;
              outcome.inconsistency = "a non-finite sample came through";
            }
          }
          outcome.samples += static_cast<long>(chunk.samples.size());
        });
  } catch (const MediaError& e) {
    outcome.failed = true;
    outcome.message = e.what();
  }
  return outcome;
}

}  // namespace

class BadMediaTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString corpusError_;

 private slots:
  void initTestCase() {
    if (st::ffmpegPath().isEmpty() || QStandardPaths::findExecutable("sox").isEmpty()) {
      QSKIP("the corpus needs the ffmpeg and sox commands");
    }
    QProcess script;
    script.start("bash", {QStringLiteral(SINKSCOPE_SOURCE_DIR "/scripts/make_bad_media.sh"),
                          dir_.path()});
    QVERIFY(script.waitForFinished(300000));
    QVERIFY2(script.exitCode() == 0, script.readAllStandardError().constData());
  }

  void everyFileDecodesOrFailsCleanly_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expectation");
    QFile cases(dir_.filePath("cases.tsv"));
    if (!cases.open(QIODevice::ReadOnly | QIODevice::Text)) return;
    while (!cases.atEnd()) {
      const QStringList fields = QString::fromUtf8(cases.readLine()).trimmed().split('\t');
      if (fields.size() == 2) QTest::newRow(qPrintable(fields[0])) << fields[0] << fields[1];
    }
  }

  void everyFileDecodesOrFailsCleanly() {
    QFETCH(QString, file);
    QFETCH(QString, expectation);
    const std::string path = dir_.filePath(file).toStdString();
    const Outcome outcome = decode(path);
    if (outcome.failed) {
      qInfo("%-34s MediaError: %s", qPrintable(file), outcome.message.c_str());
      QVERIFY2(outcome.message.find('\n') == std::string::npos, "message spans lines");
      QVERIFY2(outcome.message.find(path) != std::string::npos, "message does not name the file");
    } else {
      qInfo("%-34s %ld frames of %dx%d, %ld samples (%.3f s)", qPrintable(file), outcome.frames,
            outcome.width, outcome.height, outcome.samples, outcome.samples / 16000.0);
      QVERIFY2(outcome.consistent, outcome.inconsistency.c_str());
    }

    for (const QString& rule : expectation.split(' ', Qt::SkipEmptyParts)) {
      if (rule == "any") continue;
      if (rule == "error") {
        QVERIFY2(outcome.failed, "decoded where a MediaError was expected");
        continue;
      }
      QVERIFY2(!outcome.failed, outcome.message.c_str());
      const QString key = rule.section('=', 0, 0);
      const QString value = rule.section('=', 1);
      if (key == "video") {
        QVERIFY2(std::abs(outcome.frames - value.toLong()) <= 1,
                 qPrintable(QString("%1 frames, expected %2").arg(outcome.frames).arg(value)));
      } else if (key == "audio") {
        const long want = value.toLong();
        QVERIFY2(std::abs(outcome.samples - want) <= std::max(1L, want / 100),
                 qPrintable(QString("%1 samples, expected %2").arg(outcome.samples).arg(want)));
      } else if (key == "size") {
        QCOMPARE(QString("%1x%2").arg(outcome.width).arg(outcome.height), value);
      } else {
        QFAIL(qPrintable("unknown expectation " + rule));
      }
    }
  }

  // Seeking and single-frame access on the same files: a frame, nothing, or a
  // MediaError; never a crash.
  void seekingFailsCleanly_data() { everyFileDecodesOrFailsCleanly_data(); }

  void seekingFailsCleanly() {
    QFETCH(QString, file);
    const std::string path = dir_.filePath(file).toStdString();
    try {
      ClipDecoder decoder(path);
      for (double t : {1.0, 0.0, 2.5, 0.3}) {
        const auto frame = decoder.frameAt(t);
        if (frame) {
          QCOMPARE(frame->index, static_cast<std::int64_t>(std::floor(t * 25 + 1e-9)));
          QCOMPARE(frame->gray.pixels.size(),
                   static_cast<std::size_t>(frame->gray.width) * frame->gray.height);
        }
      }
      decoder.seek(0.5);
      decoder.run(nullptr, nullptr);
    } catch (const MediaError& e) {
      QVERIFY2(QString(e.what()).indexOf('\n') < 0, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(BadMediaTest)
#include "BadMediaTest.moc"
