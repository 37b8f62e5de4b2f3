// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "core/model/LlamaForCausalLM.h"
#include "core/model/LlamaKvCache.h"
#include "core/model/LlamaRotary.h"
#include "core/model/TapRecorder.h"
#include "support/LlamaFixture.h"

#include <QtTest>

#include <cstdio>
#include <filesystem>

#include "core/base/Error.h"
#include "core/base/InterventionSpec.h"

using namespace sinkscope;
using sinkscope::testing::expectedTensor;
using sinkscope::testing::llamaVariantDir;
using sinkscope::testing::relativeError;

namespace {

constexpr double kFp32Tolerance = 1e-5;
constexpr double kLowPrecisionTolerance = 1e-2;

torch::Tensor toTorch(const HostTensor& host) {
  return torch::from_blob(const_cast<float*>(host.values.data()), host.shape, torch::kFloat32).clone();
}

torch::Tensor fixtureIds(const std::string& variant) {
  return expectedTensor(variant + ".input_ids").to(torch::kInt64).unsqueeze(0);  // [1, T]
}

// A config.json text with one key replaced (or removed when value is null).
std::string editedConfig(const std::string& key, const nlohmann::json& value) {
  std::ifstream in(llamaVariantDir("tiny-llama") + "/config.json");
  nlohmann::json config = nlohmann::json::parse(in);
  if (value.is_null()) {
    config.erase(key);
  } else {
    config[key] = value;
  }
  return config.dump();
}

void expectConfigError(const std::string& text, const std::string& mustMention) {
  try {
    LlamaConfig::fromJsonText(text, "config.json");
    QFAIL(("no ConfigError for a config that must mention " + mustMention).c_str());
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    if (message.find(mustMention) == std::string::npos) {
      QFAIL(("message '" + message + "' does not name '" + mustMention + "'").c_str());
    }
  }
}

}  // namespace

class LlamaTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { torch::set_num_threads(2); }

  void configReadsHfDirectories() {
    const auto scaled = LlamaConfig::fromJson(llamaVariantDir("tiny-llama") + "/config.json");
    QCOMPARE(scaled.vocabSize, std::int64_t(300));
    QCOMPARE(scaled.hiddenSize, std::int64_t(64));
    QCOMPARE(scaled.numHiddenLayers, 3);
    QCOMPARE(scaled.numAttentionHeads, 4);
    QCOMPARE(scaled.numKeyValueHeads, 2);
    QCOMPARE(scaled.headDim, std::int64_t(16));
    QVERIFY(scaled.ropeScaling == LlamaConfig::RopeScaling::Llama3);
    QCOMPARE(scaled.ropeFactor, 8.0);
    QCOMPARE(scaled.ropeOriginalMaxPositions, std::int64_t(16));
    QVERIFY(!scaled.tieWordEmbeddings);
    QCOMPARE(scaled.eosTokenIds, std::vector<std::int64_t>{2});

    const auto tied = LlamaConfig::fromJson(llamaVariantDir("tiny-llama-tied") + "/config.json");
    QVERIFY(tied.tieWordEmbeddings);
    QVERIFY(tied.ropeScaling == LlamaConfig::RopeScaling::None);
    QCOMPARE(tied.numKeyValueHeads, 1);
    QCOMPARE(tied.rmsNormEps, 1e-6);
  }

  void configDefaultsAndVariants() {
    // Llama 2 style: no num_key_value_heads, no head_dim.
    auto text = editedConfig("num_key_value_heads", nullptr);
    auto config = LlamaConfig::fromJsonText(text, "config.json");
    QCOMPARE(config.numKeyValueHeads, 4);
    QCOMPARE(config.headDim, std::int64_t(16));
    // Llama 3 style: a list of EOS ids; the older "type" spelling of rope_type.
    config = LlamaConfig::fromJsonText(editedConfig("eos_token_id", {2, 5, 7}), "config.json");
    QCOMPARE(config.eosTokenIds, (std::vector<std::int64_t>{2, 5, 7}));
    config = LlamaConfig::fromJsonText(
        editedConfig("rope_scaling", {{"type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                                      {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}}),
        "config.json");
    QVERIFY(config.ropeScaling == LlamaConfig::RopeScaling::Llama3);
    QCOMPARE(config.ropeOriginalMaxPositions, std::int64_t(8192));
  }

  void configErrorsNameTheKey() {
    expectConfigError(editedConfig("hidden_size", nullptr), "hidden_size");
    expectConfigError(editedConfig("num_attention_heads", "four"), "num_attention_heads");
    expectConfigError(editedConfig("num_key_value_heads", 3), "num_key_value_heads");
    expectConfigError(editedConfig("hidden_act", "gelu"), "hidden_act");
    expectConfigError(editedConfig("rope_scaling", {{"rope_type", "yarn"}, {"factor", 4.0}}), "rope_scaling");
    expectConfigError(editedConfig("rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}}),
                      "low_freq_factor");
    expectConfigError(editedConfig("eos_token_id", "x"), "eos_token_id");
    expectConfigError(editedConfig("tie_word_embeddings", 1), "tie_word_embeddings");
    expectConfigError("{not json", "config.json");
    // Accepted spellings.
    auto linear = LlamaConfig::fromJsonText(
        editedConfig("rope_scaling", {{"type", "linear"}, {"factor", 2.0}}), "c");
    QVERIFY(linear.ropeScaling == LlamaConfig::RopeScaling::Linear);
    QCOMPARE(linear.ropeFactor, 2.0);
  }

  void rotaryFrequenciesMatchHf_data() {
    QTest::addColumn<QString>("variant");
    QTest::newRow("llama3-scaled") << "tiny-llama";
    QTest::newRow("unscaled") << "tiny-llama-tied";
  }
  void rotaryFrequenciesMatchHf() {
    QFETCH(QString, variant);
    const auto config = LlamaConfig::fromJson(llamaVariantDir(variant.toStdString()) + "/config.json");
    const LlamaRotary rotary(config);
    const auto expected = expectedTensor(variant.toStdString() + ".rotary.inv_freq");
    const double maxDiff = (rotary.invFreq() - expected).abs().max().item<double>();
    qInfo("%s inv_freq max |diff| = %.3g", qPrintable(variant), maxDiff);
    QVERIFY(maxDiff <= 1e-9);
    if (config.ropeScaling == LlamaConfig::RopeScaling::Llama3) {
      // The scaling must matter for this fixture, or the test proves nothing.
      LlamaConfig plain = config;
      plain.ropeScaling = LlamaConfig::RopeScaling::None;
      QVERIFY((LlamaRotary(plain).invFreq() - expected).abs().max().item<double>() > 1e-3);
    }
  }

  void forwardMatchesHf_data() {
    QTest::addColumn<QString>("variant");
    QTest::newRow("tiny-llama") << "tiny-llama";
    QTest::newRow("tiny-llama-tied") << "tiny-llama-tied";
  }
  void forwardMatchesHf() {
    QFETCH(QString, variant);
    const std::string name = variant.toStdString();
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir(name));
    const auto taps = model->capture(LlamaInput::ids(fixtureIds(name)), CaptureSpec::everything());

    std::vector<std::string> keys = {"logits", "hook_embed", "ln_final.hook_normalized"};
    for (int l = 0; l < model->config().numHiddenLayers; ++l) {
      for (const char* suffix : {"attn.hook_pattern", "hook_resid_post", "hook_mlp_out", "hook_attn_out"}) {
        keys.push_back("blocks." + std::to_string(l) + "." + suffix);
      }
    }
    double worst = 0.0;
    for (const auto& key : keys) {
      QVERIFY2(taps.count(key) == 1, key.c_str());
      const auto expected = expectedTensor(name + "." + key);
      const auto actual = toTorch(taps.at(key));
      QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
      const double error = relativeError(actual, expected);
      qInfo("%s fp32 %-32s rel err %.3g", name.c_str(), key.c_str(), error);
      worst = std::max(worst, error);
      QVERIFY2(error <= kFp32Tolerance, key.c_str());
    }
    qInfo("%s fp32 max relative error over all taps: %.3g", name.c_str(), worst);

    // Plain forward (no recorder) gives the same logits, and hands out the residual
    // stream on the device when asked.
    c10::InferenceMode inference;
    std::vector<torch::Tensor> residuals;
    LlamaForwardOptions options;
    options.residuals = &residuals;
    const auto logits = model->forward(LlamaInput::ids(fixtureIds(name)), options);
    QVERIFY(relativeError(logits[0], expectedTensor(name + ".logits")) <= kFp32Tolerance);
    QCOMPARE(int(residuals.size()), model->config().numHiddenLayers);
    for (int l = 0; l < model->config().numHiddenLayers; ++l) {
      const auto expected = expectedTensor(name + ".blocks." + std::to_string(l) + ".hook_resid_post");
      QVERIFY(relativeError(residuals[static_cast<std::size_t>(l)][0], expected) <= kFp32Tolerance);
    }
  }

  void embeddingsInputMatchesIds() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    c10::InferenceMode inference;
    const auto ids = fixtureIds("tiny-llama");
    const auto fromIds = model->forward(LlamaInput::ids(ids));
    const auto fromEmbeds = model->forward(LlamaInput::embeds(model->embed(ids)));
    QCOMPARE(relativeError(fromEmbeds, fromIds), 0.0);
    // Explicit positions equal to the default ones change nothing; shifted ones do.
    LlamaInput positioned = LlamaInput::ids(ids);
    positioned.positionIds = torch::arange(ids.size(1), torch::kInt64).unsqueeze(0);
    QCOMPARE(relativeError(model->forward(positioned), fromIds), 0.0);
    // RoPE sees relative positions: a uniform shift changes (almost) nothing, a gap does.
    positioned.positionIds = positioned.positionIds + 5;
    QVERIFY(relativeError(model->forward(positioned), fromIds) <= kFp32Tolerance);
    positioned.positionIds = positioned.positionIds + 7 * (positioned.positionIds >= 15);
    QVERIFY(relativeError(model->forward(positioned), fromIds) > 1e-3);
  }

  void kvCacheMatchesFullPass_data() {
    QTest::addColumn<QString>("variant");
    QTest::newRow("tiny-llama") << "tiny-llama";
    QTest::newRow("tiny-llama-tied") << "tiny-llama-tied";
  }
  void kvCacheMatchesFullPass() {
    QFETCH(QString, variant);
    const std::string name = variant.toStdString();
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir(name));
    c10::InferenceMode inference;
    const auto ids = fixtureIds(name);
    const auto length = ids.size(1);
    const auto full = model->forward(LlamaInput::ids(ids));  // [1, T, V]

    LlamaKvCache cache(model->config().numHiddenLayers);
    LlamaForwardOptions options;
    options.cache = &cache;
    const int prefix = 7;
    std::vector<torch::Tensor> pieces = {model->forward(LlamaInput::ids(ids.narrow(1, 0, prefix)), options)};
    // One chunk of three, then token by token.
    pieces.push_back(model->forward(LlamaInput::ids(ids.narrow(1, prefix, 3)), options));
    for (std::int64_t t = prefix + 3; t < length; ++t) {
      pieces.push_back(model->forward(LlamaInput::ids(ids.narrow(1, t, 1)), options));
    }
    QCOMPARE(cache.length(), length);
    const double error = relativeError(torch::cat(pieces, 1), full);
    qInfo("%s KV-cached incremental vs full logits rel err %.3g", name.c_str(), error);
    QVERIFY(error <= kFp32Tolerance);
  }

  void leftPaddedBatchMatchesSingle() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    c10::InferenceMode inference;
    const auto ids = fixtureIds("tiny-llama");
    const int pad = 5;
    const auto shortIds = ids.narrow(1, 0, ids.size(1) - pad);
    // Row 0: the full sequence; row 1: the short one left-padded with token 0.
    LlamaInput batch = LlamaInput::ids(torch::cat({ids, torch::cat({torch::zeros({1, pad}, torch::kInt64), shortIds}, 1)}, 0));
    batch.attentionMask = torch::ones({2, ids.size(1)}, torch::kInt64);
    batch.attentionMask.index_put_({1, torch::indexing::Slice(0, pad)}, 0);
    const auto logits = model->forward(batch);
    QVERIFY(torch::isfinite(logits).all().item<bool>());

    const auto fullAlone = model->forward(LlamaInput::ids(ids));
    const auto shortAlone = model->forward(LlamaInput::ids(shortIds));
    const double fullError = relativeError(logits[0], fullAlone[0]);
    const double shortError = relativeError(logits[1].narrow(0, pad, shortIds.size(1)), shortAlone[0]);
    qInfo("left-padded batch vs single: rel err %.3g (full row), %.3g (padded row)", fullError, shortError);
    QVERIFY(fullError <= kFp32Tolerance);
    QVERIFY(shortError <= kFp32Tolerance);

    // Cached decoding continues the padded batch with a growing mask.
    LlamaKvCache cache(model->config().numHiddenLayers);
    LlamaForwardOptions options;
    options.cache = &cache;
    LlamaInput prefix = batch;
    prefix.inputIds = batch.inputIds.narrow(1, 0, ids.size(1) - 1);
    prefix.attentionMask = batch.attentionMask.narrow(1, 0, ids.size(1) - 1);
    model->forward(prefix, options);
    LlamaInput last = LlamaInput::ids(batch.inputIds.narrow(1, ids.size(1) - 1, 1));
    last.attentionMask = batch.attentionMask;
    const auto stepLogits = model->forward(last, options);
    QVERIFY(relativeError(stepLogits.select(1, 0), logits.select(1, ids.size(1) - 1)) <= kFp32Tolerance);
  }

  void causalBlocksMatchTheFullPattern() {
    // Inference without attention taps takes the queries in causal blocks (from 128
    // tokens on); with autograd on, the full score matrix is made. Both must agree, for
    // a plain prompt, a left-padded batch and a prefill that continues a cache. Head
    // size 24 makes 1/sqrt(Dh) inexact, so the scale's placement is exercised too.
    LlamaConfig config;
    config.vocabSize = 97;
    config.hiddenSize = 96;
    config.intermediateSize = 160;
    config.numHiddenLayers = 2;
    config.numAttentionHeads = 4;
    config.numKeyValueHeads = 2;
    config.headDim = 24;
    config.maxPositionEmbeddings = 512;
    torch::manual_seed(11);
    LlamaForCausalLM model(config);
    model->eval();
    {
      // Larger queries and keys than the default init: peaked attention, so what is
      // masked matters.
      torch::NoGradGuard noGrad;
      for (auto& item : model->named_parameters()) {
        if (item.key().find("q_proj") != std::string::npos || item.key().find("k_proj") != std::string::npos) {
          item.value().mul_(4.0);
        }
      }
    }
    const std::int64_t length = 200, pad = 37, past = 50;
    const torch::Tensor ids = torch::randint(config.vocabSize, {2, length}, torch::kInt64);
    LlamaInput padded = LlamaInput::ids(ids);
    padded.attentionMask = torch::ones({2, length}, torch::kInt64);
    padded.attentionMask.index_put_({1, torch::indexing::Slice(0, pad)}, 0);

    const torch::Tensor plainFull = model->forward(LlamaInput::ids(ids.narrow(0, 0, 1))).detach();
    const torch::Tensor paddedFull = model->forward(padded).detach();
    QVERIFY(torch::GradMode::is_enabled());

    c10::InferenceMode inference;
    const torch::Tensor plain = model->forward(LlamaInput::ids(ids.narrow(0, 0, 1)));
    const torch::Tensor batch = model->forward(padded);
    LlamaKvCache cache(config.numHiddenLayers);
    LlamaForwardOptions options;
    options.cache = &cache;
    model->forward(LlamaInput::ids(ids.narrow(0, 0, 1).narrow(1, 0, past)), options);
    const torch::Tensor continued = model->forward(LlamaInput::ids(ids.narrow(0, 0, 1).narrow(1, past, length - past)), options);

    const double plainError = relativeError(plain, plainFull);
    const double batchError = relativeError(batch.narrow(1, pad, length - pad), paddedFull.narrow(1, pad, length - pad));
    const double cacheError = relativeError(continued, plainFull.narrow(1, past, length - past));
    qInfo("causal blocks vs full pattern: rel err %.3g (prompt), %.3g (padded batch), %.3g (after a cache)", plainError,
          batchError, cacheError);
    QVERIFY(plainError <= kFp32Tolerance);
    QVERIFY(batchError <= kFp32Tolerance);
    QVERIFY(cacheError <= kFp32Tolerance);
    // Fully padded query rows stay finite, as in the full path.
    QVERIFY(torch::isfinite(batch).all().item<bool>());

    // Captures: the blocks assemble the whole pattern, or only the column sums when
    // just hook_received is wanted. An empty intervention list forces the full path,
    // the reference.
    const LlamaInput prompt = LlamaInput::ids(ids.narrow(0, 0, 1));
    const InterventionSpec none;
    CaptureSpec receivedOnly;
    receivedOnly.patterns = {"blocks.*.attn.hook_received", "logits"};
    const std::vector<std::pair<CaptureSpec, std::string>> cases = {{CaptureSpec::everything(), "blocks.1.attn.hook_pattern"},
                                                                     {receivedOnly, "blocks.1.attn.hook_received"}};
    for (const auto& [spec, attentionTap] : cases) {
      const auto blocks = model->capture(prompt, spec);
      const auto full = model->capture(prompt, spec, "", &none);
      QCOMPARE(blocks.size(), full.size());
      for (const auto& [name, expected] : full) {
        QVERIFY2(blocks.count(name) == 1, name.c_str());
        const double error = relativeError(toTorch(blocks.at(name)), toTorch(expected));
        QVERIFY2(error <= kFp32Tolerance, (name + " " + std::to_string(error)).c_str());
      }
      QVERIFY(full.count(attentionTap) == 1);
    }
  }

  void captureSpecFilters() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    const auto ids = fixtureIds("tiny-llama");
    const auto length = ids.size(1);

    CaptureSpec spec = CaptureSpec::fromList(
        "blocks.*.attn.hook_pattern,blocks.*.attn.hook_pattern_mean,blocks.*.attn.hook_received,"
        "blocks.*.hook_mlp_out");
    spec.layers = {0, 2};
    spec.heads = {3, 1};
    const auto taps = model->capture(LlamaInput::ids(ids), spec);
    std::set<std::string> names;
    for (const auto& item : taps) names.insert(item.first);
    const std::set<std::string> wanted = {
        "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_pattern_mean", "blocks.0.attn.hook_received",
        "blocks.0.hook_mlp_out",      "blocks.2.attn.hook_pattern",      "blocks.2.attn.hook_pattern_mean",
        "blocks.2.attn.hook_received", "blocks.2.hook_mlp_out"};
    QCOMPARE(names, wanted);

    for (int layer : {0, 2}) {
      const std::string base = "blocks." + std::to_string(layer) + ".attn.";
      const auto full = expectedTensor("tiny-llama." + base + "hook_pattern");  // [H, T, T]
      const auto pattern = toTorch(taps.at(base + "hook_pattern"));
      QCOMPARE(pattern.sizes().vec(), (std::vector<std::int64_t>{2, length, length}));
      QVERIFY(relativeError(pattern[0], full[3]) <= kFp32Tolerance);
      QVERIFY(relativeError(pattern[1], full[1]) <= kFp32Tolerance);
      QVERIFY(relativeError(toTorch(taps.at(base + "hook_pattern_mean")), full.mean(0)) <= kFp32Tolerance);

      // Sink score from the definition, in float64 loops over the full HF pattern.
      const auto received = toTorch(taps.at(base + "hook_received"));
      QCOMPARE(received.sizes().vec(), (std::vector<std::int64_t>{4, length}));
      const auto a = full.to(torch::kFloat64);
      auto reference = torch::zeros({4, length}, torch::kFloat64);
      for (std::int64_t h = 0; h < 4; ++h) {
        for (std::int64_t k = 0; k < length; ++k) {
          double sum = 0.0;
          for (std::int64_t q = k; q < length; ++q) sum += a[h][q][k].item<double>();
          reference[h][k] = sum / static_cast<double>(length - k);
        }
      }
      const double error = relativeError(received, reference);
      qInfo("layer %d hook_received vs mean over q>=k of HF pattern: rel err %.3g", layer, error);
      QVERIFY(error <= kFp32Tolerance);
    }

    // Nothing wanted, nothing captured; a bad head index is an error.
    QVERIFY(model->capture(LlamaInput::ids(ids), CaptureSpec::none()).empty());
    CaptureSpec badHeads = CaptureSpec::fromList("blocks.0.attn.hook_pattern");
    badHeads.heads = {4};
    QVERIFY_EXCEPTION_THROWN(model->capture(LlamaInput::ids(ids), badHeads), ConfigError);
    // Captures are batch-1.
    QVERIFY_EXCEPTION_THROWN(model->capture(LlamaInput::ids(ids.repeat({2, 1})), spec), ShapeError);
  }

  void recorderPrefixesNames() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama-tied"));
    const auto taps = model->capture(LlamaInput::ids(fixtureIds("tiny-llama-tied")),
                                     CaptureSpec::fromList("audio_encoder.blocks.1.hook_resid_post"),
                                     "audio_encoder.");
    QCOMPARE(taps.size(), std::size_t(1));
    QVERIFY(taps.count("audio_encoder.blocks.1.hook_resid_post") == 1);
  }

  // Reduced precision as transformers runs it: the same upcasts (RMSNorm, softmax in
  // float32), so bf16 lands where HF's bf16 lands. Both sit about 2e-2 from fp32 on
  // these fixtures (bf16 keeps 8 mantissa bits; the fixtures' weights are large), so
  // the distance to fp32 is bounded at 3e-2 and the one to HF's bf16 at 1e-2.
  void lowPrecisionMatchesHf_data() {
    QTest::addColumn<QString>("dtype");
    QTest::newRow("bf16") << "bf16";
    QTest::newRow("fp16") << "fp16";
  }
  void lowPrecisionMatchesHf() {
    QFETCH(QString, dtype);
    Runtime runtime;
    runtime.dtype = Runtime::parseDtype(dtype.toStdString());
    for (const std::string name : {"tiny-llama", "tiny-llama-tied"}) {
      auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir(name), runtime);
      c10::InferenceMode inference;
      torch::Tensor logits;
      try {
        logits = model->forward(LlamaInput::ids(fixtureIds(name)));
      } catch (const c10::Error& e) {
        const std::string first = std::string(e.what_without_backtrace()).substr(0, 120);
        QSKIP(qPrintable(QString("%1 on CPU not supported by this LibTorch: %2")
                             .arg(dtype, QString::fromStdString(first))));
      }
      QCOMPARE(logits.scalar_type(), torch::kFloat32);
      const double toFp32 = relativeError(logits[0], expectedTensor(name + ".logits"));
      qInfo("%s %s logits: rel err %.3g vs fp32", name.c_str(), qPrintable(dtype), toFp32);
      QVERIFY(toFp32 <= 3e-2);
      // HF cannot run fp16 on the CPU, so only bf16 has a recorded reference.
      const std::string hfKey = name + ".logits_" + dtype.toStdString();
      if (sinkscope::testing::llamaExpected()->contains(hfKey)) {
        const double toHf = relativeError(logits[0], expectedTensor(hfKey));
        qInfo("%s %s logits: rel err %.3g vs HF %s", name.c_str(), qPrintable(dtype), toHf, qPrintable(dtype));
        QVERIFY(toHf <= kLowPrecisionTolerance);
      }
    }
  }

  void loraFollowsLlamaAvsrConvention() {
    LlamaConfig config = LlamaConfig::fromJson(llamaVariantDir("tiny-llama") + "/config.json");
    config.lora.reduction = 8;  // inner 64 / 8 = 8
    config.lora.alpha = 4.0;    // scale 4 / 8
    LlamaForCausalLM withLora(config);

    // Names and shapes as the public Llama-AVSR code registers them.
    auto params = withLora->named_parameters();
    const std::string attn = "model.layers.1.self_attn.";
    QCOMPARE(params[attn + "lora_down_Q.weight"].sizes().vec(), (std::vector<std::int64_t>{8, 64}));
    QCOMPARE(params[attn + "lora_up_Q.weight"].sizes().vec(), (std::vector<std::int64_t>{64, 8}));
    QCOMPARE(params[attn + "lora_down_V.weight"].sizes().vec(), (std::vector<std::int64_t>{8, 64}));
    QCOMPARE(params[attn + "lora_up_V.weight"].sizes().vec(), (std::vector<std::int64_t>{32, 8}));
    QVERIFY(params[attn + "lora_up_V.weight"].requires_grad());
    QVERIFY(!params[attn + "q_proj.weight"].requires_grad());
    QVERIFY(!params["lm_head.weight"].requires_grad());
    QCOMPARE((LlamaConfig::Lora{64, 1.0}.innerSize(3072)), std::int64_t(48));
    QCOMPARE((LlamaConfig::Lora{3, 1.0}.innerSize(10)), std::int64_t(3));
    QCOMPARE((LlamaConfig::Lora{4, 1.0}.innerSize(10)), std::int64_t(2));  // 2.5 -> 2, half to even

    // A checkpoint with base + random LoRA weights, written and loaded by name.
    auto base = SafetensorsSet::openDirectory(llamaVariantDir("tiny-llama"));
    SafetensorsWriter writer;
    for (const auto& key : base.keys()) {
      const auto view = base.tensor(key);
      writer.add(key, view.dtype, view.shape, view.data, view.byteSize);
    }
    torch::manual_seed(7);
    std::map<std::string, torch::Tensor> lora;
    for (auto& item : params) {
      if (item.key().find(".lora_") == std::string::npos) continue;
      const auto value = (0.3 * torch::randn(item.value().sizes())).contiguous();
      lora[item.key()] = value;
      writer.add(item.key(), DType::F32, value.sizes().vec(), value.data_ptr(),
                 static_cast<std::size_t>(value.numel()) * sizeof(float));
    }
    const std::string path = QDir::temp().filePath("sinkscope-llama-lora.safetensors").toStdString();
    writer.write(path);
    withLora->loadWeights(SafetensorsSet::openFile(path), "", Runtime{});
    std::remove(path.c_str());

    // Reference: the same model without LoRA, the branches folded into q/v_proj.
    auto folded = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    {
      torch::NoGradGuard noGrad;
      auto foldedParams = folded->named_parameters();
      const double scale = 4.0 / 8.0;
      for (int l = 0; l < config.numHiddenLayers; ++l) {
        const std::string prefix = "model.layers." + std::to_string(l) + ".self_attn.";
        foldedParams[prefix + "q_proj.weight"].add_(
            scale * torch::matmul(lora[prefix + "lora_up_Q.weight"], lora[prefix + "lora_down_Q.weight"]));
        foldedParams[prefix + "v_proj.weight"].add_(
            scale * torch::matmul(lora[prefix + "lora_up_V.weight"], lora[prefix + "lora_down_V.weight"]));
      }
    }
    // Gradients reach the LoRA branches and nothing else.
    const auto ids = fixtureIds("tiny-llama");
    withLora->forward(LlamaInput::ids(ids)).pow(2).mean().backward();
    for (const auto& item : withLora->named_parameters()) {
      const bool isLora = item.key().find(".lora_") != std::string::npos;
      QVERIFY2(item.value().grad().defined() == isLora, item.key().c_str());
    }
    QVERIFY(withLora->named_parameters()[attn + "lora_down_Q.weight"].grad().abs().sum().item<double>() > 0.0);

    c10::InferenceMode inference;
    const auto actual = withLora->forward(LlamaInput::ids(ids));
    const auto expected = folded->forward(LlamaInput::ids(ids));
    const double error = relativeError(actual, expected);
    const double shift = relativeError(expected, expectedTensor("tiny-llama.logits").unsqueeze(0));
    qInfo("LoRA vs folded weights: rel err %.3g (LoRA moves logits by %.3g)", error, shift);
    QVERIFY(error <= kFp32Tolerance);
    QVERIFY(shift > 1e-2);

    // A LoRA model whose checkpoint lacks the branches is refused, naming the key.
    LlamaForCausalLM missing(config);
    try {
      missing->loadWeights(base, "", Runtime{});
      QFAIL("loading a LoRA model from a checkpoint without LoRA weights succeeded");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("lora_") != std::string::npos, e.what());
    }
  }

  void untiedConfigNeedsLmHead() {
    const auto dir = std::filesystem::temp_directory_path() / "sinkscope-llama-untied";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const auto& entry : std::filesystem::directory_iterator(llamaVariantDir("tiny-llama-tied"))) {
      std::filesystem::copy(entry.path(), dir / entry.path().filename());
    }
    std::ifstream in(dir / "config.json");
    auto config = nlohmann::json::parse(in);
    in.close();
    config["tie_word_embeddings"] = false;
    std::ofstream(dir / "config.json") << config.dump();
    try {
      LlamaForCausalLM::fromPretrained(dir.string());
      QFAIL("an untied model loaded without lm_head.weight");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("lm_head.weight") != std::string::npos, e.what());
    }
    std::filesystem::remove_all(dir);
  }

  void badInputsAreRefused() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama-tied"));
    c10::InferenceMode inference;
    QVERIFY_EXCEPTION_THROWN(model->forward(LlamaInput::ids(torch::full({1, 3}, 300, torch::kInt64))),
                             ShapeError);
    QVERIFY_EXCEPTION_THROWN(model->forward(LlamaInput::embeds(torch::randn({1, 3, 31}))), ShapeError);
    QVERIFY_EXCEPTION_THROWN(model->forward(LlamaInput{}), ShapeError);
    LlamaInput masked = LlamaInput::ids(torch::ones({1, 3}, torch::kInt64));
    masked.attentionMask = torch::ones({1, 4}, torch::kInt64);
    QVERIFY_EXCEPTION_THROWN(model->forward(masked), ShapeError);
  }
};

QTEST_GUILESS_MAIN(LlamaTest)
#include "LlamaTest.moc"
