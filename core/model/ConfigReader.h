#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// Reads typed hyper-parameters out of a config.json object; every failure is a
// ConfigError whose message names the source file and the key.
class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& json, std::string source);

  // Parses a JSON file; FormatError naming the path when it is missing or malformed.
  static nlohmann::json readFile(const std::string& path);

  const std::string& source() const { return source_; }
  bool has(const std::string& key) const;

  int requireInt(const std::string& key) const;
  int intOr(const std::string& key, int fallback) const;
  double doubleOr(const std::string& key, double fallback) const;
  bool boolOr(const std::string& key, bool fallback) const;
  std::string stringOr(const std::string& key, const std::string& fallback) const;
  std::vector<int> intListOr(const std::string& key, const std::vector<int>& fallback) const;

  // Throws ConfigError "<source>: <key> <message>" unless `condition` holds.
  void check(bool condition, const std::string& key, const std::string& message) const;

 private:
  const nlohmann::json& json_;
  std::string source_;
};

}  // namespace sinkscope
