#include "core/io/ModelCard.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"

namespace sinkscope {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json readOptional(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return json();
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return json();
  }
}

std::string number(const json& value, int precision = 4) {
  if (!value.is_number()) return "n/a";
  std::ostringstream out;
  out << std::setprecision(precision) << value.get<double>();
  return out.str();
}

std::string percent(const json& value) {
  if (!value.is_number()) return "n/a";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << 100.0 * value.get<double>() << " %";
  return out.str();
}

std::string compression(const json& c) {
  if (!c.is_object()) return "none";
  return c.value("mode", "?") + " × " + std::to_string(c.value("rate", 0));
}

// One line about how a part was trained, from its training.json.
std::string partStage(const json& training) {
  if (training.is_null()) return "no training.json (not trained by sinkscope's recipe)";
  const json& config = training.value("config", json::object());
  const json& train = config.value("train", json::object());
  std::ostringstream out;
  const std::string stage = training.value("stage", "?");
  out << "stage `" << stage << "`, " << training.value("steps", 0) << " steps";
  if (stage == "lm") {
    out << " (" << number(training.value("tokens", json()), 3) << " tokens), held-out loss "
        << number(training.value("heldout_loss_nats_per_token", json())) << " nats/token";
  } else if (stage == "ctc") {
    // The CTC head spells characters or phonemes, so its word error rate is a harsh
    // measure of what the encoder carries; the loss per unit says more. A phoneme head's
    // words are its phoneme spellings, which a reader would take for a typo otherwise.
    const std::string units = training.value("ctc_units", std::string("characters"));
    const bool phonemes = units.rfind("phonemes:", 0) == 0;
    out << " (" << number(training.value("epochs", json()), 3) << " epochs), valid CTC loss "
        << number(training.value("valid_ctc_loss", json())) << (phonemes ? " nats/phoneme" : " nats/character")
        << ", greedy WER of its CTC head " << (phonemes ? "on espeak-ng phoneme spellings " : "")
        << percent(training.value("valid_greedy_wer", json()));
  } else {
    out << " (" << number(training.value("epochs", json()), 3) << " epochs), valid greedy WER "
        << percent(training.value("valid_greedy_wer", json()));
  }
  out << ", lr " << number(train.value("lr", json()), 3) << ", seed " << config.value("seed", 0)
      << (training.value("schedule_completed", false) ? "" : ", **schedule not completed**");
  return out.str();
}

std::string llmShape(const json& config) {
  if (!config.is_object()) return "";
  std::ostringstream out;
  out << config.value("num_hidden_layers", 0) << " layers × " << config.value("hidden_size", 0) << ", "
      << config.value("num_attention_heads", 0) << " heads, vocabulary " << config.value("vocab_size", 0);
  return out.str();
}

}  // namespace

std::string ModelCard::compose(const std::string& modelDir, const std::string& reproduce,
                               const std::string& metricsMarkdown) {
  const fs::path dir(modelDir);
  const json config = readOptional(dir / "config.json");
  if (!config.is_object()) throw Error((dir / "config.json").string() + ": missing or not JSON");
  const json recorded = readOptional(dir / "training.json");
  const json training = recorded.is_object() ? recorded : json::object();
  const json trainConfig = training.value("config", json::object());
  const json avsr = trainConfig.value("avsr", json::object());
  const json train = trainConfig.value("train", json::object());

  std::ostringstream md;
  md << "# " << config.value("name", dir.filename().string()) << "\n\n";
  if (config.contains("description")) md << config.value("description", "") << "\n\n";
  md << "A Llama-AVSR-style composite model (docs/model-format.md) trained by sinkscope's own "
        "recipe on its synthetic audio-visual corpus (docs/training.md, docs/corpus.md). It is "
        "a teaching model: small, fast on a CPU, made to show attention sinks and massive "
        "activations, not to transcribe real speech well.\n\n";

  md << "| | |\n|---|---|\n";
  md << "| modality | " << avsr.value("modality", config.value("default_modality", "?")) << " |\n";
  if (!config.value("audio_encoder", json()).is_null())
    md << "| audio compression | " << compression(config.value("audio_compression", json())) << " |\n";
  if (!config.value("video_encoder", json()).is_null())
    md << "| video compression | " << compression(config.value("video_compression", json())) << " |\n";
  const json lora = config.value("lora", json());
  if (lora.is_object())
    md << "| LoRA on Q, V | reduction " << lora.value("reduction", 0) << ", alpha " << number(lora.value("alpha", json()))
       << " |\n";
  md << "| decorrelation loss λ | " << number(trainConfig.value("decorrelation_lambda", json(0))) << " |\n";
  md << "| fine-tuning | " << partStage(recorded) << " |\n";
  md << "| batch, epochs | " << train.value("batch_utterances", 0) << " utterances, "
     << number(train.value("epochs", json()), 3) << " |\n\n";

  md << "## Parts (shared with the other bundled models)\n\n";
  for (const char* key : {"llm", "audio_encoder", "video_encoder"}) {
    if (!config.contains(key) || !config[key].is_string()) continue;
    const fs::path part = dir / config[key].get<std::string>();
    md << "* `" << key << "` → `" << config[key].get<std::string>() << "`";
    if (std::string(key) == "llm") md << " (" << llmShape(readOptional(part / "config.json")) << ")";
    md << ": " << partStage(readOptional(part / "training.json")) << "\n";
  }
  md << "\n## Data\n\nThe synthetic corpus of docs/corpus.md (`sinkscope-cli corpus`: WordNet and "
        "fortune sentences spoken by espeak-ng, flite and festival voices, rendered mouth "
        "videos, babble and white noise); the text LLM was pretrained on the same sentence "
        "sources.\n";
  if (!reproduce.empty()) md << "\n## Reproduce\n\n```\n" << reproduce << "\n```\n";
  md << "\n## Metrics\n\n";
  if (!metricsMarkdown.empty()) {
    md << metricsMarkdown << "\n";
  } else {
    const json& avsr = training.value("config", json::object()).value("avsr", json::object());
    md << "Greedy WER on the first " << avsr.value("eval_utterances", 100)
       << " clean validation utterances at the end of fine-tuning: "
       << percent(training.value("valid_greedy_wer", json())) << ". The full table is docs/results.md.\n";
  }
  return md.str();
}

void ModelCard::write(const std::string& modelDir, const std::string& reproduce, const std::string& metricsMarkdown) {
  const fs::path path = fs::path(modelDir) / "README.md";
  std::ofstream out(path, std::ios::binary);
  out << compose(modelDir, reproduce, metricsMarkdown);
  if (!out) throw Error(path.string() + ": cannot write");
}

}  // namespace sinkscope
