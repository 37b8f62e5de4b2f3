// Re-derives MeanFace::reference() from dlib's 68-point model and prints it as the
// table in core/media/MeanFace.cpp, followed by its figures next to DESIGN §3's.
//   sinkscope-derive-mean-face [/usr/share/dlib/shape_predictor_68_face_landmarks.dat]

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "core/media/MeanFace.h"

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  try {
    const auto face = sinkscope::MeanFace::derive(sinkscope::MeanFace::readInitialShape(path));
    std::printf("constexpr float kReference[68][2] = {\n");
    for (std::size_t i = 0; i < face.size(); ++i) {
      std::printf("%s{%.4ff, %.4ff},%s", i % 4 == 0 ? "    " : "", face[i].x, face[i].y,
                  i % 4 == 3 ? "\n" : " ");
    }
    std::printf("};\n");
    const auto ours = sinkscope::MeanFace::figures(face);
    const auto design = sinkscope::MeanFace::designFigures();
    const auto row = [](const char* name, sinkscope::PointF a, sinkscope::PointF b) {
      std::fprintf(stderr, "%-18s (%6.1f, %6.1f)   DESIGN (%6.1f, %6.1f)   off %.2f px\n", name,
                   a.x, a.y, b.x, b.y, std::hypot(a.x - b.x, a.y - b.y));
    };
    row("left eye centre", ours.leftEyeCentre, design.leftEyeCentre);
    row("right eye centre", ours.rightEyeCentre, design.rightEyeCentre);
    row("nose tip (30)", ours.noseTip, design.noseTip);
    row("mouth centre", ours.mouthCentre, design.mouthCentre);
    row("mouth corner 48", ours.mouthLeftCorner, design.mouthLeftCorner);
    row("mouth corner 54", ours.mouthRightCorner, design.mouthRightCorner);
    row("chin (8)", ours.chin, design.chin);
    std::fprintf(stderr, "inter-ocular       %.1f px   DESIGN %.1f px\n", ours.interOcularPx,
                 design.interOcularPx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sinkscope-derive-mean-face: %s\n", e.what());
    return 1;
  }
  return 0;
}
