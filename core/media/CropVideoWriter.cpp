#include "core/media/CropVideoWriter.h"

extern "C" {
#include <libavutil/opt.h>
}

#include "core/base/Error.h"
#include "core/media/FfmpegHandles.h"

namespace sinkscope {

using namespace ffmpeg;

struct CropVideoWriter::Impl {
  std::string path;
  int width = 0;
  int height = 0;
  OutputPtr output;
  CodecPtr codec;
  FramePtr frame;
  PacketPtr packet;
  ScalerPtr scaler;
  AVStream* stream = nullptr;
  int scalerInputFormat = -1;
  std::int64_t nextPts = 0;
  bool finished = false;

  [[noreturn]] void fail(const std::string& what) const {
    throw MediaError("cannot write '" + path + "': " + what);
  }

  void check(int rc, const char* step) const {
    if (rc < 0) fail(std::string(step) + ": " + errorText(rc));
  }

  void drain(const AVFrame* input) {
    check(avcodec_send_frame(codec.get(), input), "encoding");
    for (;;) {
      const int rc = avcodec_receive_packet(codec.get(), packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      check(rc, "encoding");
      av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      check(av_interleaved_write_frame(output.get(), packet.get()), "writing");
    }
  }
};

CropVideoWriter::CropVideoWriter(const std::string& path, int widthPx, int heightPx, int frameRate)
    : impl_(std::make_unique<Impl>()) {
  quietLogOnce();
  Impl& d = *impl_;
  d.path = path;
  d.width = widthPx;
  d.height = heightPx;
  if (widthPx <= 0 || heightPx <= 0 || frameRate <= 0) {
    d.fail("bad picture size or rate " + std::to_string(widthPx) + "x" + std::to_string(heightPx) +
           " at " + std::to_string(frameRate) + " fps");
  }

  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, nullptr, nullptr, path.c_str()) < 0 || raw == nullptr) {
    d.fail("no container format for its extension");
  }
  d.output.reset(raw);
  const AVCodec* encoder = avcodec_find_encoder(d.output->oformat->video_codec);
  if (encoder == nullptr) encoder = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (encoder == nullptr) d.fail("no video encoder");

  d.stream = avformat_new_stream(d.output.get(), nullptr);
  d.codec.reset(avcodec_alloc_context3(encoder));
  d.frame.reset(av_frame_alloc());
  d.packet.reset(av_packet_alloc());
  if (d.stream == nullptr || !d.codec || !d.frame || !d.packet) d.fail("out of memory");

  AVCodecContext* c = d.codec.get();
  c->width = widthPx;
  c->height = heightPx;
  c->time_base = AVRational{1, frameRate};
  c->framerate = AVRational{frameRate, 1};
  c->gop_size = 12;
  // No B-frames: packets are decoded in the order they are shown, so no container
  // needs an edit list for the reordering delay. With them, the .mp4 written here
  // came back one frame short from FFmpeg's own reader.
  c->max_b_frames = 0;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  if (encoder->pix_fmts != nullptr) {
    bool yuv420 = false;
    for (const AVPixelFormat* f = encoder->pix_fmts; *f != AV_PIX_FMT_NONE; ++f) {
      yuv420 = yuv420 || *f == AV_PIX_FMT_YUV420P;
    }
    if (!yuv420) c->pix_fmt = encoder->pix_fmts[0];
  }
  // The crops are inspected by eye and fed to models: keep them close to lossless.
  if (av_opt_set(c->priv_data, "crf", "12", 0) < 0) {
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * 2;
  }
  if (d.output->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  d.check(avcodec_open2(c, encoder, nullptr), "opening the encoder");
  d.check(avcodec_parameters_from_context(d.stream->codecpar, c), "setting stream parameters");
  d.stream->time_base = c->time_base;
  d.stream->avg_frame_rate = c->framerate;

  if (!(d.output->oformat->flags & AVFMT_NOFILE)) {
    d.check(avio_open(&d.output->pb, path.c_str(), AVIO_FLAG_WRITE), "opening the file");
  }
  d.check(avformat_write_header(d.output.get(), nullptr), "writing the header");

  d.frame->format = c->pix_fmt;
  d.frame->width = widthPx;
  d.frame->height = heightPx;
  d.check(av_frame_get_buffer(d.frame.get(), 0), "allocating a picture");
}

CropVideoWriter::~CropVideoWriter() {
  try {
    finish();
  } catch (const Error&) {
    // A destructor cannot report; finish() is there for callers who want to know.
  }
}

void CropVideoWriter::write(const Image& picture) {
  Impl& d = *impl_;
  if (d.finished) d.fail("write after finish");
  if (picture.width != d.width || picture.height != d.height ||
      (picture.channels != 1 && picture.channels != 3)) {
    d.fail("expected " + std::to_string(d.width) + "x" + std::to_string(d.height) +
           " gray or BGR pictures, got " + std::to_string(picture.width) + "x" +
           std::to_string(picture.height) + "x" + std::to_string(picture.channels));
  }
  const int inputFormat = picture.channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_BGR24;
  if (!d.scaler || inputFormat != d.scalerInputFormat) {
    d.scaler.reset(sws_getContext(d.width, d.height, static_cast<AVPixelFormat>(inputFormat),
                                  d.width, d.height, d.codec->pix_fmt, SWS_BILINEAR, nullptr,
                                  nullptr, nullptr));
    if (!d.scaler) d.fail("no pixel format conversion");
    d.scalerInputFormat = inputFormat;
  }
  d.check(av_frame_make_writable(d.frame.get()), "reusing a picture");
  const std::uint8_t* planes[4] = {picture.pixels.data(), nullptr, nullptr, nullptr};
  const int strides[4] = {picture.width * picture.channels, 0, 0, 0};
  sws_scale(d.scaler.get(), planes, strides, 0, d.height, d.frame->data, d.frame->linesize);
  d.frame->pts = d.nextPts++;
  d.drain(d.frame.get());
}

void CropVideoWriter::finish() {
  Impl& d = *impl_;
  if (d.finished) return;
  d.finished = true;
  d.drain(nullptr);
  d.check(av_write_trailer(d.output.get()), "writing the trailer");
  if (!(d.output->oformat->flags & AVFMT_NOFILE)) d.check(avio_closep(&d.output->pb), "closing");
}

}  // namespace sinkscope
