// sinkscope-cli merge DIR...: the summary of several eval shard directories, equal to
// the eval.json of one unsharded run apart from timing (records are summed in
// manifest order whatever the split).

#include <filesystem>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/CliCommand.h"
#include "core/analysis/EvalSummary.h"
#include "core/analysis/ReportJson.h"
#include "core/base/Error.h"

namespace sinkscope::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int runMerge(const CliArgs& args) {
  const auto& dirs = args.positionals();
  if (dirs.empty()) throw Error("merge needs one or more eval output directories");
  EvalSummary summary;
  json first;
  std::set<int> shards;
  int numShards = 0;
  for (const auto& dir : dirs) {
    json shard = ReportJson::read((fs::path(dir) / EvalSummary::kShardFile).string());
    numShards = shard.at("num_shards").get<int>();
    shards.insert(shard.at("shard").get<int>());
    shard.erase("shard");
    if (first.is_null()) {
      first = shard;
    } else if (shard != first) {
      throw Error(dir + ": another manifest, model or setting than " + dirs.front() + " (" + shard.dump() + ")");
    }
    summary.add(EvalSummary::readResults(dir));
  }
  const std::int64_t manifestRows = first.at("manifest_rows").get<std::int64_t>();
  std::vector<std::int64_t> wanted;
  for (std::int64_t r = 0; r < manifestRows; ++r) wanted.push_back(r);
  summary.expect(manifestRows, wanted);
  const json result = summary.toJson();
  if (args.has("out")) {
    ReportJson::write(result, args.require("out"));
  } else {
    std::cout << result.dump(1) << '\n';
  }
  if (static_cast<int>(shards.size()) != numShards) {
    std::cerr << "merge: " << shards.size() << " of " << numShards << " shards given; the summary is incomplete\n";
  }
  return 0;
}

const CliCommandRegistration kRegistration{
    {"merge", "DIR... [--out FILE]  (eval output directories of one manifest's shards)", runMerge}};

}  // namespace

}  // namespace sinkscope::cli
