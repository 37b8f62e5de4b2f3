#include "core/model/ConfigReader.h"

#include <fstream>

#include "core/base/Error.h"

namespace sinkscope {

ConfigReader::ConfigReader(const nlohmann::json& json, std::string source)
    : json_(json), source_(std::move(source)) {
  if (!json_.is_object()) throw ConfigError(source_ + ": expected a JSON object");
}

nlohmann::json ConfigReader::readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FormatError(path + ": cannot open config file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": malformed JSON (" + e.what() + ")");
  }
}

bool ConfigReader::has(const std::string& key) const {
  return json_.contains(key) && !json_.at(key).is_null();
}

int ConfigReader::requireInt(const std::string& key) const {
  if (!has(key)) throw ConfigError(source_ + ": missing integer key '" + key + "'");
  return intOr(key, 0);
}

int ConfigReader::intOr(const std::string& key, int fallback) const {
  if (!has(key)) return fallback;
  const auto& value = json_.at(key);
  if (!value.is_number_integer()) {
    throw ConfigError(source_ + ": key '" + key + "' must be an integer, found " + value.dump());
  }
  return value.get<int>();
}

double ConfigReader::doubleOr(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  const auto& value = json_.at(key);
  if (!value.is_number()) {
    throw ConfigError(source_ + ": key '" + key + "' must be a number, found " + value.dump());
  }
  return value.get<double>();
}

bool ConfigReader::boolOr(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& value = json_.at(key);
  if (!value.is_boolean()) {
    throw ConfigError(source_ + ": key '" + key + "' must be true or false, found " + value.dump());
  }
  return value.get<bool>();
}

std::string ConfigReader::stringOr(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const auto& value = json_.at(key);
  if (!value.is_string()) {
    throw ConfigError(source_ + ": key '" + key + "' must be a string, found " + value.dump());
  }
  return value.get<std::string>();
}

std::vector<int> ConfigReader::intListOr(const std::string& key, const std::vector<int>& fallback) const {
  if (!has(key)) return fallback;
  const auto& value = json_.at(key);
  bool ok = value.is_array();
  if (ok) {
    for (const auto& item : value) ok = ok && item.is_number_integer();
  }
  if (!ok) {
    throw ConfigError(source_ + ": key '" + key + "' must be a list of integers, found " + value.dump());
  }
  return value.get<std::vector<int>>();
}

void ConfigReader::check(bool condition, const std::string& key, const std::string& message) const {
  if (!condition) throw ConfigError(source_ + ": " + key + " " + message);
}

}  // namespace sinkscope
