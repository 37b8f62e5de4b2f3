#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope::testing {

// Validates JSON against the subset of JSON Schema (2020-12) that sinkscope's own
// schemas use: type (one or a list), const, enum, minimum, maximum, required,
// properties, items, oneOf and local "$ref": "#/$defs/<name>". Any other keyword in
// the schema is reported as unsupported, so a schema cannot silently outgrow it.
class JsonSchemaCheck {
 public:
  explicit JsonSchemaCheck(nlohmann::json schema) : root_(std::move(schema)) {}

  // Every violation, as "<json path>: <what>"; empty when the document is valid.
  std::vector<std::string> errors(const nlohmann::json& document) const;

 private:
  void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             std::vector<std::string>& out) const;
  const nlohmann::json& resolve(const nlohmann::json& schema) const;

  nlohmann::json root_;
};

}  // namespace sinkscope::testing
