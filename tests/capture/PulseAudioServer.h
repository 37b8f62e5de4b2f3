#pragma once

// A private PulseAudio daemon for the microphone tests (DESIGN §7): user mode, its
// own runtime folder and socket (so suites can run side by side and nothing of the
// machine's own sound set-up is touched), a module-pipe-source fed from a FIFO as
// the default source. PULSE_SERVER points this process (and so Qt Multimedia) at it.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>

#include "core/capture/AudioSource.h"
#include "core/capture/CaptureClock.h"

namespace sinkscope::test {

class PulseAudioServer {
 public:
  static QString executable() { return QStandardPaths::findExecutable(QStringLiteral("pulseaudio")); }
  static QString pactlExecutable() { return QStandardPaths::findExecutable(QStringLiteral("pactl")); }

  ~PulseAudioServer() {
    if (daemon_.state() != QProcess::NotRunning) {
      daemon_.terminate();
      if (!daemon_.waitForFinished(5000)) daemon_.kill();
      daemon_.waitForFinished(2000);
    }
  }

  // Must run before Qt Multimedia first talks to PulseAudio. Returns an empty string
  // on success, else why not.
  QString start() {
    if (!dir_.isValid()) return QStringLiteral("no temporary folder");
    const QString config = dir_.filePath("default.pa");
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly)) return "cannot write " + config;
    file.write(QStringLiteral(
                   "load-module module-native-protocol-unix auth-anonymous=1 socket=%1\n"
                   "load-module module-pipe-source source_name=testpipe file=%2 format=s16le rate=16000 channels=1\n"
                   "load-module module-null-sink sink_name=nullsink\n"
                   "set-default-source testpipe\n"
                   "set-default-sink nullsink\n")
                   .arg(socketPath(), fifoPath())
                   .toUtf8());
    file.close();

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", dir_.path());
    env.insert("XDG_RUNTIME_DIR", dir_.filePath("run"));
    env.insert("PULSE_RUNTIME_PATH", dir_.filePath("run"));
    env.insert("PULSE_STATE_PATH", dir_.filePath("state"));
    QDir(dir_.path()).mkpath("run");
    QFile::setPermissions(dir_.filePath("run"), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    daemon_.setProcessEnvironment(env);
    daemon_.setProcessChannelMode(QProcess::MergedChannels);
    // -n: no system default.pa; no idle exit; no daemonising, so the process is ours to end.
    daemon_.start(executable(), {"-n", "-F", config, "--daemonize=no", "--system=false",
                                 "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr",
                                 "--log-level=error"});
    if (!daemon_.waitForStarted(5000)) return "pulseaudio does not start: " + daemon_.errorString();

    qputenv("PULSE_SERVER", serverAddress().toUtf8());
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (daemon_.state() == QProcess::NotRunning) {
        return "pulseaudio exited: " + QString::fromUtf8(daemon_.readAll()).trimmed();
      }
      if (pactl({"info"}).isEmpty()) return {};
      QThread::msleep(100);
    }
    return "pulseaudio did not answer on " + serverAddress();
  }

  QString fifoPath() const { return dir_.filePath("mic.fifo"); }

  // Writes 16 kHz samples into the pipe source's FIFO as s16le in 5 ms pieces at
  // real-time pace (blocking); returns the clock time the first piece went in, or -1
  // when the FIFO cannot be opened.
  std::int64_t play(const std::vector<float>& samples, const CaptureClock& clock) const {
    constexpr int kRate = AudioSource::kSampleRateHz;
    const int fd = ::open(fifoPath().toLocal8Bit().constData(), O_WRONLY);
    if (fd < 0) return -1;
    constexpr std::size_t kPiece = kRate / 200;
    std::vector<std::int16_t> pcm(kPiece);
    const std::int64_t startUs = clock.nowUs();
    for (std::size_t at = 0; at < samples.size(); at += kPiece) {
      const std::size_t n = std::min(kPiece, samples.size() - at);
      for (std::size_t i = 0; i < n; ++i) {
        pcm[i] = static_cast<std::int16_t>(std::lround(std::clamp(samples[at + i], -1.0f, 1.0f) * 32767.0f));
      }
      std::this_thread::sleep_until(clock.toTimePoint(startUs + static_cast<std::int64_t>(at) * 1'000'000 / kRate));
      if (::write(fd, pcm.data(), n * sizeof(std::int16_t)) < 0) break;
    }
    ::close(fd);
    return startUs;
  }
  QString path(const QString& name) const { return dir_.filePath(name); }
  QString serverAddress() const { return "unix:" + socketPath(); }

  // Runs pactl against this server; returns an empty string on success, else why not.
  QString pactl(const QStringList& arguments, QString* output = nullptr) const {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PULSE_SERVER", serverAddress());
    process.setProcessEnvironment(env);
    process.start(pactlExecutable(), arguments);
    if (!process.waitForFinished(10000)) return QStringLiteral("pactl did not finish");
    if (output) *output = QString::fromUtf8(process.readAllStandardOutput());
    if (process.exitCode() != 0) return QString::fromUtf8(process.readAllStandardError()).trimmed();
    return {};
  }

 private:
  QString socketPath() const { return dir_.filePath("native"); }

  QTemporaryDir dir_;
  QProcess daemon_;
};

}  // namespace sinkscope::test
