// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "core/model/LlamaForCausalLM.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/base/Error.h"
#include "core/base/HostTensor.h"
#include "core/train/SinkProbe.h"

using namespace sinkscope;

namespace {

bool near(double a, double b, double tolerance = 1e-6) { return std::fabs(a - b) <= tolerance; }

// Writes the hand-made taps of one layer.
void addLayer(std::map<std::string, HostTensor>& taps, int layer, const HostTensor& received, const HostTensor& resid) {
  taps["blocks." + std::to_string(layer) + ".attn.hook_received"] = received;
  taps["blocks." + std::to_string(layer) + ".hook_resid_post"] = resid;
}

// A decoder whose attention is uniform over the visible keys (q_proj = 0) and whose
// layers add nothing to the residual stream (o_proj = down_proj = 0): every layer's
// output is the token's embedding, and A[q, k] = 1 / (q + 1).
LlamaForCausalLM uniformModel(const torch::Tensor& embeddings) {
  LlamaConfig config;
  config.vocabSize = embeddings.size(0);
  config.hiddenSize = embeddings.size(1);
  config.intermediateSize = 16;
  config.numHiddenLayers = 2;
  config.numAttentionHeads = 2;
  config.numKeyValueHeads = 2;
  config.headDim = config.hiddenSize / 2;
  config.bosTokenId = 0;
  config.eosTokenIds = {1};
  LlamaForCausalLM model(config);
  torch::NoGradGuard noGrad;
  for (auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    if (name.find("q_proj") != std::string::npos || name.find("o_proj") != std::string::npos ||
        name.find("down_proj") != std::string::npos) {
      item.value().zero_();
    }
    if (name == "model.embed_tokens.weight") item.value().copy_(embeddings);
  }
  return model;
}

}  // namespace

class SinkProbeTest : public QObject {
  Q_OBJECT

 private slots:
  void measuresAHandMadeTrace() {
    const std::int64_t heads = 4, length = 40, dims = 5;
    std::map<std::string, HostTensor> taps;

    // Layer 0: heads 0 and 3 sink on BOS; heads 1 and 3 have an intermediate sink
    // (keys 5 and 8 <= T - minQueries = 8); head 2's big score sits on the last key,
    // which too few queries see to count.
    HostTensor received0({heads, length});
    received0.at(0, 0) = 0.9f;
    received0.at(1, 0) = 0.2f;
    received0.at(1, 5) = 0.5f;
    received0.at(2, 39) = 1.0f;
    received0.at(3, 0) = 0.31f;
    received0.at(3, 8) = 0.31f;
    // BOS = (100, 1, 1, 1, 1): max / median = 100. Others (1, 2, 3, 4, 5): 5 / 3.
    HostTensor resid0({length, dims});
    for (std::int64_t d = 0; d < dims; ++d) resid0.at(0, d) = d == 0 ? 100.0f : 1.0f;
    for (std::int64_t t = 1; t < length; ++t) {
      for (std::int64_t d = 0; d < dims; ++d) resid0.at(t, d) = static_cast<float>(d + 1);
    }
    addLayer(taps, 0, received0, resid0);

    // Layer 1: key 9 is past the intermediate window; no sink at all. Every token is
    // 2 × BOS = (2, 4, 6, 20, 8) (median 6, max 20), so cosines are 1.
    HostTensor received1({heads, length});
    received1.at(2, 9) = 0.9f;
    HostTensor resid1({length, dims});
    const float bos[] = {1, 2, 3, 10, 4};
    for (std::int64_t t = 0; t < length; ++t) {
      for (std::int64_t d = 0; d < dims; ++d) resid1.at(t, d) = bos[d] * (t == 0 ? 1.0f : 2.0f);
    }
    addLayer(taps, 1, received1, resid1);

    const SinkProbe probe(SinkProbe::Options{0.3, 32});
    const auto layers = probe.measure(taps, 2);
    QCOMPARE(layers.size(), std::size_t(2));
    QVERIFY(near(layers[0].bosSinkFraction, 0.5));
    QVERIFY(near(layers[0].intermediateSinkFraction, 0.5));
    QVERIFY(near(layers[0].maxOverMedian, 100.0, 1e-4));
    // cos((100,1,1,1,1), (1,2,3,4,5)) = 114 / sqrt(10004 · 55)
    QVERIFY(near(layers[0].bosCosine, 114.0 / std::sqrt(10004.0 * 55.0)));
    QVERIFY(near(layers[1].bosSinkFraction, 0.0));
    QVERIFY(near(layers[1].intermediateSinkFraction, 0.0));
    QVERIFY(near(layers[1].maxOverMedian, 10.0 / 3.0, 1e-5));
    QVERIFY(near(layers[1].bosCosine, 1.0));

    const auto row = SinkProbe::row(layers);
    QCOMPARE(row.size(), SinkProbe::columns(2).size());
    // Layer 0's BOS scores (0.9, 0.2, 0, 0.31) average 0.3525; layer 1's are all 0.
    QVERIFY(near(layers[0].bosScore, 0.3525));
    QVERIFY(near(layers[1].bosScore, 0.0));
    QVERIFY(near(row[1], 0.3525));                // bos_score_l0
    QVERIFY(near(row[10], 0.25));                 // bos_sink_mean
    QVERIFY(near(row[11], 0.3525 / 2));           // bos_score_mean
    QVERIFY(near(row[13], 100.0, 1e-4));          // max_median_max
    QCOMPARE(SinkProbe::columns(2)[5], std::string("bos_sink_l1"));
    QCOMPARE(SinkProbe::columns(2)[11], std::string("bos_score_mean"));
  }

  void missingTapIsAnError() {
    const SinkProbe probe(SinkProbe::Options{});
    std::map<std::string, HostTensor> taps;
    QVERIFY_THROWS_EXCEPTION(ShapeError, probe.measure(taps, 1));
  }

  void uniformAttentionModelHasTheAnalyticSinkScores() {
    // With A[q, k] = 1/(q+1) the score of BOS is H_T / T (H_T the harmonic number):
    // 0.340 for T = 8 (a sink at ε = 0.3 in every head) and 0.211 for T = 16 (none).
    // Key k >= 1 scores (H_T - H_k) / (T - k) < 0.3.
    torch::manual_seed(3);
    torch::Tensor embeddings = torch::rand({16, 8}) + 0.5;
    embeddings[0] = torch::tensor({40.0f, 1.0f, 1.5f, 1.0f, 2.0f, 1.0f, 1.0f, 1.0f});
    LlamaForCausalLM model = uniformModel(embeddings);
    const SinkProbe probe(SinkProbe::Options{0.3, 1});

    std::vector<std::int64_t> shortWindow = {0, 3, 4, 5, 6, 7, 8, 9};
    const auto shortLayers = probe.run(model, {shortWindow});
    double harmonic8 = 0;
    for (int q = 1; q <= 8; ++q) harmonic8 += 1.0 / q;
    for (const auto& layer : shortLayers) {
      QVERIFY(near(layer.bosSinkFraction, 1.0));
      QVERIFY(near(layer.bosScore, harmonic8 / 8.0, 1e-5));
      QVERIFY(near(layer.intermediateSinkFraction, 0.0));
    }
    std::vector<std::int64_t> longWindow(16);
    for (std::int64_t i = 0; i < 16; ++i) longWindow[static_cast<std::size_t>(i)] = i == 0 ? 0 : 1 + (i % 15);
    const auto longLayers = probe.run(model, {longWindow});
    QVERIFY(near(longLayers[0].bosSinkFraction, 0.0));

    // The residual stream is the embedding: BOS's max / median is 40 / 1 and the
    // BOS cosine is the mean cosine of the window's embeddings with row 0.
    double cosineSum = 0;
    for (std::size_t t = 1; t < shortWindow.size(); ++t) {
      cosineSum += torch::cosine_similarity(embeddings[0], embeddings[shortWindow[t]], 0).item<double>();
    }
    for (const auto& layer : shortLayers) {
      QVERIFY(near(layer.maxOverMedian, 40.0, 1e-3));
      QVERIFY(near(layer.bosCosine, cosineSum / 7.0, 1e-5));
    }
  }
};

QTEST_GUILESS_MAIN(SinkProbeTest)
#include "SinkProbeTest.moc"
