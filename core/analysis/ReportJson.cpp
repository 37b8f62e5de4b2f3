#include "core/analysis/ReportJson.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

using nlohmann::json;

// JSON has no infinity: a ratio over a zero median is written as null.
json finite(double value) {
  return std::isfinite(value) ? json(value) : json();
}

json massiveLayerJson(const MassiveLayer& layer) {
  json top = json::array();
  for (const auto& t : layer.top) top.push_back({{"abs_value", t.absValue}, {"position", t.position}, {"dim", t.dim}});
  json elements = json::array();
  for (const auto& e : layer.elements) {
    elements.push_back({{"position", e.position}, {"dim", e.dim}, {"value", e.value}, {"ratio", finite(e.ratio)}});
  }
  return {{"layer", layer.layer},         {"median_abs_all", layer.medianAbsAll}, {"top", top},
          {"median_abs", layer.medianAbs}, {"max_abs", layer.maxAbs},            {"elements", elements},
          {"fixed_dims", layer.fixedDims}};
}

json sinksJson(const SinkResult& sinks) {
  json layers = json::array();
  for (std::size_t l = 0; l < sinks.layers.size(); ++l) {
    const SinkLayer& layer = sinks.layers[l];
    json score = json::array();
    for (std::int64_t h = 0; h < layer.score.size(0); ++h) {
      const auto begin = layer.score.values.begin() + h * layer.score.size(1);
      score.push_back(std::vector<float>(begin, begin + layer.score.size(1)));
    }
    json tokens = json::array();
    for (const auto& s : layer.sinkTokens) {
      tokens.push_back({{"position", s.position},
                        {"segment", segmentName(s.segment)},
                        {"kind", s.bos ? "bos" : "intermediate"},
                        {"head_fraction", s.headFraction},
                        {"max_score", s.maxScore}});
    }
    layers.push_back({{"layer", static_cast<int>(l)},
                      {"bos_head_fraction", layer.bosHeadFraction},
                      {"intermediate_sinks", layer.intermediateSinks},
                      {"head_fraction", layer.headFraction},
                      {"score", score},
                      {"sink_tokens", tokens}});
  }
  return {{"available", sinks.available}, {"source", sinks.source}, {"heads", sinks.heads}, {"layers", layers}};
}

json responseJson(const ResponseAttention& response) {
  json layers = json::array();
  for (std::size_t l = 0; l < response.mass.size(); ++l) {
    json heads = json::array();
    for (std::size_t h = 0; h < response.mass[l].size(); ++h) {
      json mass = json::object();
      for (int s = 0; s < kSegmentCount; ++s) mass[segmentName(static_cast<Segment>(s))] = response.mass[l][h][static_cast<std::size_t>(s)];
      heads.push_back({{"head", response.heads[h]}, {"mass", mass}});
    }
    layers.push_back({{"layer", static_cast<int>(l)}, {"heads", heads}});
  }
  return {{"available", response.available}, {"queries", response.queries}, {"layers", layers}};
}

json massiveJson(const MassiveResult& massive) {
  json layers = json::array();
  for (const auto& layer : massive.layers) layers.push_back(massiveLayerJson(layer));
  json origins = json::array();
  for (const auto& o : massive.origins) {
    json origin = {{"position", o.position}, {"dim", o.dim},       {"first_layer", o.firstLayer},
                   {"source", o.source},     {"value", o.value}};
    if (o.sharesKnown) {
      origin["residual_share"] = o.residualShare;
      origin["attention_share"] = o.attentionShare;
      origin["mlp_share"] = o.mlpShare;
    }
    origins.push_back(origin);
  }
  return {{"available", massive.available},
          {"embedding", massive.hasEmbedding ? massiveLayerJson(massive.embedding) : json()},
          {"layers", layers},
          {"origins", origins}};
}

json bosJson(const BosSimilarityResult& bos, double lambda) {
  return {{"available", bos.available},
          {"embedding", bos.embedding.empty() ? json() : json(bos.embedding)},
          {"layers", bos.cosine},
          {"decorrelation",
           {{"lambda", lambda},
            {"counted_tokens", bos.countedTokens},
            {"per_layer", bos.decorrelationPerLayer},
            {"total", bos.decorrelationPerLayer.empty() ? json() : json(bos.decorrelationTotal)}}}};
}

}  // namespace

json ReportJson::tokensJson(const std::vector<TraceToken>& tokens) {
  json out = json::array();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    out.push_back({{"position", static_cast<int>(i)}, {"id", t.id}, {"text", t.text},
                   {"segment", segmentName(t.segment)}, {"start_sec", t.startSec}, {"end_sec", t.endSec}});
  }
  return out;
}

json ReportJson::segmentsJson(const std::vector<LayerSegmentTotals>& segments) {
  json out = json::array();
  for (std::size_t l = 0; l < segments.size(); ++l) {
    json bySegment = json::object();
    for (int s = 0; s < kSegmentCount; ++s) {
      bySegment[segmentName(static_cast<Segment>(s))] = segments[l][static_cast<std::size_t>(s)].toJson();
    }
    out.push_back({{"layer", static_cast<int>(l)}, {"segments", bySegment}});
  }
  return out;
}

json ReportJson::toJson(const TraceReport& report) {
  return {{"schema", "sinkscope.report"},
          {"schema_version", kSchemaVersion},
          {"model",
           {{"name", report.modelName},
            {"num_layers", report.numLayers},
            {"num_heads", report.numHeads},
            {"hidden_size", report.hiddenSize}}},
          {"modality", report.modality},
          {"transcript", report.transcript},
          {"inference_ms", report.inferenceMs},
          {"options", report.options.toJson()},
          {"tokens", tokensJson(report.tokens)},
          {"sinks", sinksJson(report.sinks)},
          {"response_attention", responseJson(report.sinks.response)},
          {"massive", massiveJson(report.massive)},
          {"bos_cosine", bosJson(report.bosSimilarity, report.options.decorrelationLambda)},
          {"segments", segmentsJson(report.segments)},
          {"notes", report.notes}};
}

void ReportJson::write(const json& value, const std::string& path) {
  std::ofstream out(path);
  out << value.dump(1) << '\n';
  if (!out) throw Error("cannot write " + path);
}

json ReportJson::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {
    throw FormatError(path + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace sinkscope
