#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/cli/CliCommand.h"
#include "core/base/Error.h"
#include "core/corpus/CorpusGenerator.h"
#include "core/corpus/VoiceCatalog.h"

namespace sinkscope::cli {

namespace {

std::string clock(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  return buf;
}

int listVoices() {
  for (const auto& v : corpus::VoiceCatalog::all())
    std::cout << v.id << "\t" << v.engine << "\t" << v.engineVoice << "\t" << v.gender << "\t"
              << (corpus::VoiceCatalog::available(v) ? "installed" : "missing") << "\n";
  return 0;
}

int runCorpus(const CliArgs& args) {
  if (args.has("list-voices")) return listVoices();
  corpus::CorpusOptions o;
  o.outDir = args.get("out", o.outDir);
  if (o.outDir.empty()) throw ConfigError("--out needs a folder");
  const int seed = args.getInt("seed", 1);
  if (seed < 0) throw ConfigError("--seed must not be negative");
  o.seed = static_cast<std::uint64_t>(seed);
  o.trainCount = args.getInt("train", o.trainCount);
  o.validCount = args.getInt("valid", o.validCount);
  o.testCount = args.getInt("test", o.testCount);
  o.voices = args.get("voices", o.voices);
  o.jobs = args.getInt("jobs", static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  o.shardSize = args.getInt("shard-size", o.shardSize);
  o.testNoise = args.get("test-noise", o.testNoise);
  o.babbleSeconds = args.getDouble("babble-seconds", o.babbleSeconds);
  o.babbleTalkers = args.getInt("babble-talkers", o.babbleTalkers);

  const bool terminal = isatty(STDERR_FILENO) != 0;
  double lastPrint = -1e9;
  auto progress = [&](const corpus::CorpusProgress& p) {
    const bool last = p.total > 0 && p.done == p.total;
    if (!last && p.elapsedSec - lastPrint < (terminal ? 0.5 : 15.0)) return;
    lastPrint = p.elapsedSec;
    if (p.stage == "babble") {
      std::cerr << "corpus: synthesising babble noise...\n";
      return;
    }
    const double rate = p.elapsedSec > 0 ? p.done / p.elapsedSec : 0.0;
    const double eta = rate > 0 ? (p.total - p.done) / rate : 0.0;
    std::cerr << (terminal ? "\r" : "") << "corpus: " << p.done << "/" << p.total << " utterances ("
              << std::lround(100.0 * p.done / std::max(1, p.total)) << "%), " << std::round(rate * 100) / 100
              << " utt/s, elapsed " << clock(p.elapsedSec) << ", ETA " << clock(eta) << (terminal && !last ? "   " : "\n")
              << std::flush;
  };
  corpus::CorpusGenerator generator(o);
  const auto stats = generator.run(progress);
  const int total = stats.train + stats.valid + stats.test;
  nlohmann::json summary = {
      {"out", o.outDir},
      {"utterances", {{"train", stats.train}, {"valid", stats.valid}, {"test", stats.test}}},
      {"hours", {{"train", stats.trainHours}, {"valid", stats.validHours}, {"test", stats.testHours}}},
      {"voices", stats.voices},
      {"sentences_available", stats.sentencesAvailable},
      {"wall_seconds", stats.wallSec},
      {"cpu_seconds", stats.cpuSec},
      {"utterances_per_second", stats.wallSec > 0 ? total / stats.wallSec : 0.0},
      {"cpu_seconds_per_utterance", total > 0 ? stats.cpuSec / total : 0.0},
  };
  std::cout << summary.dump(2) << "\n";
  return 0;
}

const CliCommandRegistration kRegistration({
    "corpus",
    "--out DIR [--seed N] [--train N --valid N --test N] [--voices all|ID,...] [--jobs N] [--shard-size N] "
    "[--test-noise babble:0,white:5] [--babble-seconds S] [--babble-talkers N] [--list-voices]",
    runCorpus,
});

}  // namespace

}  // namespace sinkscope::cli
