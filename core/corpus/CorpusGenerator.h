#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/corpus/SentenceSource.h"
#include "core/corpus/TtsEngine.h"

namespace sinkscope::corpus {

struct CorpusOptions {
  std::string outDir = "/work/data/corpus";
  std::uint64_t seed = 1;
  int trainCount = 10000;
  int validCount = 500;
  int testCount = 500;
  std::string voices = "all";           // comma-separated VoiceCatalog ids
  int jobs = 2;                          // worker threads
  int shardSize = 256;                   // utterances per training shard
  std::string testNoise = "babble:0";    // extra noisy copies of test: kind:snr,...
  double babbleSeconds = 60.0;           // length of each babble file
  int babbleTalkers = 6;
  std::string wordnetDir = "/usr/share/wordnet";
  std::string fortunesDir = "/usr/share/games/fortunes";
};

struct CorpusProgress {
  int done = 0;
  int total = 0;
  double elapsedSec = 0.0;
  std::string stage;  // "babble", "utterances"
};

struct CorpusStats {
  int train = 0, valid = 0, test = 0;
  double trainHours = 0.0, validHours = 0.0, testHours = 0.0;
  std::vector<std::string> voices;
  int sentencesAvailable = 0;
  double wallSec = 0.0;
  double cpuSec = 0.0;  // this process and its children (TTS and ffmpeg)
};

// Generates the synthetic audio-visual corpus (docs/corpus.md): sentences from
// SentenceSource split by hash, speech from the catalogue's voices with varied rate
// and pitch, mouth videos from the phone timings, babble files, label CSVs, clips and
// training shards. Every utterance draws from its own random stream (seed, split,
// index), so the output does not depend on the number of threads.
class CorpusGenerator {
 public:
  explicit CorpusGenerator(CorpusOptions options);
  CorpusStats run(const std::function<void(const CorpusProgress&)>& progress = {});

  // "babble:0,white:5" -> (kind, snr) pairs; throws ConfigError naming the option.
  static std::vector<std::pair<std::string, double>> parseTestNoise(const std::string& spec);
  // The folder name of a noisy test copy: "test_babble0db", "test_white-5db".
  static std::string noisyTestName(const std::string& kind, double snrDb);

 private:
  CorpusOptions options_;
};

}  // namespace sinkscope::corpus
