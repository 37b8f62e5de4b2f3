#include "support/JsonSchemaCheck.h"

#include <set>

namespace sinkscope::testing {

namespace {

bool hasType(const nlohmann::json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "integer") return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
  if (type == "number") return value.is_number();
  return false;
}

const std::set<std::string> kSupported = {"$schema", "$id", "title", "description", "type", "const", "enum",
                                          "minimum", "maximum", "required", "properties", "items", "oneOf",
                                          "$ref", "$defs"};

}  // namespace

const nlohmann::json& JsonSchemaCheck::resolve(const nlohmann::json& schema) const {
  if (!schema.contains("$ref")) return schema;
  const std::string ref = schema.at("$ref");
  const std::string prefix = "#/$defs/";
  return root_.at("$defs").at(ref.substr(prefix.size()));
}

void JsonSchemaCheck::check(const nlohmann::json& schemaIn, const nlohmann::json& value, const std::string& path,
                            std::vector<std::string>& out) const {
  const nlohmann::json& schema = resolve(schemaIn);
  for (const auto& item : schema.items()) {
    if (kSupported.count(item.key()) == 0) out.push_back(path + ": schema keyword '" + item.key() + "' unsupported");
  }
  if (schema.contains("type")) {
    const auto& type = schema.at("type");
    bool ok = false;
    if (type.is_string()) {
      ok = hasType(value, type);
    } else {
      for (const auto& t : type) ok = ok || hasType(value, t);
    }
    if (!ok) {
      out.push_back(path + ": expected type " + type.dump() + ", found " + value.type_name());
      return;
    }
  }
  if (schema.contains("const") && value != schema.at("const")) {
    out.push_back(path + ": expected " + schema.at("const").dump() + ", found " + value.dump());
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& option : schema.at("enum")) found = found || option == value;
    if (!found) out.push_back(path + ": " + value.dump() + " is not one of " + schema.at("enum").dump());
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema.at("minimum").get<double>()) {
      out.push_back(path + ": " + value.dump() + " < minimum " + schema.at("minimum").dump());
    }
    if (schema.contains("maximum") && value.get<double>() > schema.at("maximum").get<double>()) {
      out.push_back(path + ": " + value.dump() + " > maximum " + schema.at("maximum").dump());
    }
  }
  if (schema.contains("oneOf")) {
    int matches = 0;
    for (const auto& option : schema.at("oneOf")) {
      std::vector<std::string> sub;
      check(option, value, path, sub);
      if (sub.empty()) ++matches;
    }
    if (matches != 1) out.push_back(path + ": matches " + std::to_string(matches) + " oneOf options, expected 1");
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const auto& key : schema.at("required")) {
        if (!value.contains(key.get<std::string>())) out.push_back(path + ": missing required key " + key.dump());
      }
    }
    if (schema.contains("properties")) {
      for (const auto& property : schema.at("properties").items()) {
        if (value.contains(property.key())) {
          check(property.value(), value.at(property.key()), path + "." + property.key(), out);
        }
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      check(schema.at("items"), value.at(i), path + "[" + std::to_string(i) + "]", out);
    }
  }
}

std::vector<std::string> JsonSchemaCheck::errors(const nlohmann::json& document) const {
  std::vector<std::string> out;
  check(root_, document, "$", out);
  return out;
}

}  // namespace sinkscope::testing
