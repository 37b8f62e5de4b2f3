#include "core/analysis/ResultsTable.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>

#include "core/analysis/ReportJson.h"

namespace sinkscope {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// training.json is absent for models not made by the recipe: then nothing is known.
json readOptional(const fs::path& path) {
  return fs::exists(path) ? ReportJson::read(path.string()) : json::object();
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

std::string wer(const ResultsModel& model, const std::string& set) {
  const auto it = model.evals.find(set);
  if (it == model.evals.end()) return "–";
  const json& rate = it->second.value("wer", json::object()).value("rate", json());
  if (!rate.is_number()) return "–";
  return fixed(100.0 * rate.get<double>(), 1);
}

std::string rateLabel(const ResultsModel& m) {
  std::string label;
  if (m.audioRate > 0) label += "audio ×" + std::to_string(m.audioRate);
  if (m.videoRate > 0) label += std::string(label.empty() ? "" : ", ") + "video ×" + std::to_string(m.videoRate);
  return label.empty() ? "–" : label;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

// The rate that orders a model among others of its modality (audio first).
int orderingRate(const ResultsModel& m) { return m.audioRate > 0 ? m.audioRate : m.videoRate; }

// Intermediate sinks per utterance by segment (summed over layers), largest first.
std::string intermediateSinks(const json& eval) {
  const double utterances = std::max(1.0, eval.value("scored", 0.0));
  std::map<std::string, double> bySegment;
  const json segments = eval.value("segments", json::array());
  for (const auto& layer : segments)
    for (const auto& [segment, totals] : layer.at("segments").items())
      if (segment != "bos") bySegment[segment] += totals.value("sink_tokens", 0.0);
  std::vector<std::pair<std::string, double>> sorted(bySegment.begin(), bySegment.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [segment, count] : sorted) {
    if (count <= 0.0) continue;
    if (!out.empty()) out += ", ";
    out += segment + " " + fixed(count / utterances, 2);
  }
  return out.empty() ? "none" : out;
}

std::string bosFractions(const json& eval) {
  std::string out;
  const json layers = eval.value("layers", json::array());
  for (const auto& layer : layers) {
    if (!out.empty()) out += " ";
    out += fixed(layer.value("mean_bos_head_fraction", 0.0), 2);
  }
  return out.empty() ? "–" : out;
}

std::string fixedDims(const json& massive) {
  std::string out;
  int shown = 0;
  const json dims = massive.value("fixed_dims", json::array());
  for (const auto& d : dims) {
    if (shown++ == 3) break;
    if (!out.empty()) out += ", ";
    out += std::to_string(d.value("dim", -1)) + " (" + std::to_string(d.value("layers", 0)) + ")";
  }
  return out.empty() ? "none" : out;
}

std::string origins(const json& massive) {
  const json sources = massive.value("origin_sources", json::object());
  if (sources.empty()) return "–";
  std::string best;
  int bestCount = -1, total = 0;
  for (const auto& [source, count] : sources.items()) {
    total += count.get<int>();
    if (count.get<int>() > bestCount) {
      best = source;
      bestCount = count.get<int>();
    }
  }
  int firstLayer = 0, layerCount = -1;
  const json firstLayers = massive.value("origin_first_layers", json::object());
  for (const auto& [layer, count] : firstLayers.items()) {
    if (count.get<int>() > layerCount) {
      firstLayer = std::stoi(layer);
      layerCount = count.get<int>();
    }
  }
  return best + " " + fixed(100.0 * bestCount / std::max(total, 1), 0) + " %, first layer " +
         (firstLayer < 0 ? std::string("embedding") : std::to_string(firstLayer));
}

std::string cosines(const json& eval) {
  const json cos = eval.value("bos_cosine", json::object());
  auto show = [](const json& v) { return v.is_number() ? fixed(v.get<double>(), 2) : std::string("–"); };
  return show(cos.value("sink_tokens", json())) + " / " + show(cos.value("other_tokens", json()));
}

}  // namespace

ResultsModel ResultsTable::describe(const std::string& name, const std::string& modelDir) {
  const json config = ReportJson::read((fs::path(modelDir) / "config.json").string());
  const json training = readOptional(fs::path(modelDir) / "training.json");
  const json trainConfig = training.value("config", json::object());
  ResultsModel model;
  model.name = name;
  model.modality = trainConfig.value("avsr", json::object()).value("modality", config.value("default_modality", "avsr"));
  const bool audio = model.modality != "vsr", video = model.modality != "asr";
  if (audio) model.audioRate = config.value("audio_compression", json::object()).value("rate", 0);
  if (video) model.videoRate = config.value("video_compression", json::object()).value("rate", 0);
  model.lambda = trainConfig.value("decorrelation_lambda", 0.0);
  return model;
}

std::string ResultsTable::markdown(const std::vector<ResultsModel>& models, const std::vector<std::string>& syntheticSets,
                                   const std::vector<std::string>& realSets, const std::string& intro) {
  std::ostringstream md;
  md << "# Results of the bundled demo models\n\n" << intro << "\n\n";

  md << "## WER (%) on the synthetic test split\n\n";
  md << "Baseline: fine-tuned without the decorrelation loss; decorrelated: with it (λ in the last column).\n\n";
  md << "| modality | compression |";
  for (const auto& set : syntheticSets) md << " " << set << ": baseline | " << set << ": decorrelated |";
  md << " λ |\n|---|---|";
  for (std::size_t i = 0; i < syntheticSets.size(); ++i) md << "---|---|";
  md << "---|\n";
  // Rows: modality, then rate; a baseline and a decorrelated model share a row.
  struct Row {
    const ResultsModel* baseline = nullptr;
    const ResultsModel* decorrelated = nullptr;
  };
  std::map<std::pair<int, int>, Row> rows;
  const std::vector<std::string> order = {"asr", "vsr", "avsr"};
  for (const auto& m : models) {
    const int modalityIndex =
        static_cast<int>(std::find(order.begin(), order.end(), m.modality) - order.begin());
    Row& row = rows[{modalityIndex, orderingRate(m) * 1000 + m.videoRate}];
    (m.lambda > 0.0 ? row.decorrelated : row.baseline) = &m;
  }
  for (const auto& [key, row] : rows) {
    const ResultsModel& any = row.baseline ? *row.baseline : *row.decorrelated;
    md << "| " << upper(any.modality) << " | " << rateLabel(any) << " |";
    for (const auto& set : syntheticSets) {
      md << " " << (row.baseline ? wer(*row.baseline, set) : "–") << " | "
         << (row.decorrelated ? wer(*row.decorrelated, set) : "–") << " |";
    }
    md << " " << (row.decorrelated ? fixed(row.decorrelated->lambda, 0) : "–") << " |\n";
  }

  if (!realSets.empty()) {
    md << "\n## WER (%) on real speech\n\nThe models were trained on synthetic speech only (TTS voices, "
          "rendered mouths); these columns show how far that carries to real recordings.\n\n| model |";
    for (const auto& set : realSets) md << " " << set << " |";
    md << "\n|---|";
    for (std::size_t i = 0; i < realSets.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& m : models) {
      md << "| " << m.name << " |";
      for (const auto& set : realSets) md << " " << wer(m, set) << " |";
      md << "\n";
    }
  }

  const std::string statsSet = syntheticSets.empty() ? std::string() : syntheticSets.front();
  md << "\n## Sinks and massive activations (" << (statsSet.empty() ? "–" : statsSet) << ")\n\n";
  md << "BOS sink: mean share of heads per layer (layer 0 first) whose sink score for BOS exceeds ε. "
        "Intermediate sinks: sink tokens other than BOS per utterance, summed over layers, by segment. "
        "Fixed dims: feature indices massive in two or more sink tokens, with the number of (utterance, layer) "
        "pairs listing them. Origin: the sub-block that first made the massive elements large and the layer "
        "where most appear. BOS cos: mean cos(h[BOS], h[t]) over layers for intermediate-sink tokens / all "
        "other tokens.\n\n";
  md << "| model | BOS sink by layer | intermediate sinks | fixed dims | max ÷ median | origin | BOS cos sink / other |\n";
  md << "|---|---|---|---|---|---|---|\n";
  for (const auto& m : models) {
    const auto it = m.evals.find(statsSet);
    if (it == m.evals.end()) {
      md << "| " << m.name << " | – | – | – | – | – | – |\n";
      continue;
    }
    const json& eval = it->second;
    const json massive = eval.value("massive", json::object());
    md << "| " << m.name << " | " << bosFractions(eval) << " | " << intermediateSinks(eval) << " | "
       << fixedDims(massive) << " | " << fixed(massive.value("max_ratio", 0.0), 1) << " | " << origins(massive)
       << " | " << cosines(eval) << " |\n";
  }
  return md.str();
}

}  // namespace sinkscope
