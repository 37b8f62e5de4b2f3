#include "core/train/TrainConfig.h"

#include <fstream>
#include <limits>
#include <set>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& problem) {
  throw ConfigError(source + ": key '" + key + "' " + problem);
}

// Reads the keys of one JSON object, remembering which were read, so that whatever
// is left over can be reported as unknown.
class SectionReader {
 public:
  SectionReader(const json& node, std::string path, std::string source)
      : node_(node), path_(std::move(path)), source_(std::move(source)) {
    if (!node_.is_object()) {
      if (path_.empty()) throw ConfigError(source_ + ": the top level must be a JSON object");
      fail(source_, path_, std::string("must be an object, found ") + node_.type_name());
    }
  }

  void read(const char* key, std::int64_t& value) {
    if (const json* v = find(key)) {
      if (!v->is_number_integer()) fail(source_, name(key), std::string("must be an integer, found ") + v->type_name());
      value = v->get<std::int64_t>();
    }
  }
  void read(const char* key, int& value) {
    std::int64_t wide = value;
    read(key, wide);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      fail(source_, name(key), "is out of range, found " + std::to_string(wide));
    }
    value = static_cast<int>(wide);
  }
  void read(const char* key, std::uint64_t& value) {
    if (const json* v = find(key)) {
      const bool ok = v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0);
      if (!ok) {
        fail(source_, name(key), std::string("must be an integer >= 0, found ") + v->dump());
      }
      value = v->get<std::uint64_t>();
    }
  }
  void read(const char* key, double& value) {
    if (const json* v = find(key)) {
      if (!v->is_number()) fail(source_, name(key), std::string("must be a number, found ") + v->type_name());
      value = v->get<double>();
    }
  }
  void read(const char* key, bool& value) {
    if (const json* v = find(key)) {
      if (!v->is_boolean()) fail(source_, name(key), std::string("must be true or false, found ") + v->type_name());
      value = v->get<bool>();
    }
  }
  void read(const char* key, std::string& value) {
    if (const json* v = find(key)) {
      if (!v->is_string()) fail(source_, name(key), std::string("must be a string, found ") + v->type_name());
      value = v->get<std::string>();
    }
  }
  void read(const char* key, std::vector<std::string>& value) {
    if (const json* v = find(key)) {
      if (!v->is_array()) fail(source_, name(key), std::string("must be a list of strings, found ") + v->type_name());
      value.clear();
      for (const json& item : *v) {
        if (!item.is_string()) fail(source_, name(key), std::string("must hold strings only, found ") + item.type_name());
        value.push_back(item.get<std::string>());
      }
    }
  }

  void read(const char* key, json& value) {
    if (const json* v = find(key)) {
      if (!v->is_object()) fail(source_, name(key), std::string("must be an object, found ") + v->type_name());
      value = *v;
    }
  }
  // A list of SNRs in dB where null means clean audio.
  void read(const char* key, std::vector<std::optional<double>>& value) {
    if (const json* v = find(key)) {
      if (!v->is_array()) fail(source_, name(key), std::string("must be a list of numbers or null, found ") + v->type_name());
      value.clear();
      for (const json& item : *v) {
        if (item.is_null()) {
          value.emplace_back();
        } else if (item.is_number()) {
          value.emplace_back(item.get<double>());
        } else {
          fail(source_, name(key), std::string("must hold numbers (dB) or null (clean), found ") + item.type_name());
        }
      }
    }
  }

  SectionReader section(const char* key) {
    static const json kEmpty = json::object();
    const json* v = find(key);
    return SectionReader(v ? *v : kEmpty, name(key), source_);
  }

  void finish() const {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (!seen_.count(it.key())) fail(source_, name(it.key()), "is not a known key");
    }
  }

 private:
  const json* find(const std::string& key) {
    seen_.insert(key);
    auto it = node_.find(key);
    if (it == node_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const json& node_;
  std::string path_;
  std::string source_;
  std::set<std::string> seen_;
};

void require(bool ok, const std::string& source, const std::string& key, const std::string& problem) {
  if (!ok) fail(source, key, problem);
}

std::string found(double value) {
  json j = value;
  return ", found " + j.dump();
}

json snrList(const std::vector<std::optional<double>>& snrs) {
  json list = json::array();
  for (const auto& snr : snrs) list.push_back(snr ? json(*snr) : json());
  return list;
}

}  // namespace

TrainConfig TrainConfig::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot open training config '" + path + "'");
  json document;
  try {
    document = json::parse(in);
  } catch (const json::parse_error& e) {
    throw ConfigError(path + ": not valid JSON (" + e.what() + ")");
  }
  return fromJson(document, path);
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& document, const std::string& source) {
  TrainConfig c;
  c.source = source;
  SectionReader root(document, "", source);
  root.read("stage", c.stage);
  root.read("seed", c.seed);
  root.read("out_dir", c.outDir);
  root.read("device", c.device);
  root.read("dtype", c.dtype);
  root.read("threads", c.threads);
  root.read("allow_tf32", c.allowTf32);
  root.read("export_dtype", c.exportDtype);
  root.read("decorrelation_lambda", c.decorrelationLambda);
  root.read("init_from", c.initFrom);

  SectionReader data = root.section("data");
  data.read("wordnet_dir", c.data.wordnetDir);
  data.read("fortunes_dir", c.data.fortunesDir);
  data.read("text_files", c.data.textFiles);
  data.read("heldout_buckets", c.data.heldoutBuckets);
  data.read("tokenizer", c.data.tokenizer);
  data.read("drill_fraction", c.data.drillFraction);
  data.read("drill_spelling", c.data.drillSpelling);
  data.read("drill_char_errors", c.data.drillCharErrors);
  data.read("drill_phonemes", c.data.drillPhonemes);
  data.finish();

  SectionReader tokenizer = root.section("tokenizer");
  tokenizer.read("vocab_size", c.tokenizer.vocabSize);
  tokenizer.read("min_frequency", c.tokenizer.minFrequency);
  tokenizer.finish();

  SectionReader model = root.section("model");
  model.read("hidden_size", c.model.hiddenSize);
  model.read("intermediate_size", c.model.intermediateSize);
  model.read("num_hidden_layers", c.model.numHiddenLayers);
  model.read("num_attention_heads", c.model.numAttentionHeads);
  model.read("num_key_value_heads", c.model.numKeyValueHeads);
  model.read("rope_theta", c.model.ropeTheta);
  model.read("max_position_embeddings", c.model.maxPositionEmbeddings);
  model.read("rms_norm_eps", c.model.rmsNormEps);
  model.read("tie_word_embeddings", c.model.tieWordEmbeddings);
  model.read("init_std", c.model.initStd);
  model.finish();

  SectionReader train = root.section("train");
  train.read("steps", c.train.steps);
  train.read("batch_tokens", c.train.batchTokens);
  train.read("seq_length", c.train.seqLength);
  train.read("lr", c.train.lr);
  train.read("min_lr_ratio", c.train.minLrRatio);
  train.read("warmup_steps", c.train.warmupSteps);
  train.read("weight_decay", c.train.weightDecay);
  train.read("beta1", c.train.beta1);
  train.read("beta2", c.train.beta2);
  train.read("eps", c.train.eps);
  train.read("clip_norm", c.train.clipNorm);
  train.read("max_wall_minutes", c.train.maxWallMinutes);
  train.read("log_every", c.train.logEvery);
  train.read("batch_utterances", c.train.batchUtterances);
  train.read("epochs", c.train.epochs);
  train.read("length_buckets", c.train.lengthBuckets);
  train.finish();

  SectionReader probe = root.section("probe");
  probe.read("every", c.probe.every);
  probe.read("windows", c.probe.windows);
  probe.read("heldout_windows", c.probe.heldoutWindows);
  probe.read("threshold", c.probe.threshold);
  probe.read("min_queries", c.probe.minQueries);
  probe.finish();

  SectionReader checkpoint = root.section("checkpoint");
  checkpoint.read("every", c.checkpoint.every);
  checkpoint.read("keep", c.checkpoint.keep);
  checkpoint.read("average_last", c.checkpoint.averageLast);
  checkpoint.finish();

  SectionReader ctc = root.section("ctc");
  ctc.read("corpus_dir", c.ctc.corpusDir);
  ctc.read("modality", c.ctc.modality);
  ctc.read("encoder", c.ctc.encoder);
  ctc.read("eval_utterances", c.ctc.evalUtterances);
  ctc.read("noise_snr_db", c.ctc.noiseSnrDb);
  ctc.read("noise_kind", c.ctc.noiseKind);
  ctc.read("convolutions", c.ctc.convolutions);
  ctc.read("units", c.ctc.units);
  ctc.finish();

  SectionReader avsr = root.section("avsr");
  avsr.read("corpus_dir", c.avsr.corpusDir);
  avsr.read("llm", c.avsr.llm);
  avsr.read("audio_encoder", c.avsr.audioEncoder);
  avsr.read("video_encoder", c.avsr.videoEncoder);
  avsr.read("modality", c.avsr.modality);
  avsr.read("audio_compression", c.avsr.audioCompression);
  avsr.read("audio_rate", c.avsr.audioRate);
  avsr.read("video_compression", c.avsr.videoCompression);
  avsr.read("video_rate", c.avsr.videoRate);
  avsr.read("projector_hidden", c.avsr.projectorHidden);
  avsr.read("projector_layer_norm", c.avsr.projectorLayerNorm);
  avsr.read("lora_reduction", c.avsr.loraReduction);
  avsr.read("lora_alpha", c.avsr.loraAlpha);
  avsr.read("noise_snr_db", c.avsr.noiseSnrDb);
  avsr.read("noise_kind", c.avsr.noiseKind);
  avsr.read("eval_utterances", c.avsr.evalUtterances);
  avsr.read("probe_utterances", c.avsr.probeUtterances);
  avsr.read("max_new_tokens", c.avsr.maxNewTokens);
  avsr.read("num_beams", c.avsr.numBeams);
  avsr.read("video_cache", c.avsr.videoCache);
  avsr.finish();

  root.finish();
  c.validate(source);
  return c;
}

void TrainConfig::validate(const std::string& src) const {
  require(stage == "lm" || stage == "ctc" || stage == "avsr", src, "stage",
          "must be \"lm\" (text pretraining), \"ctc\" (encoder pretraining) or \"avsr\" (fine-tuning), found \"" +
              stage + "\"");
  require(!outDir.empty(), src, "out_dir", "is missing");
  require(dtype == "fp32" || dtype == "float32", src, "dtype",
          "must be fp32 (training runs in float32; export_dtype sets the saved precision), found \"" + dtype + "\"");
  require(exportDtype == "fp32" || exportDtype == "fp16" || exportDtype == "bf16", src, "export_dtype",
          "must be fp32, fp16 or bf16, found \"" + exportDtype + "\"");
  require(threads >= 0, src, "threads", "must be >= 0" + found(threads));
  require(decorrelationLambda >= 0, src, "decorrelation_lambda", "must be >= 0" + found(decorrelationLambda));

  require(stage != "lm" || !data.wordnetDir.empty() || !data.fortunesDir.empty() || !data.textFiles.empty(), src, "data",
          "needs at least one of wordnet_dir, fortunes_dir, text_files");
  require(data.drillFraction >= 0 && data.drillFraction <= 1, src, "data.drill_fraction",
          "must be in [0, 1]" + found(data.drillFraction));
  require(data.drillSpelling >= 0 && data.drillSpelling <= 1, src, "data.drill_spelling",
          "must be in [0, 1]" + found(data.drillSpelling));
  require(data.drillCharErrors >= 0 && data.drillCharErrors <= 0.5, src, "data.drill_char_errors",
          "must be in [0, 0.5]" + found(data.drillCharErrors));
  require(data.drillCharErrors == 0 || data.drillSpelling > 0, src, "data.drill_char_errors",
          "needs spelling drills (data.drill_spelling > 0)" + found(data.drillCharErrors));
  require(data.drillPhonemes.empty() || data.drillSpelling > 0, src, "data.drill_phonemes",
          "needs spelling drills (data.drill_spelling > 0), whose spans it spells in phonemes");
  require(data.heldoutBuckets >= 1 && data.heldoutBuckets <= 50, src, "data.heldout_buckets",
          "must be in [1, 50]" + found(data.heldoutBuckets));

  require(tokenizer.vocabSize >= 512 && tokenizer.vocabSize <= 1 << 20, src, "tokenizer.vocab_size",
          "must be in [512, 1048576]" + found(static_cast<double>(tokenizer.vocabSize)));
  require(tokenizer.minFrequency >= 1, src, "tokenizer.min_frequency", "must be >= 1" + found(static_cast<double>(tokenizer.minFrequency)));

  require(model.hiddenSize > 0, src, "model.hidden_size", "must be > 0" + found(static_cast<double>(model.hiddenSize)));
  require(model.intermediateSize >= 0, src, "model.intermediate_size", "must be >= 0 (0: automatic)" + found(static_cast<double>(model.intermediateSize)));
  require(model.numHiddenLayers >= 1, src, "model.num_hidden_layers", "must be >= 1" + found(model.numHiddenLayers));
  require(model.numAttentionHeads >= 1 && model.hiddenSize % model.numAttentionHeads == 0, src,
          "model.num_attention_heads", "must divide model.hidden_size (" + std::to_string(model.hiddenSize) + ")" +
              found(model.numAttentionHeads));
  require(model.numKeyValueHeads >= 0 && (model.numKeyValueHeads == 0 || model.numAttentionHeads % model.numKeyValueHeads == 0),
          src, "model.num_key_value_heads", "must divide model.num_attention_heads (0: equal)" + found(model.numKeyValueHeads));
  require((model.hiddenSize / model.numAttentionHeads) % 2 == 0, src, "model.num_attention_heads",
          "must leave an even head dim for rotary positions");
  require(model.ropeTheta > 0, src, "model.rope_theta", "must be > 0" + found(model.ropeTheta));
  require(model.rmsNormEps > 0, src, "model.rms_norm_eps", "must be > 0" + found(model.rmsNormEps));
  require(model.initStd > 0, src, "model.init_std", "must be > 0" + found(model.initStd));
  require(model.maxPositionEmbeddings >= train.seqLength, src, "model.max_position_embeddings",
          "must be >= train.seq_length (" + std::to_string(train.seqLength) + ")" +
              found(static_cast<double>(model.maxPositionEmbeddings)));

  require(train.steps >= 0, src, "train.steps", "must be >= 0" + found(static_cast<double>(train.steps)));
  require(train.steps > 0 || train.maxWallMinutes > 0, src, "train.steps",
          "may be 0 (fit to the time budget) only with train.max_wall_minutes > 0");
  require(train.seqLength >= 2, src, "train.seq_length", "must be >= 2" + found(static_cast<double>(train.seqLength)));
  require(train.batchTokens >= train.seqLength && train.batchTokens % train.seqLength == 0, src, "train.batch_tokens",
          "must be a positive multiple of train.seq_length (" + std::to_string(train.seqLength) + ")" +
              found(static_cast<double>(train.batchTokens)));
  require(train.lr > 0, src, "train.lr", "must be > 0" + found(train.lr));
  require(train.minLrRatio >= 0 && train.minLrRatio <= 1, src, "train.min_lr_ratio", "must be in [0, 1]" + found(train.minLrRatio));
  require(train.warmupSteps >= 0 && (train.steps == 0 || train.warmupSteps < train.steps), src, "train.warmup_steps",
          "must be >= 0 and below train.steps" + found(static_cast<double>(train.warmupSteps)));
  require(train.weightDecay >= 0, src, "train.weight_decay", "must be >= 0" + found(train.weightDecay));
  require(train.beta1 >= 0 && train.beta1 < 1, src, "train.beta1", "must be in [0, 1)" + found(train.beta1));
  require(train.beta2 >= 0 && train.beta2 < 1, src, "train.beta2", "must be in [0, 1)" + found(train.beta2));
  require(train.eps > 0, src, "train.eps", "must be > 0" + found(train.eps));
  require(train.clipNorm >= 0, src, "train.clip_norm", "must be >= 0 (0: off)" + found(train.clipNorm));
  require(train.maxWallMinutes >= 0, src, "train.max_wall_minutes", "must be >= 0 (0: no limit)" + found(train.maxWallMinutes));
  require(train.logEvery >= 1, src, "train.log_every", "must be >= 1" + found(static_cast<double>(train.logEvery)));

  require(probe.every >= 0, src, "probe.every", "must be >= 0 (0: off)" + found(static_cast<double>(probe.every)));
  require(probe.windows >= 1, src, "probe.windows", "must be >= 1" + found(probe.windows));
  require(probe.heldoutWindows >= probe.windows, src, "probe.heldout_windows",
          "must be >= probe.windows (" + std::to_string(probe.windows) + ")" + found(probe.heldoutWindows));
  require(probe.threshold > 0 && probe.threshold < 1, src, "probe.threshold", "must be in (0, 1)" + found(probe.threshold));
  require(probe.minQueries >= 1 && (stage != "lm" || probe.minQueries < train.seqLength), src, "probe.min_queries",
          "must be in [1, train.seq_length)" + found(probe.minQueries));

  require(train.batchUtterances >= 1, src, "train.batch_utterances", "must be >= 1" + found(static_cast<double>(train.batchUtterances)));
  require(train.epochs >= 0, src, "train.epochs", "must be >= 0 (0: train.steps counts)" + found(train.epochs));
  require(train.lengthBuckets >= 0, src, "train.length_buckets",
          "must be >= 0 (0: random batches)" + found(static_cast<double>(train.lengthBuckets)));

  auto checkNoise = [&](const std::string& section, const std::vector<std::optional<double>>& snrs,
                        const std::string& kind) {
    for (const auto& snr : snrs) {
      require(!snr || (*snr >= -30 && *snr <= 60), src, section + ".noise_snr_db", "must hold dB in [-30, 60] or null");
    }
    require(kind == "babble" || kind == "white" || kind == "both", src, section + ".noise_kind",
            "must be babble, white or both, found \"" + kind + "\"");
  };
  if (stage == "ctc") {
    require(!ctc.corpusDir.empty(), src, "ctc.corpus_dir", "is missing");
    require(ctc.modality == "audio" || ctc.modality == "video", src, "ctc.modality",
            "must be audio or video, found \"" + ctc.modality + "\"");
    require(!ctc.encoder.empty(), src, "ctc.encoder",
            "must give the encoder's config.json keys (d_model, encoder_layers, ... or encoder_embed_dim, ...)");
    require(ctc.evalUtterances >= 1, src, "ctc.eval_utterances", "must be >= 1");
    checkNoise("ctc", ctc.noiseSnrDb, ctc.noiseKind);
    require(ctc.convolutions == "auto" || ctc.convolutions == "onednn" || ctc.convolutions == "native", src,
            "ctc.convolutions", "must be auto, onednn or native, found \"" + ctc.convolutions + "\"");
    require(!ctc.units.empty(), src, "ctc.units", "must be \"characters\", \"phonemes:\" and a phoneme table's path, or the path of a tokenizer.json");
  }
  if (stage == "avsr") {
    require(!avsr.corpusDir.empty(), src, "avsr.corpus_dir", "is missing");
    require(!avsr.llm.empty(), src, "avsr.llm", "is missing (an lm-stage export/)");
    require(avsr.modality == "asr" || avsr.modality == "vsr" || avsr.modality == "avsr", src, "avsr.modality",
            "must be asr, vsr or avsr, found \"" + avsr.modality + "\"");
    require(avsr.modality == "vsr" || !avsr.audioEncoder.empty(), src, "avsr.audio_encoder",
            "is needed for modality " + avsr.modality);
    require(avsr.modality == "asr" || !avsr.videoEncoder.empty(), src, "avsr.video_encoder",
            "is needed for modality " + avsr.modality);
    for (const auto& [key, mode] : {std::pair<std::string, std::string>{"avsr.audio_compression", avsr.audioCompression},
                                    {"avsr.video_compression", avsr.videoCompression}}) {
      require(mode == "stack" || mode == "avg-pooling", src, key, "must be stack or avg-pooling, found \"" + mode + "\"");
    }
    require(avsr.audioRate >= 1, src, "avsr.audio_rate", "must be >= 1" + found(avsr.audioRate));
    require(avsr.videoRate >= 1, src, "avsr.video_rate", "must be >= 1" + found(avsr.videoRate));
    require(avsr.projectorHidden >= 1, src, "avsr.projector_hidden", "must be >= 1" + found(avsr.projectorHidden));
    require(avsr.loraReduction >= 0, src, "avsr.lora_reduction", "must be >= 0 (0: no LoRA)" + found(avsr.loraReduction));
    require(avsr.loraAlpha > 0, src, "avsr.lora_alpha", "must be > 0" + found(avsr.loraAlpha));
    require(avsr.evalUtterances >= 1, src, "avsr.eval_utterances", "must be >= 1");
    require(avsr.probeUtterances >= 1, src, "avsr.probe_utterances", "must be >= 1");
    require(avsr.maxNewTokens >= 1, src, "avsr.max_new_tokens", "must be >= 1");
    require(avsr.numBeams >= 1, src, "avsr.num_beams", "must be >= 1");
    checkNoise("avsr", avsr.noiseSnrDb, avsr.noiseKind);
  }

  require(checkpoint.every >= 0, src, "checkpoint.every", "must be >= 0 (0: only at the end)" + found(static_cast<double>(checkpoint.every)));
  require(checkpoint.keep >= 1, src, "checkpoint.keep", "must be >= 1" + found(checkpoint.keep));
  require(checkpoint.averageLast >= 1 && checkpoint.averageLast <= checkpoint.keep, src, "checkpoint.average_last",
          "must be in [1, checkpoint.keep]" + found(checkpoint.averageLast));
}

std::int64_t TrainConfig::intermediateSize() const {
  if (model.intermediateSize > 0) return model.intermediateSize;
  const std::int64_t wanted = (8 * model.hiddenSize + 2) / 3;
  return (wanted + 63) / 64 * 64;
}

nlohmann::json TrainConfig::normalized(const nlohmann::json& saved) {
  return fromJson(saved, "train_config.json").toJson();
}

nlohmann::json TrainConfig::toJson() const {
  return {{"stage", stage},
          {"seed", seed},
          {"out_dir", outDir},
          {"device", device},
          {"dtype", dtype},
          {"threads", threads},
          {"allow_tf32", allowTf32},
          {"export_dtype", exportDtype},
          {"decorrelation_lambda", decorrelationLambda},
          {"init_from", initFrom},
          {"data",
           {{"wordnet_dir", data.wordnetDir},
            {"fortunes_dir", data.fortunesDir},
            {"text_files", data.textFiles},
            {"heldout_buckets", data.heldoutBuckets},
            {"tokenizer", data.tokenizer},
            {"drill_fraction", data.drillFraction},
            {"drill_spelling", data.drillSpelling},
            {"drill_char_errors", data.drillCharErrors},
            {"drill_phonemes", data.drillPhonemes}}},
          {"tokenizer", {{"vocab_size", tokenizer.vocabSize}, {"min_frequency", tokenizer.minFrequency}}},
          {"model",
           {{"hidden_size", model.hiddenSize},
            {"intermediate_size", model.intermediateSize},
            {"num_hidden_layers", model.numHiddenLayers},
            {"num_attention_heads", model.numAttentionHeads},
            {"num_key_value_heads", model.numKeyValueHeads},
            {"rope_theta", model.ropeTheta},
            {"max_position_embeddings", model.maxPositionEmbeddings},
            {"rms_norm_eps", model.rmsNormEps},
            {"tie_word_embeddings", model.tieWordEmbeddings},
            {"init_std", model.initStd}}},
          {"train",
           {{"steps", train.steps},
            {"batch_tokens", train.batchTokens},
            {"seq_length", train.seqLength},
            {"lr", train.lr},
            {"min_lr_ratio", train.minLrRatio},
            {"warmup_steps", train.warmupSteps},
            {"weight_decay", train.weightDecay},
            {"beta1", train.beta1},
            {"beta2", train.beta2},
            {"eps", train.eps},
            {"clip_norm", train.clipNorm},
            {"max_wall_minutes", train.maxWallMinutes},
            {"log_every", train.logEvery},
            {"batch_utterances", train.batchUtterances},
            {"epochs", train.epochs},
            {"length_buckets", train.lengthBuckets}}},
          {"probe",
           {{"every", probe.every},
            {"windows", probe.windows},
            {"heldout_windows", probe.heldoutWindows},
            {"threshold", probe.threshold},
            {"min_queries", probe.minQueries}}},
          {"checkpoint", {{"every", checkpoint.every}, {"keep", checkpoint.keep}, {"average_last", checkpoint.averageLast}}},
          {"ctc",
           {{"corpus_dir", ctc.corpusDir},
            {"modality", ctc.modality},
            {"encoder", ctc.encoder},
            {"eval_utterances", ctc.evalUtterances},
            {"noise_snr_db", snrList(ctc.noiseSnrDb)},
            {"noise_kind", ctc.noiseKind},
            {"convolutions", ctc.convolutions},
            {"units", ctc.units}}},
          {"avsr",
           {{"corpus_dir", avsr.corpusDir},
            {"llm", avsr.llm},
            {"audio_encoder", avsr.audioEncoder},
            {"video_encoder", avsr.videoEncoder},
            {"modality", avsr.modality},
            {"audio_compression", avsr.audioCompression},
            {"audio_rate", avsr.audioRate},
            {"video_compression", avsr.videoCompression},
            {"video_rate", avsr.videoRate},
            {"projector_hidden", avsr.projectorHidden},
            {"projector_layer_norm", avsr.projectorLayerNorm},
            {"lora_reduction", avsr.loraReduction},
            {"lora_alpha", avsr.loraAlpha},
            {"noise_snr_db", snrList(avsr.noiseSnrDb)},
            {"noise_kind", avsr.noiseKind},
            {"eval_utterances", avsr.evalUtterances},
            {"probe_utterances", avsr.probeUtterances},
            {"max_new_tokens", avsr.maxNewTokens},
            {"num_beams", avsr.numBeams},
            {"video_cache", avsr.videoCache}}}};
}

void TrainConfig::applyOverride(const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError("override '" + assignment + "' must look like key=value (e.g. train.lr=0.001)");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::parse_error&) {
    value = text;
  }
  json document = toJson();
  json* node = &document;
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) {
      throw ConfigError("override: key '" + key + "' is not a known key");
    }
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  *node = value;
  const std::string keep = source;
  *this = fromJson(document, keep + " (with " + key + " overridden)");
  source = keep;
}

}  // namespace sinkscope
