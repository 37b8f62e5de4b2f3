#include "core/media/ClipDecoder.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>

#include "core/base/Error.h"
#include "core/media/FfmpegHandles.h"
#include "core/media/OpenCvImage.h"

namespace sinkscope {

namespace {

using namespace ffmpeg;

// AVChannelLayout owns memory for custom layouts; this keeps it released.
struct ChannelLayout {
  AVChannelLayout layout{};
  ChannelLayout() = default;
  ChannelLayout(const ChannelLayout&) = delete;
  ChannelLayout& operator=(const ChannelLayout&) = delete;
  ~ChannelLayout() { av_channel_layout_uninit(&layout); }
  void assign(const AVChannelLayout& other) {
    av_channel_layout_uninit(&layout);
    av_channel_layout_copy(&layout, &other);
  }
};

// The clockwise rotation a player applies, from the stream's display matrix,
// snapped to quarter turns as FFmpeg's own tools do.
int displayRotationDeg(const AVStream* stream) {
  size_t size = 0;
  const std::uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size < 9 * sizeof(std::int32_t)) return 0;
  const double counterClockwiseDeg =
      av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
  if (!std::isfinite(counterClockwiseDeg)) return 0;
  const long quarterTurns = std::lround(-counterClockwiseDeg / 90.0);
  return static_cast<int>(((quarterTurns % 4) + 4) % 4) * 90;
}

bool isFullRangeYuv(int format) {
  return format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P ||
         format == AV_PIX_FMT_YUVJ444P || format == AV_PIX_FMT_YUVJ440P ||
         format == AV_PIX_FMT_YUVJ411P;
}

}  // namespace

struct ClipDecoder::Impl {
  std::string path;
  DecodeOptions options;
  ClipInfo info;

  InputPtr format;
  int videoIndex = -1;
  int audioIndex = -1;
  CodecPtr videoCodec;
  CodecPtr audioCodec;
  double originSec = 0.0;  // the earliest start of the chosen streams is t = 0
  double nominalFrameSec = 1.0 / kFrameRate;
  PacketPtr packet;
  FramePtr frame;
  bool finished = false;
  bool startedAtBeginning = true;
  int errorCount = 0;
  std::string lastError;
  std::int64_t framesDelivered = 0;
  std::int64_t samplesDelivered = 0;

  // After a seek the demuxer may land anywhere (formats without an index): pictures
  // before the next keyframe are dropped, and a keyframe that starts after the
  // wanted frame sends the demuxer back further.
  bool awaitingKeyframe = false;
  bool reseekRequested = false;
  double seekTargetSec = 0.0;
  double seekBackoffSec = 0.0;

  // The 25 fps grid: the picture on screen is held until a later one takes over.
  std::int64_t nextFrameIndex = 0;
  FramePtr heldPicture;
  bool havePicture = false;
  bool heldConverted = false;
  Image heldBgr;
  Image heldGray;
  double lastPictureSec = 0.0;
  double videoEndSec = 0.0;
  ScalerPtr scaler;

  // Audio: a running sample position at 16 kHz, fixed by the first frame's timestamp.
  ResamplerPtr resampler;
  ChannelLayout resamplerLayout;
  int resamplerFormat = -1;
  int resamplerRateHz = 0;
  bool audioPositionKnown = false;
  std::int64_t nextSample = 0;
  std::int64_t dropBeforeSample = 0;
  std::int64_t deliveredEndSample = 0;

  Impl(std::string pathIn, DecodeOptions optionsIn)
      : path(std::move(pathIn)), options(optionsIn) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw MediaError("'" + path + "': " + what);
  }

  void noteError(int code) {
    ++errorCount;
    lastError = errorText(code);
  }

  void open();
  int openDecoder(AVMediaType type, CodecPtr& codec, std::string& problem);
  void resetState(double startSec);
  void seek(double timeSec, double backoffSec);
  void seekFurtherBack() { seek(seekTargetSec, seekBackoffSec > 0 ? 2 * seekBackoffSec : 1.0); }

  bool step(const VideoSink& onVideo, const AudioSink& onAudio);
  void decode(AVCodecContext* codec, const AVPacket* input, const VideoSink& onVideo,
              const AudioSink& onAudio);
  void onPicture(const AVFrame* picture, const VideoSink& onVideo);
  void emitHeld(const VideoSink& onVideo);
  void convertHeld();
  void finishVideo(const VideoSink& onVideo);
  void onAudioFrame(const AVFrame* audio, const AudioSink& onAudio);
  void configureResampler(const AVFrame* audio);
  void flushResampler(const AudioSink& onAudio);
  void deliverAudio(std::vector<float>&& samples, const AudioSink& onAudio);
};

void ClipDecoder::Impl::open() {
  quietLogOnce();
  videoCodec.reset();
  audioCodec.reset();
  format.reset();
  scaler.reset();
  resampler.reset();

  AVFormatContext* rawFormat = nullptr;
  int rc = avformat_open_input(&rawFormat, path.c_str(), nullptr, nullptr);
  if (rc < 0) throw MediaError("cannot open '" + path + "': " + errorText(rc));
  format.reset(rawFormat);
  rc = avformat_find_stream_info(format.get(), nullptr);
  if (rc < 0) fail("cannot read stream parameters: " + errorText(rc));

  info = ClipInfo{};
  info.path = path;
  info.containerName = format->iformat != nullptr ? format->iformat->name : "";
  if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    info.durationSec = static_cast<double>(format->duration) / AV_TIME_BASE;
  }

  std::string videoProblem;
  std::string audioProblem;
  videoIndex = openDecoder(AVMEDIA_TYPE_VIDEO, videoCodec, videoProblem);
  audioIndex = openDecoder(AVMEDIA_TYPE_AUDIO, audioCodec, audioProblem);

  if (videoIndex >= 0) {
    const AVStream* stream = format->streams[videoIndex];
    info.hasVideo = true;
    info.videoCodec = avcodec_get_name(stream->codecpar->codec_id);
    info.rotationDeg = displayRotationDeg(stream);
    const bool quarterTurn = info.rotationDeg == 90 || info.rotationDeg == 270;
    info.widthPx = quarterTurn ? stream->codecpar->height : stream->codecpar->width;
    info.heightPx = quarterTurn ? stream->codecpar->width : stream->codecpar->height;
    const AVRational rate = av_guess_frame_rate(format.get(), format->streams[videoIndex], nullptr);
    if (rate.num > 0 && rate.den > 0) {
      info.sourceFrameRate = av_q2d(rate);
      if (info.sourceFrameRate < 1000.0) nominalFrameSec = 1.0 / info.sourceFrameRate;
    }
  }
  if (audioIndex >= 0) {
    const AVStream* stream = format->streams[audioIndex];
    info.hasAudio = true;
    info.audioCodec = avcodec_get_name(stream->codecpar->codec_id);
    info.sourceSampleRateHz = stream->codecpar->sample_rate;
    info.sourceChannels = stream->codecpar->ch_layout.nb_channels;
  }

  const bool wantVideo = options.video && videoIndex >= 0;
  const bool wantAudio = options.audio && audioIndex >= 0;
  if (!wantVideo && !wantAudio) {
    std::string what = options.video && options.audio ? "no audio or video stream"
                       : options.video               ? "no video stream"
                       : options.audio               ? "no audio stream"
                                                     : "neither audio nor video requested";
    const std::string& problem = !videoProblem.empty() ? videoProblem : audioProblem;
    if (!problem.empty()) what += " that can be decoded (" + problem + ")";
    fail(what);
  }
  if (!wantVideo) {
    videoCodec.reset();
    videoIndex = -1;
  }
  if (!wantAudio) {
    audioCodec.reset();
    audioIndex = -1;
  }

  double origin = std::numeric_limits<double>::infinity();
  for (int index : {videoIndex, audioIndex}) {
    if (index < 0) continue;
    const AVStream* stream = format->streams[index];
    if (stream->start_time != AV_NOPTS_VALUE) {
      origin = std::min(origin, stream->start_time * av_q2d(stream->time_base));
    }
  }
  if (!std::isfinite(origin)) {
    origin = format->start_time != AV_NOPTS_VALUE
                 ? static_cast<double>(format->start_time) / AV_TIME_BASE
                 : 0.0;
  }
  originSec = origin;

  packet.reset(av_packet_alloc());
  frame.reset(av_frame_alloc());
  heldPicture.reset(av_frame_alloc());
  if (!packet || !frame || !heldPicture) fail("out of memory");
  startedAtBeginning = true;
  awaitingKeyframe = false;
  reseekRequested = false;
  deliveredEndSample = 0;
  resetState(0.0);
}

int ClipDecoder::Impl::openDecoder(AVMediaType type, CodecPtr& codec, std::string& problem) {
  const AVCodec* decoder = nullptr;
  const int index = av_find_best_stream(format.get(), type, -1, -1, &decoder, 0);
  if (index < 0) return -1;
  const AVStream* stream = format->streams[index];
  // A cover picture in an audio file is not a video.
  if (type == AVMEDIA_TYPE_VIDEO && (stream->disposition & AV_DISPOSITION_ATTACHED_PIC)) return -1;
  const std::string codecName = avcodec_get_name(stream->codecpar->codec_id);
  if (decoder == nullptr) {
    problem = "no decoder for " + codecName;
    return -1;
  }
  CodecPtr context(avcodec_alloc_context3(decoder));
  if (!context) fail("out of memory");
  int rc = avcodec_parameters_to_context(context.get(), stream->codecpar);
  if (rc >= 0) {
    context->pkt_timebase = stream->time_base;
    rc = avcodec_open2(context.get(), decoder, nullptr);
  }
  if (rc < 0) {
    problem = "cannot open the " + codecName + " decoder: " + errorText(rc);
    return -1;
  }
  codec = std::move(context);
  return index;
}

// Lands on a keyframe at or before timeSec − backoffSec; the frames from there to
// timeSec are decoded and not delivered. Where the container cannot seek, or the
// backoff reaches the start, decoding starts over from the beginning.
void ClipDecoder::Impl::seek(double timeSec, double backoffSec) {
  const double landingSec = timeSec - backoffSec;
  const auto landing = static_cast<std::int64_t>((landingSec + originSec) * AV_TIME_BASE);
  const std::int64_t alreadyDelivered = deliveredEndSample;
  const bool sought =
      landingSec > 0.0 && avformat_seek_file(format.get(), -1, std::numeric_limits<std::int64_t>::min(),
                                             landing, landing, 0) >= 0;
  if (sought) {
    if (videoCodec) avcodec_flush_buffers(videoCodec.get());
    if (audioCodec) avcodec_flush_buffers(audioCodec.get());
  } else {
    open();
  }
  startedAtBeginning = false;
  resetState(timeSec);
  // A second try from further back must not hand out audio twice.
  dropBeforeSample = std::max(dropBeforeSample, alreadyDelivered);
  deliveredEndSample = alreadyDelivered;
  awaitingKeyframe = videoCodec != nullptr && sought;
  reseekRequested = false;
  seekTargetSec = timeSec;
  seekBackoffSec = backoffSec;
}

void ClipDecoder::Impl::resetState(double startSec) {
  finished = false;
  nextFrameIndex = static_cast<std::int64_t>(std::floor(startSec * kFrameRate + 1e-9));
  av_frame_unref(heldPicture.get());
  havePicture = false;
  heldConverted = false;
  lastPictureSec = startSec;
  videoEndSec = startSec;
  resampler.reset();
  audioPositionKnown = false;
  nextSample = 0;
  dropBeforeSample = std::llround(startSec * kSampleRateHz);
}

bool ClipDecoder::Impl::step(const VideoSink& onVideo, const AudioSink& onAudio) {
  if (finished) return false;
  const int rc = av_read_frame(format.get(), packet.get());
  if (rc < 0) {
    // A read error past the header is where a truncated file ends: keep what came before.
    if (rc != AVERROR_EOF) noteError(rc);
    if (videoCodec) decode(videoCodec.get(), nullptr, onVideo, onAudio);
    if (reseekRequested) {
      // The keyframe that came out of the drained decoder was past the wanted frame.
      seekFurtherBack();
      return true;
    }
    if (audioCodec) {
      decode(audioCodec.get(), nullptr, onVideo, onAudio);
      flushResampler(onAudio);
    }
    finishVideo(onVideo);
    finished = true;
    if (startedAtBeginning && framesDelivered == 0 && samplesDelivered == 0) {
      fail(errorCount > 0 ? "no audio or video could be decoded (" + lastError + ")"
                          : "no audio or video data");
    }
    return false;
  }
  if (packet->stream_index == videoIndex && videoCodec) {
    decode(videoCodec.get(), packet.get(), onVideo, onAudio);
  } else if (packet->stream_index == audioIndex && audioCodec) {
    decode(audioCodec.get(), packet.get(), onVideo, onAudio);
  }
  av_packet_unref(packet.get());
  if (reseekRequested) seekFurtherBack();
  return true;
}

void ClipDecoder::Impl::decode(AVCodecContext* codec, const AVPacket* input,
                               const VideoSink& onVideo, const AudioSink& onAudio) {
  int rc = avcodec_send_packet(codec, input);
  if (rc < 0 && rc != AVERROR_EOF) {
    // A damaged packet is skipped; the decoder carries on with the next one.
    noteError(rc);
    if (input != nullptr) return;
  }
  for (;;) {
    rc = avcodec_receive_frame(codec, frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
    if (rc < 0) {
      noteError(rc);
      break;
    }
    if (codec == videoCodec.get()) {
      onPicture(frame.get(), onVideo);
    } else {
      onAudioFrame(frame.get(), onAudio);
    }
    av_frame_unref(frame.get());
    if (reseekRequested) break;
  }
}

// Grid frame i shows the last picture that started before (i + 0.5) / 25 s: each
// picture goes to the nearest grid slot, as FFmpeg's fps filter rounds, which keeps
// a 25 fps source with jittery timestamps one to one.
void ClipDecoder::Impl::onPicture(const AVFrame* picture, const VideoSink& onVideo) {
  if (picture->width <= 0 || picture->height <= 0 || picture->format < 0) {
    noteError(AVERROR_INVALIDDATA);
    return;
  }
  const double timeBase = av_q2d(format->streams[videoIndex]->time_base);
  double startSec = picture->best_effort_timestamp != AV_NOPTS_VALUE
                        ? picture->best_effort_timestamp * timeBase - originSec
                        : (havePicture ? lastPictureSec + nominalFrameSec : lastPictureSec);
  if (awaitingKeyframe) {
    if (picture->key_frame == 0) return;
    if (startSec * kFrameRate + 1e-6 >= nextFrameIndex + 0.5) {
      reseekRequested = true;
      return;
    }
    awaitingKeyframe = false;
  }
  if (havePicture && startSec < lastPictureSec) startSec = lastPictureSec;
  const double durationSec =
      picture->pkt_duration > 0 ? picture->pkt_duration * timeBase : nominalFrameSec;

  const double referenceSec = havePicture ? lastPictureSec
                                          : static_cast<double>(nextFrameIndex) / kFrameRate;
  if (startSec - referenceSec > options.maxVideoGapSec) {
    fail("video timestamps jump by " + std::to_string(startSec - referenceSec) + " s at " +
         std::to_string(referenceSec) + " s");
  }

  const double slot = startSec * kFrameRate + 1e-6;
  if (!havePicture && nextFrameIndex + 0.5 <= slot) {
    // Frames before the first picture show the first picture.
    av_frame_ref(heldPicture.get(), picture);
    havePicture = true;
    heldConverted = false;
  }
  while (nextFrameIndex + 0.5 <= slot) emitHeld(onVideo);

  av_frame_unref(heldPicture.get());
  av_frame_ref(heldPicture.get(), picture);
  havePicture = true;
  heldConverted = false;
  lastPictureSec = startSec;
  videoEndSec = std::max(videoEndSec, startSec + durationSec);
}

void ClipDecoder::Impl::emitHeld(const VideoSink& onVideo) {
  if (!heldConverted) convertHeld();
  VideoFrame out;
  out.index = nextFrameIndex;
  out.timeSec = static_cast<double>(nextFrameIndex) / kFrameRate;
  if (options.bgr) out.bgr = heldBgr;
  if (options.gray) out.gray = heldGray;
  ++nextFrameIndex;
  ++framesDelivered;
  if (onVideo) onVideo(std::move(out));
}

void ClipDecoder::Impl::convertHeld() {
  const AVFrame* picture = heldPicture.get();
  const int width = picture->width;
  const int height = picture->height;
  SwsContext* next = sws_getCachedContext(
      scaler.release(), width, height, static_cast<AVPixelFormat>(picture->format), width, height,
      AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr);
  scaler.reset(next);
  if (!scaler) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(picture->format));
    fail(std::string("cannot convert pixel format ") + (name != nullptr ? name : "unknown") +
         " at " + std::to_string(width) + "x" + std::to_string(height));
  }
  const int matrix = picture->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT
                                                                  : picture->colorspace;
  const int fullRange = picture->color_range == AVCOL_RANGE_JPEG || isFullRangeYuv(picture->format);
  const int* coefficients = sws_getCoefficients(matrix);
  sws_setColorspaceDetails(scaler.get(), coefficients, fullRange, coefficients, 1, 0, 1 << 16,
                           1 << 16);

  // swscale's vector paths may write a little past a row: give them a padded stride
  // and a spare row.
  const int stride = (width * 3 + 63) / 64 * 64;
  cv::Mat bgr(height + 1, stride, CV_8UC1);
  std::uint8_t* planes[4] = {bgr.data, nullptr, nullptr, nullptr};
  int strides[4] = {stride, 0, 0, 0};
  const int rows = sws_scale(scaler.get(), picture->data, picture->linesize, 0, height, planes,
                             strides);
  if (rows != height) fail("cannot convert a picture at " + std::to_string(lastPictureSec) + " s");
  cv::Mat upright(height, width, CV_8UC3, bgr.data, static_cast<std::size_t>(stride));
  cv::Mat rotated;
  switch (info.rotationDeg) {
    case 90: cv::rotate(upright, rotated, cv::ROTATE_90_CLOCKWISE); break;
    case 180: cv::rotate(upright, rotated, cv::ROTATE_180); break;
    case 270: cv::rotate(upright, rotated, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: rotated = upright; break;
  }
  heldBgr = options.bgr ? toImage(rotated) : Image{};
  if (options.gray) {
    cv::Mat gray;
    cv::cvtColor(rotated, gray, cv::COLOR_BGR2GRAY);
    heldGray = toImage(gray);
  } else {
    heldGray = Image{};
  }
  heldConverted = true;
}

void ClipDecoder::Impl::finishVideo(const VideoSink& onVideo) {
  if (!havePicture) return;
  const std::int64_t total = std::max<std::int64_t>(std::llround(videoEndSec * kFrameRate), 1);
  while (nextFrameIndex < total) emitHeld(onVideo);
  av_frame_unref(heldPicture.get());
  havePicture = false;
}

void ClipDecoder::Impl::onAudioFrame(const AVFrame* audio, const AudioSink& onAudio) {
  if (audio->nb_samples <= 0 || audio->sample_rate <= 0 || audio->ch_layout.nb_channels <= 0) {
    noteError(AVERROR_INVALIDDATA);
    return;
  }
  if (!resampler || audio->format != resamplerFormat || audio->sample_rate != resamplerRateHz ||
      av_channel_layout_compare(&audio->ch_layout, &resamplerLayout.layout) != 0) {
    flushResampler(onAudio);
    configureResampler(audio);
  }
  if (!audioPositionKnown) {
    const double timeBase = av_q2d(format->streams[audioIndex]->time_base);
    const double startSec = audio->best_effort_timestamp != AV_NOPTS_VALUE
                                ? audio->best_effort_timestamp * timeBase - originSec
                                : 0.0;
    nextSample = std::llround(startSec * kSampleRateHz);
    audioPositionKnown = true;
  }
  const int capacity = swr_get_out_samples(resampler.get(), audio->nb_samples);
  if (capacity <= 0) return;
  std::vector<float> samples(static_cast<std::size_t>(capacity));
  std::uint8_t* out[1] = {reinterpret_cast<std::uint8_t*>(samples.data())};
  const int produced = swr_convert(resampler.get(), out, capacity,
                                   const_cast<const std::uint8_t**>(audio->extended_data),
                                   audio->nb_samples);
  if (produced < 0) {
    noteError(produced);
    return;
  }
  samples.resize(static_cast<std::size_t>(produced));
  deliverAudio(std::move(samples), onAudio);
}

void ClipDecoder::Impl::configureResampler(const AVFrame* audio) {
  resampler.reset();
  const int channels = audio->ch_layout.nb_channels;
  ChannelLayout input;
  input.assign(audio->ch_layout);
  if (input.layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_uninit(&input.layout);
    av_channel_layout_default(&input.layout, channels);
  }
  // swr_alloc_set_opts2 takes non-const layouts in FFmpeg 5.1.
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  const auto build = [&](bool equalWeights) -> bool {
    SwrContext* raw = nullptr;
    if (swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, kSampleRateHz, &input.layout,
                            static_cast<AVSampleFormat>(audio->format), audio->sample_rate, 0,
                            nullptr) < 0) {
      swr_free(&raw);
      return false;
    }
    resampler.reset(raw);
    if (equalWeights) {
      // Layouts FFmpeg cannot mix down by name (unknown or custom channels): the mean.
      std::vector<double> weights(static_cast<std::size_t>(channels), 1.0 / channels);
      if (swr_set_matrix(resampler.get(), weights.data(), channels) < 0) return false;
    }
    return swr_init(resampler.get()) >= 0;
  };
  if (!build(false) && !build(true)) {
    resampler.reset();
    const char* name = av_get_sample_fmt_name(static_cast<AVSampleFormat>(audio->format));
    fail("cannot resample audio (" + std::string(name != nullptr ? name : "unknown format") +
         ", " + std::to_string(audio->sample_rate) + " Hz, " + std::to_string(channels) +
         " channels) to 16 kHz mono");
  }
  resamplerLayout.assign(audio->ch_layout);
  resamplerFormat = audio->format;
  resamplerRateHz = audio->sample_rate;
}

void ClipDecoder::Impl::flushResampler(const AudioSink& onAudio) {
  if (!resampler) return;
  for (;;) {
    const int capacity = swr_get_out_samples(resampler.get(), 0);
    if (capacity <= 0) break;
    std::vector<float> samples(static_cast<std::size_t>(capacity));
    std::uint8_t* out[1] = {reinterpret_cast<std::uint8_t*>(samples.data())};
    const int produced = swr_convert(resampler.get(), out, capacity, nullptr, 0);
    if (produced <= 0) break;
    samples.resize(static_cast<std::size_t>(produced));
    deliverAudio(std::move(samples), onAudio);
  }
  resampler.reset();
}

void ClipDecoder::Impl::deliverAudio(std::vector<float>&& samples, const AudioSink& onAudio) {
  std::int64_t first = nextSample;
  nextSample += static_cast<std::int64_t>(samples.size());
  if (first < dropBeforeSample) {
    const auto dropped = static_cast<std::size_t>(
        std::min<std::int64_t>(dropBeforeSample - first, static_cast<std::int64_t>(samples.size())));
    samples.erase(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(dropped));
    first += static_cast<std::int64_t>(dropped);
  }
  if (samples.empty()) return;
  deliveredEndSample = first + static_cast<std::int64_t>(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      fail("audio sample at " +
           std::to_string(static_cast<double>(first + static_cast<std::int64_t>(i)) /
                          kSampleRateHz) +
           " s is not a finite number");
    }
  }
  samplesDelivered += static_cast<std::int64_t>(samples.size());
  if (onAudio) onAudio(AudioChunk{first, std::move(samples)});
}

ClipDecoder::ClipDecoder(const std::string& path, DecodeOptions options)
    : impl_(std::make_unique<Impl>(path, options)) {
  impl_->open();
}

ClipDecoder::~ClipDecoder() = default;

const ClipInfo& ClipDecoder::info() const { return impl_->info; }

bool ClipDecoder::step(const VideoSink& onVideo, const AudioSink& onAudio) {
  return impl_->step(onVideo, onAudio);
}

void ClipDecoder::run(const VideoSink& onVideo, const AudioSink& onAudio) {
  while (impl_->step(onVideo, onAudio)) {
  }
}

void ClipDecoder::seek(double timeSec) {
  impl_->deliveredEndSample = 0;
  impl_->seek(std::max(0.0, timeSec), 0.0);
}

std::optional<VideoFrame> ClipDecoder::frameAt(double timeSec) {
  seek(timeSec);
  std::optional<VideoFrame> found;
  const VideoSink keepFirst = [&found](VideoFrame&& frame) {
    if (!found) found = std::move(frame);
  };
  while (!found && impl_->step(keepFirst, nullptr)) {
  }
  return found;
}

DecodedClip ClipDecoder::decodeAll(const std::string& path, DecodeOptions options) {
  ClipDecoder decoder(path, options);
  DecodedClip clip;
  clip.info = decoder.info();
  decoder.run([&clip](VideoFrame&& frame) { clip.frames.push_back(std::move(frame)); },
              [&clip](AudioChunk&& chunk) {
                if (clip.waveform.empty()) clip.waveformFirstSample = chunk.firstSample;
                clip.waveform.insert(clip.waveform.end(), chunk.samples.begin(),
                                     chunk.samples.end());
              });
  return clip;
}

}  // namespace sinkscope
