// sinkscope-cli results --models DIR --runs DIR --synthetic SET,... [--real SET,...]
//                       [--intro FILE] [--out FILE]:
// the results page from eval summaries laid out as RUNS/<model>/<set>/eval.json, for
// every model folder under --models (docs/results.md, scripts/results_table.sh).

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/CliCommand.h"
#include "core/analysis/ReportJson.h"
#include "core/analysis/ResultsTable.h"
#include "core/base/Error.h"

namespace sinkscope::cli {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

int runResults(const CliArgs& args) {
  const fs::path modelsDir = args.require("models");
  const fs::path runsDir = args.require("runs");
  const auto synthetic = splitList(args.require("synthetic"));
  const auto real = splitList(args.get("real"));
  if (!fs::is_directory(modelsDir)) throw Error("--models: " + modelsDir.string() + " is not a directory");

  std::vector<fs::path> modelDirs;
  for (const auto& entry : fs::directory_iterator(modelsDir))
    if (entry.is_directory() && fs::exists(entry.path() / "config.json")) modelDirs.push_back(entry.path());
  std::sort(modelDirs.begin(), modelDirs.end());
  if (modelDirs.empty()) throw Error("--models: no model folders (with config.json) in " + modelsDir.string());

  std::vector<ResultsModel> models;
  for (const auto& dir : modelDirs) {
    ResultsModel model = ResultsTable::describe(dir.filename().string(), dir.string());
    for (const auto& sets : {synthetic, real})
      for (const auto& set : sets) {
        const fs::path eval = runsDir / model.name / set / "eval.json";
        if (fs::exists(eval)) model.evals[set] = ReportJson::read(eval.string());
      }
    models.push_back(std::move(model));
  }
  std::string intro;
  if (args.has("intro")) {
    std::ifstream in(args.get("intro"));
    if (!in) throw Error("--intro: cannot read " + args.get("intro"));
    std::stringstream text;
    text << in.rdbuf();
    intro = text.str();
  }
  const std::string page = ResultsTable::markdown(models, synthetic, real, intro);
  if (args.has("out")) {
    std::ofstream out(args.get("out"));
    out << page;
    if (!out) throw Error("cannot write " + args.get("out"));
  } else {
    std::cout << page;
  }
  return 0;
}

const CliCommandRegistration kRegistration{
    {"results",
     "--models DIR --runs DIR --synthetic SET,... [--real SET,...] [--intro FILE] [--out FILE]  "
     "(tables from RUNS/<model>/<set>/eval.json)",
     runResults}};

}  // namespace

}  // namespace sinkscope::cli
