#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/UtteranceRecord.h"

namespace sinkscope {

// The results of an eval run or of several shards: per-utterance records kept in a
// results.jsonl file (appended one line per utterance, so a killed run resumes where
// it stopped) and summed into one summary. Records are summed in manifest order, so
// any split into shards merges to exactly the summary of one run.
class EvalSummary {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr const char* kResultsFile = "results.jsonl";
  static constexpr const char* kSummaryFile = "eval.json";
  static constexpr const char* kShardFile = "shard.json";  // manifest, shard and settings of a run

  // Reads <directory>/results.jsonl (absent: none). A torn last line (a run killed
  // mid-write) is dropped and the file truncated to the complete lines; a broken line
  // elsewhere throws FormatError naming the file and line.
  static std::vector<UtteranceRecord> readResults(const std::string& directory);
  static void appendResult(const std::string& directory, const UtteranceRecord& record);

  // Adds records; a manifest row seen twice keeps its first record.
  void add(std::vector<UtteranceRecord> records);
  // Manifest rows the run was asked for, to report what is missing.
  void expect(std::int64_t manifestRows, const std::vector<std::int64_t>& wantedRows);

  const std::vector<UtteranceRecord>& records() const { return records_; }

  // WER/CER, per-layer sink statistics and per-layer, per-segment sums; "timing" holds
  // the only run-dependent numbers.
  nlohmann::json toJson() const;

 private:
  std::vector<UtteranceRecord> records_;  // sorted by index
  std::int64_t manifestRows_ = -1;
  std::vector<std::int64_t> wanted_;
};

}  // namespace sinkscope
