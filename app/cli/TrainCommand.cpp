// sinkscope-cli train --config FILE [--set KEY=VALUE,...] [--resume] [--prepare-only]
//                     [--stop-after STEP]
// The same trainer as sinkscope-train (core/train/TrainJob); prints its JSON summary.

#include <atomic>
#include <csignal>
#include <iostream>

#include "app/cli/CliCommand.h"
#include "core/train/TrainJob.h"

namespace sinkscope::cli {

namespace {

std::atomic<bool> stopRequested{false};

void onSignal(int) { stopRequested.store(true); }

int runTrain(const CliArgs& args) {
  TrainJobOptions options;
  options.configPath = args.require("config");
  if (args.has("set")) options.overrides = TrainJob::splitOverrides(args.get("set"));
  options.resume = args.has("resume");
  options.prepareOnly = args.has("prepare-only");
  options.stopAfterStep = args.getInt("stop-after", 0);
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  options.stop = &stopRequested;
  std::cout << TrainJob::run(options) << std::endl;
  return 0;
}

const CliCommandRegistration kRegistration{
    {"train", "--config FILE [--set KEY=VALUE,...] [--resume] [--prepare-only] [--stop-after STEP]", runTrain}};

}  // namespace

}  // namespace sinkscope::cli
