// sinkscope-cli eval: transcribes every utterance of a Llama-AVSR label CSV (or one
// shard of it), scores WER/CER and sums the sink and massive-activation statistics
// per layer and segment. Each finished utterance is appended to results.jsonl, so a
// rerun resumes; eval.json summarises the shard (MergeCommand combines shards).

#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/AnalysisArgs.h"
#include "app/cli/CliCommand.h"
#include "app/cli/MediaLoader.h"
#include "app/cli/ModelOptions.h"
#include "core/analysis/EvalSummary.h"
#include "core/analysis/LabelManifest.h"
#include "core/analysis/ReportJson.h"
#include "core/analysis/TraceAnalyzer.h"
#include "core/base/Error.h"
#include "core/train/ProgressMeter.h"

namespace sinkscope::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// "--shard i/N" (0 <= i < N): this run takes the manifest rows r with r % N == i.
std::pair<int, int> parseShard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      const int index = std::stoi(text.substr(0, slash));
      const int count = std::stoi(text.substr(slash + 1));
      if (count >= 1 && index >= 0 && index < count) return {index, count};
    }
  } catch (const std::exception&) {
  }
  throw Error("--shard: expected i/N with 0 <= i < N, found '" + text + "'");
}

void progress(const ProgressMeter& meter, std::int64_t done, std::int64_t total, std::int64_t skipped) {
  constexpr int kWidth = 30;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed = meter.elapsedSeconds();
  const std::int64_t ranNow = done - skipped;
  std::string eta = "?";
  if (ranNow > 0) eta = ProgressMeter::duration(elapsed / static_cast<double>(ranNow) * static_cast<double>(total - done));
  std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << done << "/" << total << " "
            << static_cast<int>(fraction * 100.0) << "% " << ProgressMeter::duration(elapsed) << " elapsed, ETA " << eta
            << "   " << std::flush;
}

// Checks that a resumed directory belongs to the same manifest and shard.
void writeOrCheckShardFile(const fs::path& out, const json& shard) {
  const fs::path path = out / EvalSummary::kShardFile;
  if (fs::exists(path)) {
    const json existing = ReportJson::read(path.string());
    if (existing != shard) {
      throw Error(path.string() + " describes another run (" + existing.dump() + "); use a fresh --out");
    }
    return;
  }
  ReportJson::write(shard, path.string());
}

int runEval(const CliArgs& args) {
  const fs::path out = args.require("out");
  const std::string manifestPath = args.require("manifest");
  const fs::path root = args.require("root");
  const auto [shardIndex, shardCount] = parseShard(args.get("shard", "0/1"));
  const AnalysisOptions options = analysisOptionsFromArgs(args);
  const bool stripPunctuation = args.has("strip-punctuation");
  const std::vector<LabelRow> rows = LabelManifest::read(manifestPath);

  auto model = loadModelFromArgs(args);
  const Modality modality = args.has("modality") ? parseModality(args.get("modality")) : model->defaultModality();
  if (modality == Modality::Text) throw Error("eval needs a media modality (asr, vsr or avsr)");
  const GenerationOptions generation = generationOptionsFromArgs(*model, args);
  const CaptureSpec spec = analysisCaptureFromArgs(args);

  fs::create_directories(out);
  writeOrCheckShardFile(out, {{"manifest", fs::path(manifestPath).filename().string()},
                              {"manifest_rows", static_cast<std::int64_t>(rows.size())},
                              {"shard", shardIndex},
                              {"num_shards", shardCount},
                              {"modality", modalityName(modality)},
                              {"model", model->name()},
                              {"num_beams", generation.numBeams},
                              {"max_new_tokens", generation.maxNewTokens},
                              {"strip_punctuation", stripPunctuation},
                              {"options", options.toJson()}});

  std::vector<const LabelRow*> mine;
  std::vector<std::int64_t> wanted;
  for (const auto& row : rows) {
    if (row.index % shardCount == shardIndex) {
      mine.push_back(&row);
      wanted.push_back(row.index);
    }
  }
  std::set<std::int64_t> done;
  for (const auto& r : EvalSummary::readResults(out.string())) done.insert(r.index);

  const TraceAnalyzer analyzer(options);
  const auto total = static_cast<std::int64_t>(mine.size());
  std::int64_t finished = 0;
  for (const LabelRow* row : mine) finished += done.count(row->index);
  const std::int64_t skipped = finished;
  ProgressMeter meter(0, total);
  progress(meter, finished, total, skipped);
  for (const LabelRow* row : mine) {
    if (done.count(row->index) != 0) continue;
    const auto start = std::chrono::steady_clock::now();
    UtteranceRecord record;
    try {
      const MediaInput media = loadMedia((root / row->relPath).string(), usesAudio(modality), usesVideo(modality));
      const TracePtr trace = model->transcribe(media, modality, generation, spec);
      record = UtteranceRecord::fromReport(row->index, row->relPath, row->text, analyzer.analyze(*trace),
                                           stripPunctuation);
    } catch (const std::exception& e) {
      record = UtteranceRecord{};
      record.index = row->index;
      record.relPath = row->relPath;
      record.reference = row->text;
      record.error = e.what();
    }
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EvalSummary::appendResult(out.string(), record);
    ++finished;
    progress(meter, finished, total, skipped);
  }
  std::cerr << '\n';

  EvalSummary summary;
  summary.add(EvalSummary::readResults(out.string()));
  summary.expect(static_cast<std::int64_t>(rows.size()), wanted);
  const json result = summary.toJson();
  ReportJson::write(result, (out / EvalSummary::kSummaryFile).string());
  std::cout << (out / EvalSummary::kSummaryFile).string() << ": " << result["scored"] << " scored, "
            << result["failed"].size() << " failed, WER " << result["wer"]["rate"] << ", CER " << result["cer"]["rate"]
            << "\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"eval",
     "--model DIR --manifest CSV --root DIR --out DIR [--shard i/N] [--modality asr|vsr|avsr] [--beam N] "
     "[--max-new-tokens N] [--strip-punctuation] [--epsilon E] [--min-queries N] [--massive-absolute X|off] [--massive-ratio X|off] "
     "[--patterns] [--device D] [--dtype T]",
     runEval}};


}  // namespace

}  // namespace sinkscope::cli
