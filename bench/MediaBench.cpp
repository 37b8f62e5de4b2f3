// Media pipeline throughput on one core (the process pins itself to CPU 0):
//   1. decoding a 640×480 H.264 + AAC clip to the 25 fps grid (gray + BGR) and
//      16 kHz mono, as a multiple of real time (goal ≥ 20×);
//   2. mouth-crop tracking at 640×480: FaceLandmarker::track + MouthCropper per frame
//      on decoded frames, and the whole offline MouthExtractor (decoding included),
//      in frames per second (goal ≥ 30).
// The clip is made with the ffmpeg command line from a recorded talking face
// (shared/media/grid_s2_swwp2s.mpg, looped to 9 s) or, given a path, from that.
//
// Each figure is a median over rounds of both wall time and process CPU time: on the
// shared development machine the wall time counts other people's work, while the CPU
// time of a process pinned to one core is what a core of its own would take.
//
//   sinkscope-bench-media [source-clip] [rounds]

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/Error.h"
#include "core/media/ClipDecoder.h"
#include "core/media/FaceLandmarker.h"
#include "core/media/MouthCropper.h"
#include "core/media/MouthExtractor.h"

namespace {

namespace fs = std::filesystem;

struct Timing {
  double wallMs;
  double cpuMs;
};

double cpuNowMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Medians of wall and CPU time over `rounds` calls after one unmeasured call.
Timing medianTiming(const std::function<void()>& body, int rounds) {
  body();
  std::vector<double> wall, cpu;
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuNowMs();
    body();
    cpu.push_back(cpuNowMs() - cpuStart);
    wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

void pinToOneCore() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) std::perror("sched_setaffinity");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source =
      argc > 1 && argv[1][0] != 0 ? argv[1] : SINKSCOPE_SHARED_DIR "/media/grid_s2_swwp2s.mpg";
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

    const Timing decode = medianTiming([&] { sinkscope::ClipDecoder::decodeAll(clip); }, rounds);
    sinkscope::DecodeOptions grayOnly;
    grayOnly.bgr = false;
    const Timing decodeGray = medianTiming([&] { sinkscope::ClipDecoder::decodeAll(clip, grayOnly); }, rounds);
    for (const auto& [name, t] : {std::pair{"gray + BGR + audio", decode}, std::pair{"gray + audio", decodeGray}}) {
      std::printf("decode (%s): wall %.1f ms = %.1f× real time; CPU %.1f ms = %.1f× real time\n", name, t.wallMs,
                  seconds * 1000 / t.wallMs, t.cpuMs, seconds * 1000 / t.cpuMs);
    }

    const sinkscope::DecodedClip frames = sinkscope::ClipDecoder::decodeAll(clip, grayOnly);
    sinkscope::FaceLandmarker landmarker;
    sinkscope::MouthCropper cropper;
    std::size_t found = 0;
    const Timing track = medianTiming(
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
        rounds);
    const double count = static_cast<double>(frames.frames.size());
    std::printf("mouth-crop tracking (decoded frames, face in %zu of %zu): wall %.1f ms = %.1f frames/s; "
                "CPU %.1f ms = %.1f frames/s\n",
                found, frames.frames.size(), track.wallMs, count * 1000 / track.wallMs, track.cpuMs,
                count * 1000 / track.cpuMs);

    sinkscope::MouthExtractor extractor;
    std::size_t extracted = 0;
    const Timing extract = medianTiming(
        [&] {
          extracted = 0;
          extractor.run(clip, [&](sinkscope::MouthFrame&&) { ++extracted; });
        },
        rounds);
    std::printf("MouthExtractor (decode twice + track + crop, %zu frames): wall %.1f ms = %.1f frames/s; "
                "CPU %.1f ms = %.1f frames/s\n",
                extracted, extract.wallMs, extracted * 1000 / extract.wallMs, extract.cpuMs,
                extracted * 1000 / extract.cpuMs);
  } catch (const sinkscope::Error& error) {
    std::fprintf(stderr, "sinkscope-bench-media: %s\n", error.what());
    fs::remove_all(dir);
    return 1;
  }
  fs::remove_all(dir);
  return 0;
}
