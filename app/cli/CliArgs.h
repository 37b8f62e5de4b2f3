#pragma once

#include <map>
#include <string>
#include <vector>

namespace sinkscope::cli {

// "--key value" options, "--flag" switches and bare positionals, in the style of
// DESIGN §6. A value-less option is recorded with an empty string.
class CliArgs {
 public:
  CliArgs(int argc, char** argv, int first);

  bool has(const std::string& key) const;
  std::string get(const std::string& key, const std::string& fallback = "") const;
  // Throws sinkscope::Error naming the option when it is missing.
  std::string require(const std::string& key) const;
  int getInt(const std::string& key, int fallback) const;
  double getDouble(const std::string& key, double fallback) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> options_;
  std::vector<std::string> positionals_;
};

}  // namespace sinkscope::cli
