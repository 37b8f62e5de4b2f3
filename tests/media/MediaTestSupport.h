#pragma once

// Helpers shared by the media suites: where the recorded media live and how to
// make small clips with the ffmpeg command line at test time.

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace sinkscope::test {

inline QString sharedMediaDir() { return QStringLiteral(SINKSCOPE_SHARED_DIR "/media"); }

inline bool haveSharedMedia() { return QDir(sharedMediaDir()).exists(); }

inline std::string sharedMedia(const char* name) {
  return (sharedMediaDir() + "/" + QString::fromUtf8(name)).toStdString();
}

inline QString ffmpegPath() { return QStandardPaths::findExecutable(QStringLiteral("ffmpeg")); }

// Runs ffmpeg quietly; returns its stderr when it fails, an empty string otherwise.
inline QString runFfmpeg(const QStringList& arguments) {
  QProcess process;
  process.start(ffmpegPath(), QStringList{"-v", "error", "-nostdin", "-y"} + arguments);
  if (!process.waitForFinished(120000)) return QStringLiteral("ffmpeg did not finish");
  if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
    return QString::fromUtf8(process.readAllStandardError()).trimmed() + " (exit " +
           QString::number(process.exitCode()) + ")";
  }
  return {};
}

// The stdout of ffmpeg, for reference decodes written to a pipe ("-f f32le -").
inline QByteArray ffmpegOutput(const QStringList& arguments) {
  QProcess process;
  process.start(ffmpegPath(), QStringList{"-v", "error", "-nostdin"} + arguments);
  process.waitForFinished(120000);
  return process.readAllStandardOutput();
}

}  // namespace sinkscope::test

#define SINKSCOPE_REQUIRE_SHARED_MEDIA()                                               \
  do {                                                                                 \
    if (!sinkscope::test::haveSharedMedia())                                           \
      QSKIP(qPrintable("no recorded media in " + sinkscope::test::sharedMediaDir())); \
  } while (false)

#define SINKSCOPE_REQUIRE_FFMPEG()                                                     \
  do {                                                                                 \
    if (sinkscope::test::ffmpegPath().isEmpty()) QSKIP("the ffmpeg command is not installed"); \
  } while (false)
