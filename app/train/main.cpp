// sinkscope-train --config FILE [--set KEY=VALUE]... [--resume] [--prepare-only]
//                 [--stop-after STEP]
// Trains as the config says (docs/training.md). SIGINT/SIGTERM stop at the next
// step with a checkpoint, so `--resume` continues the same curve.

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <exception>
#include <iostream>
#include <string>

#include "core/train/TrainJob.h"

namespace {

std::atomic<bool> stopRequested{false};

void onSignal(int) { stopRequested.store(true); }

void printUsage() {
  std::cerr << "usage: sinkscope-train --config FILE [--set KEY=VALUE]... [--resume] [--prepare-only]"
               " [--stop-after STEP]\n";
}

}  // namespace

// Exit status 0 on success (a JSON summary on stdout), 1 with a one-line reason on
// stderr when training fails, 2 for a bad command line.
int main(int argc, char** argv) {
  sinkscope::TrainJobOptions options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--config") {
        options.configPath = value();
      } else if (arg == "--set") {
        options.overrides.push_back(value());
      } else if (arg == "--resume") {
        options.resume = true;
      } else if (arg == "--prepare-only") {
        options.prepareOnly = true;
      } else if (arg == "--stop-after") {
        options.stopAfterStep = std::stoll(value());
      } else if (arg == "--help" || arg == "-h") {
        printUsage();
        return 0;
      } else {
        throw std::invalid_argument("unknown argument '" + arg + "'");
      }
    }
    if (options.configPath.empty()) throw std::invalid_argument("--config FILE is required");
  } catch (const std::exception& e) {
    std::cerr << "sinkscope-train: " << e.what() << "\n";
    printUsage();
    return 2;
  }

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  options.stop = &stopRequested;
  try {
    std::cout << sinkscope::TrainJob::run(options) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::string line = e.what();
    for (char& c : line) {
      if (c == '\n') c = ' ';
    }
    std::cerr << "sinkscope-train: " << line << "\n";
    return 1;
  }
}
