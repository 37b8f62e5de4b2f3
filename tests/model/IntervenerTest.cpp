// Interventions inside the decoder (core/model/Intervener, InterventionSpec): zeroing
// or mean-setting a dim of the residual stream changes exactly that element at its
// layer, nothing before it, and only later positions afterwards (causality); removing
// attention to a key zeroes its column and renormalises the rows; and the cached
// decoding path applies the same edits at the same absolute positions as a full pass.
#include <torch/torch.h>

#include <QtTest>

#include "core/base/Error.h"
#include "core/base/InterventionSpec.h"
#include "core/model/Generator.h"
#include "core/model/LlamaForCausalLM.h"
#include "support/LlamaFixture.h"

using namespace sinkscope;

namespace {

torch::Tensor toTorch(const HostTensor& t) {
  return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32).clone();
}

std::string tap(int layer, const std::string& suffix) { return "blocks." + std::to_string(layer) + "." + suffix; }

torch::Tensor fixtureIds() { return testing::expectedTensor("tiny-llama.input_ids").to(torch::kInt64).reshape({1, -1}); }

}  // namespace

class IntervenerTest : public QObject {
  Q_OBJECT

 private slots:
  void zeroingADimChangesExactlyThatElementThenLaterPositions() {
    auto model = LlamaForCausalLM::fromPretrained(testing::llamaVariantDir("tiny-llama"));
    const int layers = model->config().numHiddenLayers;
    QVERIFY(layers >= 2);
    const auto ids = fixtureIds();
    const int length = static_cast<int>(ids.size(1));
    const int position = 3;
    const int dim = 5;
    const int layer = 0;
    const auto baseline = model->capture(LlamaInput::ids(ids), CaptureSpec::everything());

    InterventionSpec spec;
    spec.dims.push_back({DimIntervention::Mode::Zero, {layer}, {position}, {dim}});
    const auto edited = model->capture(LlamaInput::ids(ids), CaptureSpec::everything(), "", &spec);

    // The edited layer: its sub-blocks ran on the same input; its output differs in
    // exactly one element, which is zero.
    QCOMPARE(testing::relativeError(toTorch(edited.at(tap(layer, "hook_mlp_out"))),
                                    toTorch(baseline.at(tap(layer, "hook_mlp_out")))), 0.0);
    QCOMPARE(testing::relativeError(toTorch(edited.at(tap(layer, "hook_attn_out"))),
                                    toTorch(baseline.at(tap(layer, "hook_attn_out")))), 0.0);
    const torch::Tensor before = toTorch(baseline.at(tap(layer, "hook_resid_post")));
    const torch::Tensor after = toTorch(edited.at(tap(layer, "hook_resid_post")));
    QVERIFY(before[position][dim].item<float>() != 0.0f);
    QCOMPARE(after[position][dim].item<float>(), 0.0f);
    QCOMPARE((after != before).sum().item<std::int64_t>(), std::int64_t(1));
    QCOMPARE(testing::relativeError(toTorch(edited.at("hook_embed")), toTorch(baseline.at("hook_embed"))), 0.0);

    // Later layers: positions before the edit cannot see it; the edited position and
    // later ones change.
    for (int l = layer + 1; l < layers; ++l) {
      const torch::Tensor b = toTorch(baseline.at(tap(l, "hook_resid_post")));
      const torch::Tensor a = toTorch(edited.at(tap(l, "hook_resid_post")));
      QCOMPARE(testing::relativeError(a.narrow(0, 0, position), b.narrow(0, 0, position)), 0.0);
      QVERIFY(testing::relativeError(a.narrow(0, position, length - position),
                                     b.narrow(0, position, length - position)) > 0.0);
    }
    const torch::Tensor logitsBefore = toTorch(baseline.at("logits"));
    const torch::Tensor logitsAfter = toTorch(edited.at("logits"));
    QCOMPARE(testing::relativeError(logitsAfter.narrow(0, 0, position), logitsBefore.narrow(0, 0, position)), 0.0);
  }

  void meanSetUsesTheOtherPositionsOfThePass() {
    auto model = LlamaForCausalLM::fromPretrained(testing::llamaVariantDir("tiny-llama"));
    const auto ids = fixtureIds();
    const int length = static_cast<int>(ids.size(1));
    const auto baseline = model->capture(LlamaInput::ids(ids), CaptureSpec::fromList("blocks.1.hook_resid_post"));
    InterventionSpec spec;
    spec.dims.push_back({DimIntervention::Mode::Mean, {1}, {0, 2}, {7, 9}});
    const auto edited =
        model->capture(LlamaInput::ids(ids), CaptureSpec::fromList("blocks.1.hook_resid_post"), "", &spec);
    const torch::Tensor b = toTorch(baseline.at(tap(1, "hook_resid_post")));
    const torch::Tensor a = toTorch(edited.at(tap(1, "hook_resid_post")));
    for (int d : {7, 9}) {
      double sum = 0.0;
      for (int t = 0; t < length; ++t) {
        if (t != 0 && t != 2) sum += b[t][d].item<double>();
      }
      const double mean = sum / (length - 2);
      QVERIFY(std::fabs(a[0][d].item<double>() - mean) < 1e-5);
      QVERIFY(std::fabs(a[2][d].item<double>() - mean) < 1e-5);
    }
    QCOMPARE((a != b).sum().item<std::int64_t>(), std::int64_t(4));
  }

  void removingAttentionToAKeyRenormalisesTheRows() {
    auto model = LlamaForCausalLM::fromPretrained(testing::llamaVariantDir("tiny-llama"));
    const auto ids = fixtureIds();
    const CaptureSpec spec = CaptureSpec::fromList("blocks.*.attn.hook_pattern");
    const auto baseline = model->capture(LlamaInput::ids(ids), spec);
    InterventionSpec edit;
    edit.attention.push_back({{1}, {0}, {0}});  // layer 1, head 0, key 0 (BOS)
    const auto edited = model->capture(LlamaInput::ids(ids), spec, "", &edit);

    QCOMPARE(testing::relativeError(toTorch(edited.at(tap(0, "attn.hook_pattern"))),
                                    toTorch(baseline.at(tap(0, "attn.hook_pattern")))), 0.0);
    const torch::Tensor b = toTorch(baseline.at(tap(1, "attn.hook_pattern")));
    const torch::Tensor a = toTorch(edited.at(tap(1, "attn.hook_pattern")));
    // Head 0: the query at BOS saw only BOS and keeps its row; the others lose
    // column 0 and are rescaled to sum to one.
    QCOMPARE(a[0][0][0].item<float>(), 1.0f);
    const torch::Tensor rows = b[0].narrow(0, 1, b.size(1) - 1);
    torch::Tensor expected = rows.clone();
    expected.select(1, 0).zero_();
    expected = expected / expected.sum(1, true);
    QVERIFY(testing::relativeError(a[0].narrow(0, 1, b.size(1) - 1), expected) < 1e-6);
    // The other heads of that layer are untouched.
    QCOMPARE(testing::relativeError(a.narrow(0, 1, a.size(0) - 1), b.narrow(0, 1, b.size(0) - 1)), 0.0);
  }

  void cachedDecodingEditsTheSamePositions() {
    auto model = LlamaForCausalLM::fromPretrained(testing::llamaVariantDir("tiny-llama"));
    const auto ids = fixtureIds().narrow(1, 0, 6);
    GenerationOptions options;
    options.numBeams = 1;
    options.maxNewTokens = 5;
    options.eosTokenIds = {-1};
    // Edits at a prompt position and at a generated one (position 7, seen only by the
    // cached steps).
    options.interventions.dims.push_back({DimIntervention::Mode::Zero, {0}, {2, 7}, {1, 3, 4}});
    options.interventions.attention.push_back({{1}, {}, {0}});
    Generator generator(model, options);
    const GenerationResult result = generator.generate(LlamaInput::ids(ids));
    QCOMPARE(int(result.ids.size()), 5);

    // A full pass over prompt + generated tokens with the same edits predicts each
    // generated token at the position before it.
    const LlamaInput full = generator.fullSequence(LlamaInput::ids(ids), result.ids);
    const auto taps = model->capture(full, CaptureSpec::fromList("logits"), "", &options.interventions);
    const torch::Tensor logits = toTorch(taps.at("logits"));  // [T, V]
    for (std::size_t i = 0; i < result.ids.size(); ++i) {
      const auto row = static_cast<std::int64_t>(ids.size(1) + static_cast<std::int64_t>(i) - 1);
      QCOMPARE(logits[row].argmax().item<std::int64_t>(), result.ids[i]);
    }
    // And the edits matter: without them the logits differ.
    const auto plain = model->capture(full, CaptureSpec::fromList("logits"));
    QVERIFY(testing::relativeError(toTorch(plain.at("logits")), logits) > 0.0);
  }

  void badSpecsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, InterventionSpec::fromJson(nlohmann::json::parse(R"({"dims":[{"mode":"half","dims":[1]}]})")));
    QVERIFY_THROWS_EXCEPTION(ConfigError, InterventionSpec::fromJson(nlohmann::json::parse(R"({"dims":[{"layers":[0]}]})")));
    QVERIFY_THROWS_EXCEPTION(ConfigError, InterventionSpec::fromJson(nlohmann::json::parse(R"({"attention":[{"keys":[-1]}]})")));
    QVERIFY_THROWS_EXCEPTION(ConfigError, InterventionSpec::fromJson(nlohmann::json::parse(R"({"dimz":[]})")));
    const auto spec = InterventionSpec::fromJson(
        nlohmann::json::parse(R"({"dims":[{"mode":"mean","layers":[2],"positions":[0],"dims":[3,4]}],"attention":[{"keys":[0]}]})"));
    QCOMPARE(spec.toJson(), InterventionSpec::fromJson(spec.toJson()).toJson());
    QCOMPARE(int(spec.dims[0].dims.size()), 2);

    auto model = LlamaForCausalLM::fromPretrained(testing::llamaVariantDir("tiny-llama"));
    InterventionSpec outside;
    outside.dims.push_back({DimIntervention::Mode::Zero, {0}, {}, {100000}});
    QVERIFY_THROWS_EXCEPTION(ConfigError, model->capture(LlamaInput::ids(fixtureIds()), CaptureSpec::none(), "", &outside));
  }
};

QTEST_GUILESS_MAIN(IntervenerTest)
#include "IntervenerTest.moc"
