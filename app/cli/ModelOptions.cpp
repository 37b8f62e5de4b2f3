#include "app/cli/ModelOptions.h"

#include <sstream>

#include "core/base/Error.h"

namespace sinkscope::cli {

std::shared_ptr<AvsrModel> loadModelFromArgs(const CliArgs& args) {
  const Runtime runtime = Runtime::fromNames(args.get("device", "cpu"), args.get("dtype", "fp32"));
  if (args.has("threads")) Runtime::setThreads(args.getInt("threads", 1));
  return AvsrModel::load(args.require("model"), runtime);
}

std::vector<std::int64_t> parseTokenList(const std::string& text) {
  std::vector<std::int64_t> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size()) throw Error("--tokens: '" + item + "' is not a token id");
    ids.push_back(value);
  }
  if (ids.empty()) throw Error("--tokens: no token ids given");
  return ids;
}

}  // namespace sinkscope::cli
