#include "app/cli/CliArgs.h"

#include "core/base/Error.h"

namespace sinkscope::cli {

namespace {
bool isOption(const std::string& s) { return s.size() > 2 && s.rfind("--", 0) == 0; }
}  // namespace

CliArgs::CliArgs(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (!isOption(a)) {
      positionals_.push_back(a);
      continue;
    }
    std::string key = a.substr(2);
    std::string value;
    auto eq = key.find('=');
    if (eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else if (i + 1 < argc && !isOption(argv[i + 1])) {
      value = argv[++i];
    }
    options_[key] = value;
  }
}

bool CliArgs::has(const std::string& key) const { return options_.count(key) != 0; }

std::string CliArgs::get(const std::string& key, const std::string& fallback) const {
  auto it = options_.find(key);
  return it == options_.end() ? fallback : it->second;
}

std::string CliArgs::require(const std::string& key) const {
  auto it = options_.find(key);
  if (it == options_.end() || it->second.empty()) throw Error("missing required option --" + key);
  return it->second;
}

int CliArgs::getInt(const std::string& key, int fallback) const {
  if (!has(key)) return fallback;
  try {
    return std::stoi(get(key));
  } catch (const std::exception&) {
    throw Error("option --" + key + " needs an integer, got '" + get(key) + "'");
  }
}

double CliArgs::getDouble(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  try {
    return std::stod(get(key));
  } catch (const std::exception&) {
    throw Error("option --" + key + " needs a number, got '" + get(key) + "'");
  }
}

}  // namespace sinkscope::cli
