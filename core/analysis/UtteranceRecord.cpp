#include "core/analysis/UtteranceRecord.h"

#include <algorithm>
#include <set>

namespace sinkscope {

UtteranceRecord UtteranceRecord::fromReport(std::int64_t index, const std::string& relPath,
                                            const std::string& reference, const TraceReport& report,
                                            bool stripPunctuation) {
  UtteranceRecord r;
  r.index = index;
  r.relPath = relPath;
  r.reference = reference;
  r.hypothesis = report.transcript;
  const ErrorRate rate(stripPunctuation);
  r.words = rate.words(reference, report.transcript);
  r.characters = rate.characters(reference, report.transcript);
  for (const auto& layer : report.sinks.layers) {
    r.bosHeadFraction.push_back(layer.bosHeadFraction);
    r.intermediateSinks.push_back(layer.intermediateSinks);
  }
  r.segments = report.segments;
  r.decorrelation = report.bosSimilarity.decorrelationTotal;

  for (const auto& layer : report.massive.layers) {
    for (int dim : layer.fixedDims) ++r.fixedDimLayers[dim];
    for (std::size_t t = 0; t < layer.maxAbs.size() && t < layer.medianAbs.size(); ++t)
      if (layer.medianAbs[t] > 0.0) r.maxMassiveRatio = std::max(r.maxMassiveRatio, layer.maxAbs[t] / layer.medianAbs[t]);
  }
  for (const auto& origin : report.massive.origins) {
    ++r.originSources[origin.source];
    ++r.originFirstLayers[origin.firstLayer];
  }
  const auto& cosine = report.bosSimilarity.cosine;
  for (std::size_t l = 0; l < cosine.size() && l < report.sinks.layers.size(); ++l) {
    std::set<int> sinks;
    for (const auto& token : report.sinks.layers[l].sinkTokens)
      if (!token.bos) sinks.insert(token.position);
    for (std::size_t t = 1; t < cosine[l].size(); ++t) {
      if (sinks.count(static_cast<int>(t)) != 0) {
        r.sinkCosineSum += cosine[l][t];
        ++r.sinkCosineCount;
      } else {
        r.otherCosineSum += cosine[l][t];
        ++r.otherCosineCount;
      }
    }
  }
  return r;
}

namespace {

template <typename Key>
nlohmann::json countsJson(const std::map<Key, int>& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, count] : counts) {
    if constexpr (std::is_same_v<Key, std::string>) {
      out[key] = count;
    } else {
      out[std::to_string(key)] = count;
    }
  }
  return out;
}

std::map<int, int> intCounts(const nlohmann::json& json) {
  std::map<int, int> out;
  for (const auto& [key, value] : json.items()) out[std::stoi(key)] = value.get<int>();
  return out;
}

}  // namespace

nlohmann::json UtteranceRecord::toJson() const {
  nlohmann::json out = {{"index", index}, {"rel_path", relPath}, {"reference", reference}};
  if (!error.empty()) {
    out["error"] = error;
    return out;
  }
  nlohmann::json segmentRows = nlohmann::json::array();
  for (const auto& layer : segments) {
    nlohmann::json row = nlohmann::json::array();
    for (const auto& s : layer) {
      row.push_back({s.tokens, s.headTokenPairs, s.sinkScoreSum, s.sinkPairs, s.sinkTokens, s.massiveElements,
                     s.massiveTokens, s.maxAbs, s.cosineTokens, s.bosCosineSum});
    }
    segmentRows.push_back(row);
  }
  out["hypothesis"] = hypothesis;
  out["words"] = words.toJson();
  out["characters"] = characters.toJson();
  out["bos_head_fraction"] = bosHeadFraction;
  out["intermediate_sinks"] = intermediateSinks;
  out["segments"] = segmentRows;
  out["decorrelation"] = decorrelation;
  out["massive"] = {{"fixed_dim_layers", countsJson(fixedDimLayers)},
                    {"max_ratio", maxMassiveRatio},
                    {"origin_sources", countsJson(originSources)},
                    {"origin_first_layers", countsJson(originFirstLayers)}};
  out["bos_cosine_split"] = {sinkCosineSum, sinkCosineCount, otherCosineSum, otherCosineCount};
  out["seconds"] = seconds;
  return out;
}

UtteranceRecord UtteranceRecord::fromJson(const nlohmann::json& json) {
  UtteranceRecord r;
  r.index = json.at("index").get<std::int64_t>();
  r.relPath = json.at("rel_path").get<std::string>();
  r.reference = json.at("reference").get<std::string>();
  if (json.contains("error")) {
    r.error = json.at("error").get<std::string>();
    return r;
  }
  r.hypothesis = json.at("hypothesis").get<std::string>();
  r.words = EditCounts::fromJson(json.at("words"));
  r.characters = EditCounts::fromJson(json.at("characters"));
  r.bosHeadFraction = json.at("bos_head_fraction").get<std::vector<double>>();
  r.intermediateSinks = json.at("intermediate_sinks").get<std::vector<int>>();
  for (const auto& row : json.at("segments")) {
    LayerSegmentTotals layer;
    if (row.size() != layer.size()) throw nlohmann::json::other_error::create(501, "segments row size", &row);
    for (std::size_t s = 0; s < layer.size(); ++s) {
      const auto& v = row.at(s);
      SegmentTotals& t = layer[s];
      t.tokens = v.at(0).get<std::int64_t>();
      t.headTokenPairs = v.at(1).get<std::int64_t>();
      t.sinkScoreSum = v.at(2).get<double>();
      t.sinkPairs = v.at(3).get<std::int64_t>();
      t.sinkTokens = v.at(4).get<std::int64_t>();
      t.massiveElements = v.at(5).get<std::int64_t>();
      t.massiveTokens = v.at(6).get<std::int64_t>();
      t.maxAbs = v.at(7).get<double>();
      t.cosineTokens = v.at(8).get<std::int64_t>();
      t.bosCosineSum = v.at(9).get<double>();
    }
    r.segments.push_back(layer);
  }
  r.decorrelation = json.at("decorrelation").get<double>();
  // Records written before these statistics existed lack them; they count as none.
  if (json.contains("massive")) {
    const auto& m = json.at("massive");
    r.fixedDimLayers = intCounts(m.at("fixed_dim_layers"));
    r.maxMassiveRatio = m.at("max_ratio").get<double>();
    r.originSources = m.at("origin_sources").get<std::map<std::string, int>>();
    r.originFirstLayers = intCounts(m.at("origin_first_layers"));
  }
  if (json.contains("bos_cosine_split")) {
    const auto& c = json.at("bos_cosine_split");
    r.sinkCosineSum = c.at(0).get<double>();
    r.sinkCosineCount = c.at(1).get<std::int64_t>();
    r.otherCosineSum = c.at(2).get<double>();
    r.otherCosineCount = c.at(3).get<std::int64_t>();
  }
  r.seconds = json.value("seconds", 0.0);
  return r;
}

}  // namespace sinkscope
