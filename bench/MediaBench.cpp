// Media pipeline throughput on one core (the process pins itself to CPU 0):
//   1. decoding a 640×480 H.264 + AAC clip to the 25 fps grid (gray + BGR) and
//      16 kHz mono, as a multiple of real time (goal ≥ 20×);
//   2. mouth-crop tracking at 640×480: FaceLandmarker::track + MouthCropper per frame
//      on decoded frames, and the whole offline MouthExtractor (decoding included),
//      in frames per second (goal ≥ 30).
// The clip is made with the ffmpeg command line from a recorded talking face
// (shared/media/grid_s2_swwp2s.mpg, looped to 9 s) or, given a path, from that.
//
//   sinkscope-bench-media [source-clip] [rounds]

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/BenchUtil.h"
#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MouthCropper.h"
#include "core/media/MouthExtractor.h"

namespace {

namespace fs = std::filesystem;
using sinkscope::bench::medianMs;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

void pinToOneCore() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) std::perror("sched_setaffinity");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source = argc > 1 ? argv[1] : SINKSCOPE_SHARED_DIR "/media/grid_s2_swwp2s.mpg";
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  pinToOneCore();

  const fs::path dir = fs::temp_directory_path() / ("sinkscope-bench-media-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string clip = (dir / "clip640.mp4").string();
  const std::string command = "ffmpeg -v error -nostdin -y -stream_loop 2 -i " + quoted(source) +
                              " -vf scale=640:480,setsar=1 -r 25 -c:v libx264 -preset medium -pix_fmt yuv420p"
                              " -c:a aac -ar 44100 -ac 2 " + quoted(clip);
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "sinkscope-bench-media: ffmpeg could not make %s from %s\n", clip.c_str(), source.c_str());
    return 1;
  }

  try {
    const sinkscope::DecodedClip probe = sinkscope::ClipDecoder::decodeAll(clip);
    const double seconds = probe.waveform.size() / double(sinkscope::ClipDecoder::kSampleRateHz);
    std::printf("clip: %s, %d×%d %s + %s, %.2f s, %zu frames\n", clip.c_str(), probe.info.widthPx,
                probe.info.heightPx, probe.info.videoCodec.c_str(), probe.info.audioCodec.c_str(), seconds,
                probe.frames.size());

    const double decodeMs = medianMs([&] { sinkscope::ClipDecoder::decodeAll(clip); }, rounds, 1);
    sinkscope::DecodeOptions grayOnly;
    grayOnly.bgr = false;
    const double decodeGrayMs = medianMs([&] { sinkscope::ClipDecoder::decodeAll(clip, grayOnly); }, rounds, 1);
    std::printf("decode (gray + BGR + audio): %.1f ms = %.1f× real time\n", decodeMs, seconds * 1000 / decodeMs);
    std::printf("decode (gray + audio):       %.1f ms = %.1f× real time\n", decodeGrayMs,
                seconds * 1000 / decodeGrayMs);

    const sinkscope::DecodedClip frames = sinkscope::ClipDecoder::decodeAll(clip, grayOnly);
    sinkscope::FaceLandmarker landmarker;
    sinkscope::MouthCropper cropper;
    std::size_t found = 0;
    const double trackMs = medianMs(
        [&] {
          landmarker.resetTracking();
          std::vector<std::optional<sinkscope::Landmarks68>> track;
          for (const sinkscope::VideoFrame& frame : frames.frames) {
            const std::optional<sinkscope::FaceLandmarks> face = landmarker.track(frame.gray);
            track.push_back(face ? std::optional<sinkscope::Landmarks68>(face->points) : std::nullopt);
          }
          cropper.setTrack(track);
          found = 0;
          for (std::size_t i = 0; i < frames.frames.size(); ++i) {
            found += track[i].has_value();
            cropper.crop(frames.frames[i].gray, i);
          }
        },
        rounds, 1);
    std::printf("mouth-crop tracking (decoded frames): %.1f ms for %zu frames = %.1f frames/s (face in %zu)\n",
                trackMs, frames.frames.size(), frames.frames.size() * 1000 / trackMs, found);

    sinkscope::MouthExtractor extractor;
    std::size_t extracted = 0;
    const double extractMs = medianMs(
        [&] {
          extracted = 0;
          extractor.run(clip, [&](sinkscope::MouthFrame&&) { ++extracted; });
        },
        rounds, 1);
    std::printf("MouthExtractor (decode + track + crop): %.1f ms for %zu frames = %.1f frames/s\n", extractMs,
                extracted, extracted * 1000 / extractMs);
  } catch (const sinkscope::Error& error) {
    std::fprintf(stderr, "sinkscope-bench-media: %s\n", error.what());
    fs::remove_all(dir);
    return 1;
  }
  fs::remove_all(dir);
  return 0;
}
