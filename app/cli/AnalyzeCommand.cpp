// sinkscope-cli analyze: one transcription (or text continuation) captured with the
// analysis taps, analysed, and written as report.json (docs/report.md) plus the taps
// as safetensors under their tap names. --intervene re-runs it with an
// InterventionSpec and reports what changed.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/AnalysisArgs.h"
#include "app/cli/CliCommand.h"
#include "app/cli/MediaLoader.h"
#include "app/cli/ModelOptions.h"
#include "core/analysis/ErrorRate.h"
#include "core/analysis/FigureRenderer.h"
#include "core/analysis/ReportJson.h"
#include "core/analysis/TraceAnalyzer.h"
#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What to run: media in a modality's layout, or a text prompt.
struct AnalyzeInput {
  Modality modality = Modality::Text;
  MediaInput media;
  std::vector<std::int64_t> ids;
};

AnalyzeInput inputFromArgs(AvsrModel& model, const CliArgs& args) {
  const int given = int(args.has("input")) + int(args.has("text")) + int(args.has("tokens"));
  if (given != 1) throw Error("give exactly one of --input MEDIA, --text STR and --tokens 1,2,3");
  AnalyzeInput input;
  if (args.has("input")) {
    input.modality = args.has("modality") ? parseModality(args.get("modality")) : model.defaultModality();
    if (input.modality == Modality::Text) throw Error("--input needs --modality asr, vsr or avsr");
    input.media = loadMedia(args.require("input"), usesAudio(input.modality), usesVideo(input.modality));
  } else {
    if (args.has("modality") && parseModality(args.get("modality")) != Modality::Text) {
      throw Error("--modality " + args.get("modality") + " needs --input MEDIA");
    }
    input.ids = args.has("tokens") ? parseTokenList(args.get("tokens")) : model.encodeText(args.require("text"), true);
  }
  return input;
}

TracePtr run(AvsrModel& model, const AnalyzeInput& input, const GenerationOptions& options, const CaptureSpec& spec) {
  if (input.modality == Modality::Text) return model.continueText(input.ids, options, spec);
  return model.transcribe(input.media, input.modality, options, spec);
}

InterventionSpec interventionFromArgs(const CliArgs& args) {
  const std::string text = args.require("intervene");
  std::string content = text;
  if (text.find('{') == std::string::npos) {
    std::ifstream in(text);
    if (!in) throw Error("--intervene: cannot open " + text + " (give a JSON object or a file holding one)");
    std::stringstream buffer;
    buffer << in.rdbuf();
    content = buffer.str();
  }
  try {
    return InterventionSpec::fromJson(json::parse(content));
  } catch (const json::exception& e) {
    throw ConfigError(std::string("--intervene: not valid JSON (") + e.what() + ")");
  }
}

void writeTaps(const Trace& trace, const std::string& path) {
  SafetensorsWriter writer;
  for (const auto& [name, tensor] : trace.taps) writer.add(name, tensor);
  writer.setMetadata("model", trace.modelName);
  writer.setMetadata("modality", trace.modality);
  writer.setMetadata("tokens", ReportJson::tokensJson(trace.tokens).dump());
  writer.write(path);
}

double layerMaxAbs(const TraceReport& report, int layer) {
  double out = 0.0;
  for (const auto& s : report.segments[static_cast<std::size_t>(layer)]) out = std::max(out, s.maxAbs);
  return out;
}

// Per-layer metrics before and after an intervention, and the transcripts.
json interventionJson(const InterventionSpec& spec, const TraceReport& before, const TraceReport& after) {
  const EditCounts words = ErrorRate().words(before.transcript, after.transcript);
  json layers = json::array();
  for (int l = 0; l < before.numLayers; ++l) {
    json entry = {{"layer", l}};
    if (before.sinks.available && after.sinks.available) {
      const auto& b = before.sinks.layers[static_cast<std::size_t>(l)];
      const auto& a = after.sinks.layers[static_cast<std::size_t>(l)];
      entry["bos_head_fraction"] = {{"baseline", b.bosHeadFraction}, {"intervened", a.bosHeadFraction}};
      entry["intermediate_sinks"] = {{"baseline", b.intermediateSinks}, {"intervened", a.intermediateSinks}};
    }
    if (before.massive.available && after.massive.available) {
      entry["massive_elements"] = {{"baseline", before.massive.layers[static_cast<std::size_t>(l)].elements.size()},
                                   {"intervened", after.massive.layers[static_cast<std::size_t>(l)].elements.size()}};
      entry["max_abs"] = {{"baseline", layerMaxAbs(before, l)}, {"intervened", layerMaxAbs(after, l)}};
    }
    if (before.bosSimilarity.available && after.bosSimilarity.available) {
      const auto mean = [&](const TraceReport& r) {
        const auto& c = r.bosSimilarity.cosine[static_cast<std::size_t>(l)];
        double sum = 0.0;
        for (std::size_t t = 1; t < c.size(); ++t) sum += c[t];
        return c.size() > 1 ? sum / static_cast<double>(c.size() - 1) : 0.0;
      };
      entry["mean_bos_cosine"] = {{"baseline", mean(before)}, {"intervened", mean(after)}};
    }
    layers.push_back(entry);
  }
  return {{"spec", spec.toJson()},
          {"baseline_transcript", before.transcript},
          {"transcript", after.transcript},
          {"transcript_changed", before.transcript != after.transcript},
          {"word_edits_vs_baseline", words.toJson()},
          {"decorrelation", {{"baseline", before.bosSimilarity.decorrelationTotal},
                             {"intervened", after.bosSimilarity.decorrelationTotal}}},
          {"layers", layers}};
}

int runAnalyze(const CliArgs& args) {
  const fs::path out = args.require("out");
  const AnalysisOptions options = analysisOptionsFromArgs(args);
  auto model = loadModelFromArgs(args);
  const AnalyzeInput input = inputFromArgs(*model, args);
  GenerationOptions generation = generationOptionsFromArgs(*model, args);
  const CaptureSpec spec = analysisCaptureFromArgs(args);
  std::optional<InterventionSpec> intervention;
  if (args.has("intervene")) intervention = interventionFromArgs(args);

  fs::create_directories(out);
  const TraceAnalyzer analyzer(options);
  const TracePtr trace = run(*model, input, generation, spec);
  const TraceReport report = analyzer.analyze(*trace);
  json reportJson = ReportJson::toJson(report);
  writeTaps(*trace, (out / "taps.safetensors").string());

  if (intervention) {
    generation.interventions = *intervention;
    const TracePtr changed = run(*model, input, generation, spec);
    const TraceReport changedReport = analyzer.analyze(*changed);
    fs::create_directories(out / "intervened");
    ReportJson::write(ReportJson::toJson(changedReport), (out / "intervened" / "report.json").string());
    writeTaps(*changed, (out / "intervened" / "taps.safetensors").string());
    reportJson["intervention"] = interventionJson(*intervention, report, changedReport);
  }

  if (args.has("figures")) {
    if (FigureRenderer* renderer = FigureRenderer::installed()) {
      reportJson["figures"] = renderer->render(*trace, report, (out / "figures").string());
    } else {
      std::cerr << "figures not built in this build (no figure renderer linked); report.json and taps written\n";
      reportJson["notes"].push_back("figures requested, but this build has no figure renderer");
    }
  }
  ReportJson::write(reportJson, (out / "report.json").string());
  std::cout << (out / "report.json").string() << ": " << report.numLayers << " layers, " << trace->numTokens()
            << " positions (" << trace->modality << "), transcript \"" << trace->transcript << "\"\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"analyze",
     "--model DIR (--input MEDIA | --text STR | --tokens 1,2,3) --out DIR [--modality asr|vsr|avsr] "
     "[--epsilon 0.3] [--min-head-fraction 0.25] [--min-queries 1] [--massive-absolute 100|off] "
     "[--massive-ratio 1000|off] [--lambda 10000] [--beam N] [--max-new-tokens N] [--origins] [--patterns] "
     "[--intervene JSON|FILE] [--figures] [--device D] [--dtype T]",
     runAnalyze}};

}  // namespace

}  // namespace sinkscope::cli
