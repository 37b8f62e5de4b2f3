#include "core/analysis/EvalSummary.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/analysis/ReportJson.h"
#include "core/base/Error.h"

namespace sinkscope {

namespace fs = std::filesystem;

std::vector<UtteranceRecord> EvalSummary::readResults(const std::string& directory) {
  const fs::path path = fs::path(directory) / kResultsFile;
  std::vector<UtteranceRecord> records;
  std::ifstream in(path);
  if (!in) return records;
  std::string line;
  std::uintmax_t goodBytes = 0;
  int lineNumber = 0;
  bool torn = false;
  while (std::getline(in, line)) {
    ++lineNumber;
    const bool complete = !in.eof();  // the line ended with '\n'
    try {
      if (!complete) throw FormatError("no newline");
      records.push_back(UtteranceRecord::fromJson(nlohmann::json::parse(line)));
      goodBytes += line.size() + 1;
    } catch (const std::exception& e) {
      if (in.peek() != std::ifstream::traits_type::eof() && complete) {
        throw FormatError(path.string() + " line " + std::to_string(lineNumber) + ": not a result record (" +
                          e.what() + ")");
      }
      torn = true;
    }
  }
  in.close();
  if (torn) fs::resize_file(path, goodBytes);
  return records;
}

void EvalSummary::appendResult(const std::string& directory, const UtteranceRecord& record) {
  const fs::path path = fs::path(directory) / kResultsFile;
  std::ofstream out(path, std::ios::app);
  out << record.toJson().dump() << '\n';
  out.flush();
  if (!out) throw Error("cannot append to " + path.string());
}

void EvalSummary::add(std::vector<UtteranceRecord> records) {
  for (auto& r : records) {
    const bool seen = std::any_of(records_.begin(), records_.end(),
                                  [&](const UtteranceRecord& other) { return other.index == r.index; });
    if (!seen) records_.push_back(std::move(r));
  }
  std::stable_sort(records_.begin(), records_.end(),
                   [](const UtteranceRecord& a, const UtteranceRecord& b) { return a.index < b.index; });
}

void EvalSummary::expect(std::int64_t manifestRows, const std::vector<std::int64_t>& wantedRows) {
  manifestRows_ = manifestRows;
  wanted_ = wantedRows;
}

nlohmann::json EvalSummary::toJson() const {
  EditCounts words;
  EditCounts characters;
  std::size_t numLayers = 0;
  nlohmann::json failed = nlohmann::json::array();
  double seconds = 0.0;
  double decorrelation = 0.0;
  std::int64_t scored = 0;
  for (const auto& r : records_) {
    if (!r.error.empty()) {
      failed.push_back({{"index", r.index}, {"rel_path", r.relPath}, {"error", r.error}});
      continue;
    }
    numLayers = std::max(numLayers, r.segments.size());
  }
  std::vector<double> bosSum(numLayers, 0.0);
  std::vector<std::int64_t> intermediateSum(numLayers, 0);
  std::vector<LayerSegmentTotals> segments(numLayers);
  std::map<int, std::pair<int, int>> fixedDims;  // dim -> (layers, utterances)
  std::map<std::string, int> originSources;
  std::map<int, int> originFirstLayers;
  double maxRatio = 0.0, sinkCosine = 0.0, otherCosine = 0.0;
  std::int64_t sinkCosineCount = 0, otherCosineCount = 0;
  for (const auto& r : records_) {
    seconds += r.seconds;
    if (!r.error.empty()) continue;
    if (r.segments.size() != numLayers) {
      throw FormatError("eval: utterance " + std::to_string(r.index) + " has " + std::to_string(r.segments.size()) +
                        " layers, others " + std::to_string(numLayers) + " (results of different models mixed?)");
    }
    ++scored;
    words.add(r.words);
    characters.add(r.characters);
    decorrelation += r.decorrelation;
    for (const auto& [dim, layerCount] : r.fixedDimLayers) {
      fixedDims[dim].first += layerCount;
      ++fixedDims[dim].second;
    }
    for (const auto& [source, count] : r.originSources) originSources[source] += count;
    for (const auto& [layer, count] : r.originFirstLayers) originFirstLayers[layer] += count;
    maxRatio = std::max(maxRatio, r.maxMassiveRatio);
    sinkCosine += r.sinkCosineSum;
    sinkCosineCount += r.sinkCosineCount;
    otherCosine += r.otherCosineSum;
    otherCosineCount += r.otherCosineCount;
    for (std::size_t l = 0; l < numLayers; ++l) {
      if (l < r.bosHeadFraction.size()) bosSum[l] += r.bosHeadFraction[l];
      if (l < r.intermediateSinks.size()) intermediateSum[l] += r.intermediateSinks[l];
      for (std::size_t s = 0; s < segments[l].size(); ++s) segments[l][s].add(r.segments[l][s]);
    }
  }
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 0; l < numLayers; ++l) {
    const double n = static_cast<double>(std::max<std::int64_t>(scored, 1));
    layers.push_back({{"layer", static_cast<int>(l)},
                      {"mean_bos_head_fraction", bosSum[l] / n},
                      {"mean_intermediate_sinks", static_cast<double>(intermediateSum[l]) / n}});
  }

  // Most frequent fixed dims first (ties: lower dim first, so the order is stable).
  std::vector<std::pair<int, std::pair<int, int>>> dims(fixedDims.begin(), fixedDims.end());
  std::stable_sort(dims.begin(), dims.end(),
                   [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  nlohmann::json dimsJson = nlohmann::json::array();
  for (const auto& [dim, counts] : dims)
    dimsJson.push_back({{"dim", dim}, {"layers", counts.first}, {"utterances", counts.second}});
  nlohmann::json firstLayers = nlohmann::json::object();
  for (const auto& [layer, count] : originFirstLayers) firstLayers[std::to_string(layer)] = count;
  auto mean = [](double sum, std::int64_t count) {
    return count > 0 ? nlohmann::json(sum / static_cast<double>(count)) : nlohmann::json();
  };
  const nlohmann::json massive = {{"fixed_dims", dimsJson},
                                  {"max_ratio", maxRatio},
                                  {"origin_sources", originSources},
                                  {"origin_first_layers", firstLayers}};
  const nlohmann::json bosCosine = {{"sink_tokens", mean(sinkCosine, sinkCosineCount)},
                                    {"other_tokens", mean(otherCosine, otherCosineCount)},
                                    {"sink_token_layers", sinkCosineCount}};

  std::set<std::int64_t> done;
  for (const auto& r : records_) done.insert(r.index);
  nlohmann::json missing = nlohmann::json::array();
  for (std::int64_t row : wanted_) {
    if (done.count(row) == 0) missing.push_back(row);
  }

  return {{"schema", "sinkscope.eval"},
          {"schema_version", kSchemaVersion},
          {"manifest_rows", manifestRows_ >= 0 ? nlohmann::json(manifestRows_) : nlohmann::json()},
          {"utterances", static_cast<std::int64_t>(records_.size())},
          {"scored", scored},
          {"failed", failed},
          {"missing", missing},
          {"complete", missing.empty() && manifestRows_ >= 0},
          {"wer", words.toJson()},
          {"cer", characters.toJson()},
          {"mean_decorrelation", scored > 0 ? nlohmann::json(decorrelation / static_cast<double>(scored)) : nlohmann::json()},
          {"layers", layers},
          {"segments", ReportJson::segmentsJson(segments)},
          {"massive", massive},
          {"bos_cosine", bosCosine},
          {"timing", {{"seconds", seconds}}}};
}

}  // namespace sinkscope
