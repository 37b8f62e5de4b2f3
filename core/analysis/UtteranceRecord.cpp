#include "core/analysis/UtteranceRecord.h"

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
  return r;
}

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
  r.seconds = json.value("seconds", 0.0);
  return r;
}

}  // namespace sinkscope
