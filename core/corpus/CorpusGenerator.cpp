#include "core/corpus/CorpusGenerator.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/corpus/ClipEncoder.h"
#include "core/corpus/CorpusRng.h"
#include "core/corpus/CorpusWriter.h"
#include "core/corpus/MouthRenderer.h"
#include "core/corpus/NoiseMixer.h"
#include "core/corpus/VisemeTrack.h"
#include "core/corpus/VoiceCatalog.h"
#include "core/corpus/WavFile.h"

namespace sinkscope::corpus {

namespace {

namespace fs = std::filesystem;

constexpr int kSamplesPerFrame = kCorpusSampleRateHz / ClipEncoder::kFps;  // 640
constexpr std::size_t kLookAhead = 48;  // utterances finished ahead of the writer, at most

struct Job {
  CorpusSplit split = CorpusSplit::Train;
  int index = 0;
  const Sentence* sentence = nullptr;
  const VoiceSpec* voice = nullptr;
  std::uint64_t seed = 0;
};

struct NoisyTest {
  std::string kind;
  double snrDb = 0.0;
  std::string name;
};

using EngineMap = std::map<std::string, std::unique_ptr<TtsEngine>>;

TtsEngine& engineFor(EngineMap& engines, const VoiceSpec& voice) {
  auto& slot = engines[voice.id];
  if (!slot) slot = VoiceCatalog::makeEngine(voice);
  return *slot;
}

// Brings an utterance to a speaking level drawn per utterance (engines differ by
// 20 dB), without letting peaks clip.
void normaliseLevel(std::vector<std::int16_t>& samples, double targetDbfs) {
  const double rms = std::sqrt(NoiseMixer::meanSquare(samples));
  if (rms <= 0.0) return;
  int peak = 1;
  for (auto v : samples) peak = std::max(peak, std::abs(static_cast<int>(v)));
  const double gain = std::min(32768.0 * std::pow(10.0, targetDbfs / 20.0) / rms, 0.95 * 32767.0 / peak);
  for (auto& v : samples) v = static_cast<std::int16_t>(std::clamp(std::lround(v * gain), -32768L, 32767L));
}

std::string indexName(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", index);
  return buf;
}

double cpuSeconds() {
  double total = 0.0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    getrusage(who, &usage);
    total += usage.ru_utime.tv_sec + usage.ru_utime.tv_usec * 1e-6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec * 1e-6;
  }
  return total;
}

std::vector<std::int16_t> makeBabble(const CorpusOptions& options, const std::vector<const Sentence*>& sentences,
                                     const std::vector<VoiceSpec>& voices, EngineMap& engines, const std::string& label) {
  const auto length = static_cast<std::size_t>(options.babbleSeconds * kCorpusSampleRateHz);
  std::vector<std::vector<std::int16_t>> talkers;
  for (int t = 0; t < options.babbleTalkers; ++t) {
    CorpusRng rng(CorpusRng::derive(options.seed, "babble-" + label, static_cast<std::uint64_t>(t)));
    std::vector<std::int16_t> track;
    while (track.size() < length) {
      const Sentence& sentence = *sentences[static_cast<std::size_t>(rng.index(static_cast<int>(sentences.size())))];
      const VoiceSpec& voice = voices[static_cast<std::size_t>(rng.index(static_cast<int>(voices.size())))];
      Prosody prosody{rng.uniform(0.9, 1.15), rng.uniform(0.9, 1.1)};
      auto speech = engineFor(engines, voice).synthesize(sentence.speech, voice, prosody);
      normaliseLevel(speech.samples, -24.0);
      track.insert(track.end(), speech.samples.begin(), speech.samples.end());
    }
    track.resize(length);
    talkers.push_back(std::move(track));
  }
  return NoiseMixer::babble(talkers);
}

}  // namespace

CorpusGenerator::CorpusGenerator(CorpusOptions options) : options_(std::move(options)) {
  if (options_.trainCount < 0 || options_.validCount < 0 || options_.testCount < 0)
    throw ConfigError("corpus: utterance counts must not be negative");
  if (options_.jobs < 1) throw ConfigError("corpus: --jobs must be at least 1, got " + std::to_string(options_.jobs));
  if (options_.shardSize < 1) throw ConfigError("corpus: --shard-size must be at least 1");
  if (options_.babbleTalkers < 1 || options_.babbleSeconds <= 0.0)
    throw ConfigError("corpus: babble needs at least one talker and a positive length");
  if (options_.outDir.empty()) throw ConfigError("corpus: --out is required");
}

std::vector<std::pair<std::string, double>> CorpusGenerator::parseTestNoise(const std::string& spec) {
  std::vector<std::pair<std::string, double>> out;
  std::istringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    const auto colon = item.find(':');
    const std::string kind = item.substr(0, colon);
    if (colon == std::string::npos || (kind != "babble" && kind != "white"))
      throw ConfigError("--test-noise: expected kind:snr with kind babble or white, got '" + item + "'");
    try {
      out.emplace_back(kind, std::stod(item.substr(colon + 1)));
    } catch (const std::exception&) {
      throw ConfigError("--test-noise: '" + item + "' has no SNR in dB after the colon");
    }
  }
  return out;
}

std::string CorpusGenerator::noisyTestName(const std::string& kind, double snrDb) {
  std::ostringstream name;
  name << "test_" << kind << snrDb << "db";
  return name.str();
}

CorpusStats CorpusGenerator::run(const std::function<void(const CorpusProgress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const double cpuStart = cpuSeconds();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const CorpusOptions& o = options_;

  // Voices: an explicit list must be installed; "all" takes what is.
  std::vector<VoiceSpec> voices;
  for (const auto& v : VoiceCatalog::select(o.voices)) {
    if (VoiceCatalog::available(v)) voices.push_back(v);
    else if (o.voices != "all" && !o.voices.empty())
      throw ConfigError("--voices: " + v.id + " needs " + v.engine + " voice " + v.engineVoice + ", which is not installed");
  }
  if (voices.empty()) throw ConfigError("corpus: none of the voices is installed");

  const SentenceSource source = SentenceSource::load(o.wordnetDir, o.fortunesDir);
  std::vector<NoisyTest> noisy;
  for (const auto& [kind, snr] : parseTestNoise(o.testNoise)) noisy.push_back({kind, snr, noisyTestName(kind, snr)});

  fs::path outPath(o.outDir);
  std::string dataset = outPath.filename().string();
  if (dataset.empty()) dataset = outPath.parent_path().filename().string();
  fs::create_directories(outPath / "noise");
  for (const char* split : {"train", "valid", "test"}) fs::create_directories(outPath / split);
  for (const auto& n : noisy) fs::create_directories(outPath / n.name);

  // Babble from sentences that belong to no split, half for training, half for test.
  EngineMap mainEngines;
  const auto noiseSentences = source.ofSplit(CorpusSplit::Noise);
  if (noiseSentences.size() < 2) throw Error("corpus: too few sentences for babble");
  std::vector<const Sentence*> trainBabbleText;
  std::vector<const Sentence*> testBabbleText;
  for (std::size_t i = 0; i < noiseSentences.size(); ++i) (i % 2 ? testBabbleText : trainBabbleText).push_back(noiseSentences[i]);
  if (progress) progress({0, 0, elapsed(), "babble"});
  const auto babble = makeBabble(o, trainBabbleText, voices, mainEngines, "train");
  const auto babbleTest = makeBabble(o, testBabbleText, voices, mainEngines, "test");
  mainEngines.clear();
  WavFile::write((outPath / "noise" / "babble.wav").string(), babble, kCorpusSampleRateHz);
  WavFile::write((outPath / "noise" / "babble_test.wav").string(), babbleTest, kCorpusSampleRateHz);

  // The jobs: per split, sentences in a seeded order (repeated with another voice
  // when the split asks for more utterances than it has sentences).
  std::vector<Job> jobs;
  const std::pair<CorpusSplit, int> plan[] = {
      {CorpusSplit::Train, o.trainCount}, {CorpusSplit::Valid, o.validCount}, {CorpusSplit::Test, o.testCount}};
  std::map<CorpusSplit, std::vector<const Sentence*>> pools;
  for (const auto& [split, count] : plan) {
    auto& pool = pools[split];
    pool = source.ofSplit(split);
    if (pool.empty() && count > 0) throw Error("corpus: no sentences fall into the " + splitName(split) + " split");
    CorpusRng order(CorpusRng::derive(o.seed, "order-" + splitName(split)));
    for (std::size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[static_cast<std::size_t>(order.index(static_cast<int>(i)))]);
    const int offset = order.index(static_cast<int>(voices.size()));
    for (int i = 0; i < count; ++i) {
      const int round = i / static_cast<int>(pool.size());
      Job job;
      job.split = split;
      job.index = i;
      job.sentence = pool[static_cast<std::size_t>(i) % pool.size()];
      job.voice = &voices[static_cast<std::size_t>(i + round + offset) % voices.size()];
      job.seed = CorpusRng::derive(o.seed, "utterance-" + splitName(split), static_cast<std::uint64_t>(i));
      jobs.push_back(job);
    }
  }

  auto makeUtterance = [&](const Job& job, EngineMap& engines) {
    CorpusRng rng(job.seed);
    const VoiceSpec& voice = *job.voice;
    const Prosody prosody{rng.uniform(0.85, 1.2), rng.uniform(0.88, 1.12)};
    Speech speech = engineFor(engines, voice).synthesize(job.sentence->speech, voice, prosody);
    normaliseLevel(speech.samples, rng.uniform(-28.0, -18.0));
    const auto lead = static_cast<std::size_t>(rng.uniform(0.05, 0.3) * kCorpusSampleRateHz);
    const auto trail = static_cast<std::size_t>(rng.uniform(0.05, 0.3) * kCorpusSampleRateHz);
    CorpusUtterance u;
    u.audio.assign(lead, 0);
    u.audio.insert(u.audio.end(), speech.samples.begin(), speech.samples.end());
    u.audio.resize(u.audio.size() + trail, 0);
    u.frameCount = static_cast<int>((u.audio.size() + kSamplesPerFrame - 1) / kSamplesPerFrame);
    u.audio.resize(static_cast<std::size_t>(u.frameCount) * kSamplesPerFrame, 0);
    const double leadSec = static_cast<double>(lead) / kCorpusSampleRateHz;
    for (auto& p : speech.phones) {
      p.startSec += leadSec;
      p.endSec += leadSec;
    }
    // The padding is silence too; without it the first phone's shape would reach back
    // over the whole lead (a lone segment has no competitor in the blend).
    const std::string pause = speech.alphabet == PhoneAlphabet::Arpabet ? "pau" : "";
    const double speechEndSec = speech.phones.empty() ? leadSec : speech.phones.back().endSec;
    speech.phones.insert(speech.phones.begin(), Phone{pause, 0.0, leadSec});
    speech.phones.push_back(Phone{pause, speechEndSec, static_cast<double>(u.audio.size()) / kCorpusSampleRateHz});
    VisemeTrack track(VisemeTable::segments(speech.phones, speech.alphabet), rng.uniform(0.03, 0.05));
    auto shapes = track.frames(u.frameCount, ClipEncoder::kFps);
    const double articulation = rng.uniform(0.8, 1.15);
    for (auto& s : shapes) {
      s.opening = std::min(1.0, s.opening * articulation);
      s.jaw = std::min(1.0, s.jaw * articulation);
    }
    const SceneLook scene = MouthRenderer::sceneLook(rng.next());
    MouthRenderer renderer(MouthRenderer::speakerLook(voice.id, voice.gender), scene, rng.next());
    u.rois = renderer.render(shapes, ClipEncoder::kFps);
    const std::string name = indexName(job.index) + ".mp4";
    u.relPath = splitName(job.split) + "/" + name;
    u.text = job.sentence->text;
    u.voice = voice.id;
    u.source = job.sentence->source;
    u.wordCount = job.sentence->wordCount;
    ClipEncoder::write((outPath / u.relPath).string(), u.rois, u.frameCount, u.audio);
    if (job.split == CorpusSplit::Test) {
      for (const auto& n : noisy) {
        const std::uint64_t noiseSeed = rng.next();
        NoiseMixer::Mix mixed;
        if (n.kind == "babble") {
          mixed = NoiseMixer::mix(u.audio, babbleTest, n.snrDb, static_cast<std::size_t>(noiseSeed % babbleTest.size()));
        } else {
          mixed = NoiseMixer::mix(u.audio, NoiseMixer::whiteNoise(u.audio.size(), noiseSeed), n.snrDb);
        }
        ClipEncoder::write((outPath / n.name / name).string(), u.rois, u.frameCount, mixed.samples);
      }
    }
    return u;
  };

  // Workers make utterances in any order; the writer consumes them in job order.
  std::mutex lock;
  std::condition_variable changed;
  std::vector<std::optional<CorpusUtterance>> results(jobs.size());
  std::size_t nextJob = 0;
  std::size_t written = 0;
  bool stop = false;
  std::string failure;
  auto worker = [&] {
    EngineMap engines;
    while (true) {
      std::size_t i = 0;
      {
        std::unique_lock<std::mutex> guard(lock);
        changed.wait(guard, [&] { return stop || nextJob >= jobs.size() || nextJob < written + kLookAhead; });
        if (stop || nextJob >= jobs.size()) return;
        i = nextJob++;
      }
      try {
        auto u = makeUtterance(jobs[i], engines);
        std::lock_guard<std::mutex> guard(lock);
        results[i] = std::move(u);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> guard(lock);
        if (failure.empty()) failure = e.what();
        stop = true;
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < o.jobs; ++t) threads.emplace_back(worker);

  std::map<CorpusSplit, std::unique_ptr<CorpusWriter>> writers;
  for (const auto& [split, count] : plan)
    writers[split] = std::make_unique<CorpusWriter>(o.outDir, splitName(split), dataset, o.shardSize, true);
  std::vector<std::unique_ptr<CorpusWriter>> noisyWriters;
  for (const auto& n : noisy) noisyWriters.push_back(std::make_unique<CorpusWriter>(o.outDir, n.name, dataset, 1, false));

  std::string writeFailure;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CorpusUtterance u;
    {
      std::unique_lock<std::mutex> guard(lock);
      changed.wait(guard, [&] { return stop || results[i].has_value(); });
      if (!results[i]) break;
      u = std::move(*results[i]);
      results[i].reset();
      written = i + 1;
    }
    changed.notify_all();
    try {
      writers[jobs[i].split]->add(u);
      if (jobs[i].split == CorpusSplit::Test) {
        for (std::size_t k = 0; k < noisy.size(); ++k) {
          u.relPath = noisy[k].name + "/" + indexName(jobs[i].index) + ".mp4";
          noisyWriters[k]->add(u);
        }
      }
    } catch (const std::exception& e) {
      writeFailure = e.what();
      std::lock_guard<std::mutex> guard(lock);
      stop = true;
      changed.notify_all();
      break;
    }
    if (progress) progress({static_cast<int>(i + 1), static_cast<int>(jobs.size()), elapsed(), "utterances"});
  }
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw Error("corpus: " + failure);
  if (!writeFailure.empty()) throw Error("corpus: " + writeFailure);
  for (auto& [split, writer] : writers) writer->finish();
  for (auto& writer : noisyWriters) writer->finish();

  CorpusStats stats;
  stats.train = writers[CorpusSplit::Train]->count();
  stats.valid = writers[CorpusSplit::Valid]->count();
  stats.test = writers[CorpusSplit::Test]->count();
  stats.trainHours = writers[CorpusSplit::Train]->audioSeconds() / 3600.0;
  stats.validHours = writers[CorpusSplit::Valid]->audioSeconds() / 3600.0;
  stats.testHours = writers[CorpusSplit::Test]->audioSeconds() / 3600.0;
  for (const auto& v : voices) stats.voices.push_back(v.id);
  stats.sentencesAvailable = static_cast<int>(source.sentences().size());
  stats.wallSec = elapsed();
  stats.cpuSec = cpuSeconds() - cpuStart;

  nlohmann::json noiseJson = {
      {"sample_rate_hz", kCorpusSampleRateHz},
      {"babble", {{"train", "babble.wav"}, {"test", "babble_test.wav"}, {"talkers", o.babbleTalkers},
                  {"seconds", o.babbleSeconds}, {"rms", 3000},
                  {"sentences", "the hash-reserved 'noise' sentences, even ones for train, odd ones for test"}}},
      {"white", {{"kind", "gaussian"}, {"note", "generate on the fly: i.i.d. normal samples"}}},
      {"snr_db", {nullptr, 20, 10, 5, 0, -5}},
      {"snr_definition", "10*log10(sum(speech^2)/sum(noise^2)) over the whole utterance; null = clean"},
  };
  nlohmann::json noisyJson = nlohmann::json::array();
  for (const auto& n : noisy) noisyJson.push_back({{"folder", n.name}, {"kind", n.kind}, {"snr_db", n.snrDb}});
  noiseJson["test_copies"] = noisyJson;
  std::ofstream((outPath / "noise" / "noise.json").string()) << noiseJson.dump(2) << "\n";

  nlohmann::json summary = {
      {"format", "sinkscope-corpus/1"},
      {"seed", o.seed},
      {"dataset", dataset},
      {"utterances", {{"train", stats.train}, {"valid", stats.valid}, {"test", stats.test}}},
      {"hours", {{"train", stats.trainHours}, {"valid", stats.validHours}, {"test", stats.testHours}}},
      {"voices", stats.voices},
      {"sentences_available", stats.sentencesAvailable},
      {"test_copies", noisyJson},
      {"wall_seconds", stats.wallSec},
      {"cpu_seconds", stats.cpuSec},
      {"jobs", o.jobs},
  };
  std::ofstream((outPath / "corpus.json").string()) << summary.dump(2) << "\n";
  return stats;
}

}  // namespace sinkscope::corpus
