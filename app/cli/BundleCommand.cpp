// sinkscope-cli bundle --out DIR [--dtype bf16|fp32] [--reproduce TEXT] NAME=MODEL_DIR...:
// gathers composite models (trainer exports) into one folder with their shared parts
// stored once, writes each model's card, removes shared parts no model uses any more,
// and prints a JSON summary (models, shared parts, total bytes).

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/CliCommand.h"
#include "core/base/Error.h"
#include "core/io/ModelBundler.h"
#include "core/io/ModelCard.h"

namespace sinkscope::cli {

namespace {

using nlohmann::json;

int runBundle(const CliArgs& args) {
  const std::string out = args.require("out");
  const std::string dtype = args.get("dtype", "bf16");
  if (dtype != "bf16" && dtype != "fp32") throw Error("--dtype: bf16 or fp32, not '" + dtype + "'");
  if (args.positionals().empty()) throw Error("bundle needs one or more NAME=MODEL_DIR arguments");
  ModelBundler bundler(out, dtype == "bf16" ? DType::BF16 : DType::F32);
  json models = json::array();
  for (const auto& item : args.positionals()) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error("bundle: '" + item + "' is not NAME=MODEL_DIR");
    const BundledModel model = bundler.add(item.substr(0, eq), item.substr(eq + 1));
    ModelCard::write(model.directory, args.get("reproduce"), "");
    models.push_back({{"name", model.name}, {"directory", model.directory}, {"shared", model.sharedParts}});
    std::cerr << "bundled " << model.name << '\n';
  }
  const auto removed = bundler.pruneShared();
  std::cout << json{{"models", models}, {"pruned_shared", removed}, {"total_bytes", bundler.totalBytes()}}.dump()
            << '\n';
  return 0;
}

const CliCommandRegistration kRegistration{
    {"bundle", "--out DIR [--dtype bf16|fp32] [--reproduce TEXT] NAME=MODEL_DIR...", runBundle}};

}  // namespace

}  // namespace sinkscope::cli
