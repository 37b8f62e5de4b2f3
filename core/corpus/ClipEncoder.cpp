#include "core/corpus/ClipEncoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/base/Error.h"

namespace sinkscope::corpus {

namespace {

constexpr int kSide = 96;
constexpr int kSampleRateHz = 16000;

struct OutputDeleter {
  void operator()(AVFormatContext* f) const {
    if (f && f->pb) avio_closep(&f->pb);
    avformat_free_context(f);
  }
};
struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

std::string avError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

void check(int code, const std::string& path, const char* what) {
  if (code < 0) throw MediaError("ClipEncoder: " + path + ": " + what + " failed: " + avError(code));
}

// Sends one frame (or the flush signal) and writes every packet that comes out.
void encode(AVCodecContext* codec, AVFrame* frame, AVStream* stream, AVFormatContext* out, AVPacket* packet,
            const std::string& path) {
  check(avcodec_send_frame(codec, frame), path, "avcodec_send_frame");
  while (true) {
    const int rc = avcodec_receive_packet(codec, packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    check(rc, path, "avcodec_receive_packet");
    // Without a duration the MP4 muxer gives the last video sample none, and
    // readers drop that frame.
    if (packet->duration == 0 && codec->codec_type == AVMEDIA_TYPE_VIDEO) packet->duration = 1;
    av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
    packet->stream_index = stream->index;
    check(av_interleaved_write_frame(out, packet), path, "av_interleaved_write_frame");
  }
}

}  // namespace

void ClipEncoder::write(const std::string& path, const std::vector<std::uint8_t>& frames, int frameCount,
                        const std::vector<std::int16_t>& audio16k) {
  if (frameCount <= 0 || frames.size() != static_cast<std::size_t>(frameCount) * kSide * kSide)
    throw ShapeError("ClipEncoder: " + path + ": expected " + std::to_string(frameCount) + " frames of 96x96, got " +
                     std::to_string(frames.size()) + " bytes");
  // The encoders' statistics would drown the progress line; errors still come out.
  static const bool quiet = [] {
    av_log_set_level(AV_LOG_ERROR);
    return true;
  }();
  (void)quiet;
  AVFormatContext* rawOut = nullptr;
  check(avformat_alloc_output_context2(&rawOut, nullptr, "mp4", path.c_str()), path, "avformat_alloc_output_context2");
  OutputPtr out(rawOut);
  out->flags |= AVFMT_FLAG_BITEXACT;

  const AVCodec* h264 = avcodec_find_encoder_by_name("libx264");
  const AVCodec* aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!h264 || !aac) throw MediaError("ClipEncoder: this FFmpeg has no libx264 or AAC encoder");

  CodecPtr video(avcodec_alloc_context3(h264));
  video->width = kSide;
  video->height = kSide;
  video->pix_fmt = AV_PIX_FMT_YUV420P;
  video->time_base = AVRational{1, kFps};
  video->framerate = AVRational{kFps, 1};
  video->thread_count = 1;
  video->flags |= AV_CODEC_FLAG_BITEXACT;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) video->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(video->priv_data, "preset", "superfast", 0);
  av_opt_set(video->priv_data, "crf", "16", 0);
  check(avcodec_open2(video.get(), h264, nullptr), path, "opening libx264");
  AVStream* videoStream = avformat_new_stream(out.get(), nullptr);
  check(avcodec_parameters_from_context(videoStream->codecpar, video.get()), path, "video parameters");
  videoStream->time_base = video->time_base;

  CodecPtr audio(avcodec_alloc_context3(aac));
  audio->sample_fmt = AV_SAMPLE_FMT_FLTP;
  audio->sample_rate = kSampleRateHz;
  av_channel_layout_default(&audio->ch_layout, 1);
  audio->bit_rate = 64000;
  audio->time_base = AVRational{1, kSampleRateHz};
  audio->flags |= AV_CODEC_FLAG_BITEXACT;
  // The default two-loop search took a quarter of all corpus time for no audible gain.
  av_opt_set(audio->priv_data, "aac_coder", "fast", 0);
  if (out->oformat->flags & AVFMT_GLOBALHEADER) audio->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check(avcodec_open2(audio.get(), aac, nullptr), path, "opening the AAC encoder");
  AVStream* audioStream = avformat_new_stream(out.get(), nullptr);
  check(avcodec_parameters_from_context(audioStream->codecpar, audio.get()), path, "audio parameters");
  audioStream->time_base = audio->time_base;

  check(avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE), path, "opening the file");
  check(avformat_write_header(out.get(), nullptr), path, "writing the header");
  PacketPtr packet(av_packet_alloc());

  FramePtr picture(av_frame_alloc());
  picture->format = AV_PIX_FMT_YUV420P;
  picture->width = kSide;
  picture->height = kSide;
  check(av_frame_get_buffer(picture.get(), 0), path, "allocating a picture");
  for (int i = 0; i < frameCount; ++i) {
    check(av_frame_make_writable(picture.get()), path, "av_frame_make_writable");
    const std::uint8_t* src = frames.data() + static_cast<std::size_t>(i) * kSide * kSide;
    for (int y = 0; y < kSide; ++y) std::memcpy(picture->data[0] + y * picture->linesize[0], src + y * kSide, kSide);
    for (int plane = 1; plane <= 2; ++plane)
      for (int y = 0; y < kSide / 2; ++y) std::memset(picture->data[plane] + y * picture->linesize[plane], 128, kSide / 2);
    picture->pts = i;
    encode(video.get(), picture.get(), videoStream, out.get(), packet.get(), path);
  }
  encode(video.get(), nullptr, videoStream, out.get(), packet.get(), path);

  FramePtr sound(av_frame_alloc());
  sound->format = AV_SAMPLE_FMT_FLTP;
  sound->sample_rate = kSampleRateHz;
  sound->nb_samples = audio->frame_size;
  check(av_channel_layout_copy(&sound->ch_layout, &audio->ch_layout), path, "channel layout");
  check(av_frame_get_buffer(sound.get(), 0), path, "allocating an audio frame");
  for (std::size_t first = 0; first < audio16k.size(); first += static_cast<std::size_t>(audio->frame_size)) {
    check(av_frame_make_writable(sound.get()), path, "av_frame_make_writable");
    auto* dst = reinterpret_cast<float*>(sound->data[0]);
    for (int k = 0; k < audio->frame_size; ++k) {
      const std::size_t at = first + static_cast<std::size_t>(k);
      dst[k] = at < audio16k.size() ? static_cast<float>(audio16k[at] / 32768.0) : 0.0f;
    }
    sound->pts = static_cast<std::int64_t>(first);
    encode(audio.get(), sound.get(), audioStream, out.get(), packet.get(), path);
  }
  encode(audio.get(), nullptr, audioStream, out.get(), packet.get(), path);
  check(av_write_trailer(out.get()), path, "writing the trailer");
}

}  // namespace sinkscope::corpus
