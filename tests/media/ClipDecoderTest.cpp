#include <QtTest>

#include <cmath>
#include <cstring>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "media/MediaTestSupport.h"

using sinkscope::ClipDecoder;
using sinkscope::DecodedClip;
using sinkscope::DecodeOptions;
using sinkscope::MediaError;
using sinkscope::VideoFrame;
namespace st = sinkscope::test;

namespace {

double meanGray(const sinkscope::Image& gray, int x0, int y0, int width, int height) {
  double sum = 0;
  for (int y = y0; y < y0 + height; ++y) {
    for (int x = x0; x < x0 + width; ++x) sum += gray.at(x, y);
  }
  return sum / (width * height);
}

std::vector<float> floatsOf(const QByteArray& bytes) {
  std::vector<float> values(static_cast<std::size_t>(bytes.size()) / sizeof(float));
  std::memcpy(values.data(), bytes.constData(), values.size() * sizeof(float));
  return values;
}

// Pictures whose luma encodes their number modulo 64 (Y = 20 + 3·(N mod 64),
// lossless x264), so each decoded frame tells which source picture it shows.
QString numberedPicturesFilter(const QString& rate) {
  return "color=black:size=64x48:rate=" + rate + ",geq=lum='20+3*mod(N,64)':cb=128:cr=128";
}

int pictureNumberMod64(const VideoFrame& frame) {
  // Limited-range luma comes back as gray (Y - 16) · 255 / 219.
  const double y =
      meanGray(frame.gray, 0, 0, frame.gray.width, frame.gray.height) * 219.0 / 255.0 + 16.0;
  return static_cast<int>(std::lround((y - 20.0) / 3.0));
}

}  // namespace

class ClipDecoderTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  std::string made(const QString& name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void recordedClipsGiveThreeSecondsAt25Fps_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("grid mpeg-1 + mp2 44.1 kHz stereo") << "grid_s2_swwp2s.mpg" << 360 << 288;
    QTest::newRow("lrs2 mpeg-4 + aac 16 kHz") << "lrs2_00008.mp4" << 160 << 160;
  }

  void recordedClipsGiveThreeSecondsAt25Fps() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    QFETCH(QString, file);
    QFETCH(int, width);
    QFETCH(int, height);
    const DecodedClip clip = ClipDecoder::decodeAll(st::sharedMedia(qPrintable(file)));
    qInfo("%s: %zu frames, %zu samples (%.3f s), container %.3f s", qPrintable(file),
          clip.frames.size(), clip.waveform.size(), clip.waveform.size() / 16000.0,
          clip.info.durationSec);
    QVERIFY(clip.info.hasAudio && clip.info.hasVideo);
    QCOMPARE(clip.info.widthPx, width);
    QCOMPARE(clip.info.heightPx, height);
    QVERIFY2(std::abs(static_cast<int>(clip.frames.size()) - 75) <= 1,
             qPrintable(QString::number(clip.frames.size())));
    for (std::size_t i = 0; i < clip.frames.size(); ++i) {
      const VideoFrame& frame = clip.frames[i];
      QCOMPARE(frame.index, static_cast<std::int64_t>(i));
      QCOMPARE(frame.timeSec, static_cast<double>(i) / 25.0);
      QCOMPARE(frame.gray.width, width);
      QCOMPARE(frame.gray.height, height);
      QCOMPARE(frame.gray.channels, 1);
      QCOMPARE(frame.bgr.channels, 3);
      QCOMPARE(frame.bgr.width, width);
    }
    QVERIFY(std::abs(clip.waveform.size() / 16000.0 - 3.0) < 0.1);
  }

  // The audio path against FFmpeg's command line doing the same conversion
  // (`-ac 1 -ar 16000`, the way Whisper loads audio).
  void audioMatchesFfmpegCommandLine_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("grid mp2 44.1 kHz stereo") << "grid_s2_swwp2s.mpg";
    QTest::newRow("lrs2 aac 16 kHz mono") << "lrs2_00008.mp4";
    QTest::newRow("jfk pcm 16 kHz mono") << "jfk.wav";
  }

  void audioMatchesFfmpegCommandLine() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    SINKSCOPE_REQUIRE_FFMPEG();
    QFETCH(QString, file);
    const std::string path = st::sharedMedia(qPrintable(file));
    DecodeOptions audioOnly;
    audioOnly.video = false;
    const DecodedClip clip = ClipDecoder::decodeAll(path, audioOnly);
    const std::vector<float> reference = floatsOf(st::ffmpegOutput(
        {"-i", QString::fromStdString(path), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-"}));
    QVERIFY(!reference.empty());
    qInfo("%s: %zu samples here, %zu from ffmpeg", qPrintable(file), clip.waveform.size(),
          reference.size());
    QVERIFY(std::abs(static_cast<long>(clip.waveform.size()) - static_cast<long>(reference.size())) <= 16);
    double maxDiff = 0;
    const std::size_t n = std::min(clip.waveform.size(), reference.size());
    for (std::size_t i = 0; i < n; ++i) {
      maxDiff = std::max(maxDiff, static_cast<double>(std::abs(clip.waveform[i] - reference[i])));
    }
    qInfo("max |difference| %.3g", maxDiff);
    QVERIFY(maxDiff < 1e-4);
  }

  void jfkIsElevenSeconds() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const DecodedClip clip = ClipDecoder::decodeAll(st::sharedMedia("jfk.wav"));
    QVERIFY(clip.info.hasAudio);
    QVERIFY(!clip.info.hasVideo);
    QVERIFY(clip.frames.empty());
    QCOMPARE(clip.info.sourceSampleRateHz, 16000);
    QCOMPARE(clip.waveformFirstSample, std::int64_t{0});
    QCOMPARE(clip.waveform.size(), std::size_t{176000});

    // 16 kHz mono PCM passes through unchanged: compare with the WAV's own samples.
    QFile wav(QString::fromStdString(st::sharedMedia("jfk.wav")));
    QVERIFY(wav.open(QIODevice::ReadOnly));
    const QByteArray bytes = wav.readAll();
    const int data = bytes.indexOf("data");
    QVERIFY(data > 0);
    const auto* pcm = reinterpret_cast<const std::int16_t*>(bytes.constData() + data + 8);
    for (std::size_t i = 0; i < clip.waveform.size(); i += 997) {
      QCOMPARE(clip.waveform[i], pcm[i] / 32768.0f);
    }
  }

  // 30, 60 and a variable rate: every grid frame must show the picture FFmpeg's fps
  // filter would pick, i.e. the last one starting before (i + 0.5) / 25 s.
  void otherRatesLandOnTheGrid_data() {
    QTest::addColumn<QString>("rate");
    QTest::addColumn<int>("pictures");
    QTest::addColumn<int>("expectedFrames");
    QTest::newRow("30 fps") << "30" << 90 << 75;
    QTest::newRow("60 fps") << "60" << 180 << 75;
    QTest::newRow("25 fps") << "25" << 75 << 75;
    QTest::newRow("12.5 fps") << "12.5" << 38 << 76;
  }

  void otherRatesLandOnTheGrid() {
    SINKSCOPE_REQUIRE_FFMPEG();
    QFETCH(QString, rate);
    QFETCH(int, pictures);
    QFETCH(int, expectedFrames);
    const std::string path = made("rate" + rate + ".mp4");
    QCOMPARE(st::runFfmpeg({"-f", "lavfi", "-i", numberedPicturesFilter(rate), "-frames:v",
                            QString::number(pictures), "-c:v", "libx264", "-qp", "0",
                            QString::fromStdString(path)}),
             QString());
    DecodeOptions grayOnly;
    grayOnly.bgr = false;
    const DecodedClip clip = ClipDecoder::decodeAll(path, grayOnly);
    QCOMPARE(static_cast<int>(clip.frames.size()), expectedFrames);
    const double sourceRate = rate.toDouble();
    for (std::size_t i = 0; i < clip.frames.size(); ++i) {
      // Last k with k / rate < (i + 0.5) / 25, in exact arithmetic on tenths.
      const long tenthsRate = std::lround(sourceRate * 10);
      long k = 0;
      while (k + 1 < pictures && (k + 1) * 10 * 25 * 2 < (2 * static_cast<long>(i) + 1) * tenthsRate) ++k;
      QCOMPARE(pictureNumberMod64(clip.frames[i]), static_cast<int>(k % 64));
    }
  }

  // Timestamps in ms chosen off the grid's rounding boundaries: a first picture at
  // 0, then 33 fps, then 20 fps.
  void variableRateLandsOnTheGrid() {
    SINKSCOPE_REQUIRE_FFMPEG();
    const std::string path = made("vfr.mp4");
    const int pictures = 80;
    std::vector<long> startMs(pictures);
    for (int n = 0; n < pictures; ++n) {
      startMs[n] = n == 0 ? 0 : n < 40 ? 5 + 30 * n : 1205 + 50 * (n - 40);
    }
    QCOMPARE(st::runFfmpeg({"-f", "lavfi", "-i", numberedPicturesFilter("50"), "-vf",
                            "settb=1/1000,setpts='if(eq(N,0),0,if(lt(N,40),5+30*N,1205+50*(N-40)))/1000/TB'",
                            "-fps_mode", "passthrough", "-enc_time_base", "1:1000", "-frames:v",
                            QString::number(pictures),
                            "-c:v", "libx264", "-qp", "0", "-video_track_timescale", "1000",
                            QString::fromStdString(path)}),
             QString());
    const DecodedClip clip = ClipDecoder::decodeAll(path);
    // The last picture starts at 3155 ms and lasts what the muxer stored (20-50 ms).
    qInfo("variable rate: %zu frames", clip.frames.size());
    QVERIFY(std::abs(static_cast<int>(clip.frames.size()) - 80) <= 1);
    for (std::size_t i = 0; i < clip.frames.size(); ++i) {
      int k = 0;
      while (k + 1 < pictures && startMs[k + 1] * 25 * 2 < (2 * static_cast<long>(i) + 1) * 1000) ++k;
      QCOMPARE(pictureNumberMod64(clip.frames[i]), k % 64);
    }
  }

  // The display matrix FFmpeg writes for a `rotate` tag; FFmpeg's own player turns
  // the picture by it, and so must we: the white top-left corner of the stored
  // picture goes where ffmpeg renders it.
  void displayMatrixRotates_data() {
    QTest::addColumn<int>("rotateTag");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("cornerX");  // 0 = left, 1 = right
    QTest::addColumn<int>("cornerY");  // 0 = top, 1 = bottom
    QTest::newRow("tag 0") << 0 << 64 << 48 << 0 << 0;
    QTest::newRow("tag 90") << 90 << 48 << 64 << 0 << 1;
    QTest::newRow("tag 180") << 180 << 64 << 48 << 1 << 1;
    QTest::newRow("tag 270") << 270 << 48 << 64 << 1 << 0;
  }

  void displayMatrixRotates() {
    SINKSCOPE_REQUIRE_FFMPEG();
    QFETCH(int, rotateTag);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, cornerX);
    QFETCH(int, cornerY);
    const std::string plain = made("upright.mp4");
    QCOMPARE(st::runFfmpeg({"-f", "lavfi", "-i",
                            "color=black:size=64x48:rate=25:duration=0.4,"
                            "drawbox=x=0:y=0:w=16:h=12:color=white:t=fill",
                            "-c:v", "libx264", "-pix_fmt", "yuv420p", QString::fromStdString(plain)}),
             QString());
    const std::string rotated = made("rotated" + QString::number(rotateTag) + ".mp4");
    QCOMPARE(st::runFfmpeg({"-i", QString::fromStdString(plain), "-c", "copy", "-metadata:s:v:0",
                            "rotate=" + QString::number(rotateTag), QString::fromStdString(rotated)}),
             QString());
    const DecodedClip clip = ClipDecoder::decodeAll(rotated);
    QCOMPARE(clip.info.widthPx, width);
    QCOMPARE(clip.info.heightPx, height);
    QCOMPARE(static_cast<int>(clip.frames.size()), 10);
    const auto& gray = clip.frames[0].gray;
    QCOMPARE(gray.width, width);
    QCOMPARE(gray.height, height);
    const int cornerW = width / 4;
    const int cornerH = height / 4;
    for (int cy = 0; cy < 2; ++cy) {
      for (int cx = 0; cx < 2; ++cx) {
        const double level = meanGray(gray, cx * (width - cornerW), cy * (height - cornerH),
                                      cornerW, cornerH);
        if (cx == cornerX && cy == cornerY) {
          QVERIFY2(level > 200, qPrintable(QString::number(level)));
        } else {
          QVERIFY2(level < 50, qPrintable(QString::number(level)));
        }
      }
    }
    // ffmpeg's own rendering of the first frame agrees.
    const QByteArray reference = st::ffmpegOutput({"-i", QString::fromStdString(rotated), "-frames:v",
                                                   "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"});
    QCOMPARE(reference.size(), width * height);
    double diff = 0;
    for (int i = 0; i < width * height; ++i) {
      diff += std::abs(static_cast<int>(static_cast<std::uint8_t>(reference[i])) - gray.pixels[i]);
    }
    QVERIFY2(diff / (width * height) < 4.0, qPrintable(QString::number(diff / (width * height))));
  }

  void audioOnlyAndVideoOnlyFiles() {
    SINKSCOPE_REQUIRE_FFMPEG();
    const std::string audio = made("tone.mp3");
    QCOMPARE(st::runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
                            "-ac", "2", QString::fromStdString(audio)}),
             QString());
    const DecodedClip sound = ClipDecoder::decodeAll(audio);
    QVERIFY(sound.info.hasAudio);
    QVERIFY(!sound.info.hasVideo);
    QVERIFY(sound.frames.empty());
    QVERIFY(std::abs(sound.waveform.size() / 16000.0 - 2.0) < 0.06);

    const std::string video = made("silent.mkv");
    QCOMPARE(st::runFfmpeg({"-f", "lavfi", "-i", "testsrc2=size=80x60:rate=25:duration=2", "-c:v",
                            "ffv1", QString::fromStdString(video)}),
             QString());
    const DecodedClip picture = ClipDecoder::decodeAll(video);
    QVERIFY(picture.info.hasVideo);
    QVERIFY(!picture.info.hasAudio);
    QVERIFY(picture.waveform.empty());
    QCOMPARE(static_cast<int>(picture.frames.size()), 50);

    // Asking for the stream a file does not have is an error naming the file.
    DecodeOptions videoOnly;
    videoOnly.audio = false;
    try {
      ClipDecoder decoder(audio, videoOnly);
      QFAIL("an audio file opened for video");
    } catch (const MediaError& e) {
      QVERIFY2(QString(e.what()).contains(QString::fromStdString(audio)), e.what());
      QVERIFY2(QString(e.what()).contains("no video stream"), e.what());
    }
  }

  void streamingDeliversWhatDecodeAllDoes() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    const std::string path = st::sharedMedia("grid_s2_swwp2s.mpg");
    const DecodedClip whole = ClipDecoder::decodeAll(path);
    ClipDecoder decoder(path);
    std::size_t frames = 0;
    std::int64_t nextSample = -1;
    std::size_t samples = 0;
    int steps = 0;
    while (decoder.step(
        [&](VideoFrame&& frame) {
          QCOMPARE(frame.index, static_cast<std::int64_t>(frames));
          QVERIFY(frame.gray.pixels == whole.frames[frames].gray.pixels);
          ++frames;
        },
        [&](sinkscope::AudioChunk&& chunk) {
          if (nextSample >= 0) QCOMPARE(chunk.firstSample, nextSample);
          nextSample = chunk.firstSample + static_cast<std::int64_t>(chunk.samples.size());
          samples += chunk.samples.size();
        })) {
      ++steps;
    }
    QVERIFY(steps > 10);  // packet by packet, not all at once
    QCOMPARE(frames, whole.frames.size());
    QCOMPARE(samples, whole.waveform.size());
  }

  void seekingLandsOnTheFrameAndSample() {
    SINKSCOPE_REQUIRE_SHARED_MEDIA();
    for (const char* file : {"grid_s2_swwp2s.mpg", "lrs2_00008.mp4"}) {
      const std::string path = st::sharedMedia(file);
      const DecodedClip whole = ClipDecoder::decodeAll(path);
      ClipDecoder decoder(path);
      for (double t : {2.0, 0.5, 1.23, 0.0}) {
        const auto frame = decoder.frameAt(t);
        QVERIFY(frame.has_value());
        const auto index = static_cast<std::size_t>(std::floor(t * 25 + 1e-9));
        QCOMPARE(frame->index, static_cast<std::int64_t>(index));
        QVERIFY2(frame->gray.pixels == whole.frames[index].gray.pixels,
                 qPrintable(QString("%1 at %2 s").arg(file).arg(t)));
      }
      decoder.seek(1.5);
      std::int64_t firstSample = -1;
      std::int64_t firstFrame = -1;
      std::vector<float> samples;
      decoder.run(
          [&](VideoFrame&& frame) {
            if (firstFrame < 0) firstFrame = frame.index;
          },
          [&](sinkscope::AudioChunk&& chunk) {
            if (firstSample < 0) firstSample = chunk.firstSample;
            samples.insert(samples.end(), chunk.samples.begin(), chunk.samples.end());
          });
      QCOMPARE(firstFrame, std::int64_t{37});
      QCOMPARE(firstSample, std::int64_t{24000});
      // Audio after a seek continues the same waveform at the same sample index. A
      // 16 kHz source comes back sample for sample; a resampled one restarts its
      // resampler at a fraction of a sample, so there the test is that offset 0
      // aligns best.
      const std::int64_t start = firstSample - whole.waveformFirstSample;
      double bestCorrelation = -1;
      int bestOffset = 99;
      for (int offset = -3; offset <= 3; ++offset) {
        double ab = 0, aa = 0, bb = 0;
        for (std::size_t i = 512; i < 8000; ++i) {
          const double a = samples[i];
          const double b = whole.waveform[start + offset + static_cast<std::int64_t>(i)];
          ab += a * b;
          aa += a * a;
          bb += b * b;
        }
        const double correlation = ab / std::sqrt(aa * bb);
        if (correlation > bestCorrelation) {
          bestCorrelation = correlation;
          bestOffset = offset;
        }
      }
      qInfo("%s: audio after seeking to 1.5 s correlates %.3f at offset %d", file,
            bestCorrelation, bestOffset);
      QCOMPARE(bestOffset, 0);
      QVERIFY(bestCorrelation > 0.85);
      if (decoder.info().sourceSampleRateHz == 16000) {
        for (std::size_t i = 2048; i < 8000; ++i) {
          QVERIFY(std::abs(samples[i] - whole.waveform[start + static_cast<std::int64_t>(i)]) < 1e-4f);
        }
      }
      QVERIFY(!decoder.frameAt(100.0).has_value());
    }
  }

  void missingFileNamesThePath() {
    try {
      ClipDecoder decoder("/nonexistent/clip.mp4");
      QFAIL("opened a missing file");
    } catch (const MediaError& e) {
      QVERIFY2(QString(e.what()).contains("/nonexistent/clip.mp4"), e.what());
      QVERIFY(!QString(e.what()).contains('\n'));
    }
  }
};

QTEST_GUILESS_MAIN(ClipDecoderTest)
#include "ClipDecoderTest.moc"
