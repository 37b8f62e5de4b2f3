#include "core/base/InterventionSpec.h"

#include "core/base/Error.h"

namespace sinkscope {

namespace {

std::vector<int> indexList(const nlohmann::json& object, const std::string& key, const std::string& where,
                           bool required) {
  if (!object.contains(key)) {
    if (required) throw ConfigError("intervention: " + where + "." + key + " is required");
    return {};
  }
  const auto& list = object.at(key);
  if (!list.is_array()) throw ConfigError("intervention: " + where + "." + key + " must be a list of indices");
  std::vector<int> out;
  for (const auto& item : list) {
    if (!item.is_number_integer() || item.get<long long>() < 0) {
      throw ConfigError("intervention: " + where + "." + key + " must hold non-negative integers, found " +
                        item.dump());
    }
    out.push_back(item.get<int>());
  }
  if (required && out.empty()) throw ConfigError("intervention: " + where + "." + key + " must not be empty");
  return out;
}

}  // namespace

InterventionSpec InterventionSpec::fromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw ConfigError("intervention: expected a JSON object, found " + json.dump());
  for (const auto& item : json.items()) {
    if (item.key() != "dims" && item.key() != "attention") {
      throw ConfigError("intervention: unknown key '" + item.key() + "' (expected dims, attention)");
    }
  }
  InterventionSpec spec;
  if (json.contains("dims")) {
    int i = 0;
    for (const auto& entry : json.at("dims")) {
      const std::string where = "dims[" + std::to_string(i++) + "]";
      DimIntervention dim;
      const std::string mode = entry.value("mode", "zero");
      if (mode == "zero") {
        dim.mode = DimIntervention::Mode::Zero;
      } else if (mode == "mean") {
        dim.mode = DimIntervention::Mode::Mean;
      } else {
        throw ConfigError("intervention: " + where + ".mode must be zero or mean, found '" + mode + "'");
      }
      dim.layers = indexList(entry, "layers", where, false);
      dim.positions = indexList(entry, "positions", where, false);
      dim.dims = indexList(entry, "dims", where, true);
      spec.dims.push_back(dim);
    }
  }
  if (json.contains("attention")) {
    int i = 0;
    for (const auto& entry : json.at("attention")) {
      const std::string where = "attention[" + std::to_string(i++) + "]";
      AttentionIntervention attention;
      attention.layers = indexList(entry, "layers", where, false);
      attention.heads = indexList(entry, "heads", where, false);
      attention.keys = indexList(entry, "keys", where, true);
      spec.attention.push_back(attention);
    }
  }
  return spec;
}

nlohmann::json InterventionSpec::toJson() const {
  nlohmann::json dimList = nlohmann::json::array();
  for (const auto& d : dims) {
    dimList.push_back({{"mode", d.mode == DimIntervention::Mode::Zero ? "zero" : "mean"},
                       {"layers", d.layers},
                       {"positions", d.positions},
                       {"dims", d.dims}});
  }
  nlohmann::json attentionList = nlohmann::json::array();
  for (const auto& a : attention) {
    attentionList.push_back({{"layers", a.layers}, {"heads", a.heads}, {"keys", a.keys}});
  }
  return {{"dims", dimList}, {"attention", attentionList}};
}

}  // namespace sinkscope
