// The analysis engine on hand-built traces whose answers are known by construction
// (ISSUE 4, item 9): a BOS sink and an intermediate sink at the audio delimiter,
// massive dims planted in chosen tokens and layers with known embedding, MLP and
// attention origins, and a pattern-only trace for the response attention mass.
#include <QtTest>

#include <cmath>

#include "core/analysis/ReportJson.h"
#include "core/analysis/RowStats.h"
#include "core/analysis/TraceAnalyzer.h"
#include "core/base/Error.h"

using namespace sinkscope;

namespace {

constexpr int kTokens = 12;
constexpr int kLayers = 3;
constexpr int kHeads = 4;
constexpr int kDims = 16;

// 0 bos, 1 <audio>, 2-3 audio, 4 </audio>, 5 <video>, 6 video, 7 </video>, 8-9 prompt, 10-11 response.
const Segment kSegments[kTokens] = {Segment::Bos,   Segment::AudioDelimiter, Segment::Audio,  Segment::Audio,
                                    Segment::AudioDelimiter, Segment::VideoDelimiter, Segment::Video,
                                    Segment::VideoDelimiter, Segment::Prompt, Segment::Prompt,
                                    Segment::Response, Segment::Response};

std::string tap(int layer, const std::string& suffix) { return "blocks." + std::to_string(layer) + "." + suffix; }

// Every token's state is ±scale (alternating signs), so its median |h| is `scale`
// whatever few dims are planted; token 9 has scale 0.01, the rest 1.
HostTensor baseStates() {
  HostTensor h({kTokens, kDims});
  for (int t = 0; t < kTokens; ++t) {
    const float scale = t == 9 ? 0.01f : 1.0f;
    for (int d = 0; d < kDims; ++d) h.at(t, d) = (d % 2 == 0 ? 1.0f : -1.0f) * scale;
  }
  return h;
}

HostTensor add(const HostTensor& a, const HostTensor& b, const HostTensor& c) {
  HostTensor out = a;
  for (std::size_t i = 0; i < out.values.size(); ++i) out.values[i] = a.values[i] + b.values[i] + c.values[i];
  return out;
}

void setTokens(Trace& trace) {
  trace.numLayers = kLayers;
  trace.numHeads = kHeads;
  trace.hiddenSize = kDims;
  for (int t = 0; t < kTokens; ++t) {
    TraceToken token;
    token.id = t;
    token.text = "t" + std::to_string(t);
    token.segment = kSegments[t];
    trace.tokens.push_back(token);
  }
}

// Planted:
//  embeddings: BOS dim 3 = 2000                                  (origin: embedding)
//  block 0: BOS dim 11: attn +30, MLP +1200 -> 1229                (origin: MLP, layer 0)
//  block 1: token 4 dim 3: attn -20, MLP +1521 -> 1500; dim 11: MLP +1202 -> 1201 (MLP, layer 1)
//  block 2: token 8 dim 5: attn +151 -> 150 (|h| > 100, ratio 150: absolute criterion only)
//           token 9 dim 7: attn +80.01 -> 80 (ratio 8000, |h| < 100: ratio criterion only)
//  sink scores 0.05 everywhere except: BOS 0.8 in heads 0-2 (all layers); token 4 0.5 in
//  heads 0-1 (layers 1, 2); token 7 0.35 in head 3 (layer 2); the last token 0.9 in
//  every head (its own query only).
Trace plantedTrace() {
  Trace trace;
  setTokens(trace);
  HostTensor embed = baseStates();
  embed.at(0, 3) = 2000.0f;
  trace.taps["hook_embed"] = embed;

  std::vector<HostTensor> attn(kLayers, HostTensor({kTokens, kDims}));
  std::vector<HostTensor> mlp(kLayers, HostTensor({kTokens, kDims}));
  attn[0].at(0, 11) = 30.0f;
  mlp[0].at(0, 11) = 1200.0f;
  attn[1].at(4, 3) = -20.0f;
  mlp[1].at(4, 3) = 1521.0f;
  mlp[1].at(4, 11) = 1202.0f;
  attn[2].at(8, 5) = 151.0f;
  attn[2].at(9, 7) = 80.01f;

  HostTensor resid = embed;
  for (int l = 0; l < kLayers; ++l) {
    resid = add(resid, attn[l], mlp[l]);
    trace.taps[tap(l, "hook_attn_out")] = attn[l];
    trace.taps[tap(l, "hook_mlp_out")] = mlp[l];
    trace.taps[tap(l, "hook_resid_post")] = resid;

    HostTensor received({kHeads, kTokens});
    for (auto& v : received.values) v = 0.05f;
    for (int h = 0; h < 3; ++h) received.at(h, 0) = 0.8f;
    if (l >= 1) received.at(0, 4) = received.at(1, 4) = 0.5f;
    if (l == 2) received.at(3, 7) = 0.35f;
    for (int h = 0; h < kHeads; ++h) received.at(h, kTokens - 1) = 0.9f;
    trace.taps[tap(l, "attn.hook_received")] = received;
  }
  return trace;
}

std::vector<int> positionsOf(const SinkLayer& layer) {
  std::vector<int> out;
  for (const auto& s : layer.sinkTokens) out.push_back(s.position);
  return out;
}

// cos(BOS, t) when BOS is the base row with `planted` dims (all odd, base -1) set to
// the given values and t is a base row with its own planted dims.
double plantedCosine(const std::map<int, double>& bos, const std::map<int, double>& other) {
  double dot = 0, nb = 0, no = 0;
  for (int d = 0; d < kDims; ++d) {
    const double base = d % 2 == 0 ? 1.0 : -1.0;
    const double b = bos.count(d) ? bos.at(d) : base;
    const double o = other.count(d) ? other.at(d) : base;
    dot += b * o;
    nb += b * b;
    no += o * o;
  }
  return dot / std::sqrt(nb * no);
}

}  // namespace

class TraceAnalyzerTest : public QObject {
  Q_OBJECT

 private slots:
  void sinksAreClassifiedAsBosAndIntermediate() {
    const Trace trace = plantedTrace();
    const TraceReport report = TraceAnalyzer().analyze(trace);
    QVERIFY(report.sinks.available);
    QCOMPARE(QString::fromStdString(report.sinks.source), QString("attn.hook_received"));
    QCOMPARE(positionsOf(report.sinks.layers[0]), (std::vector<int>{0, 11}));
    QCOMPARE(positionsOf(report.sinks.layers[1]), (std::vector<int>{0, 4, 11}));
    QCOMPARE(positionsOf(report.sinks.layers[2]), (std::vector<int>{0, 4, 7, 11}));
    const SinkLayer& l2 = report.sinks.layers[2];
    QCOMPARE(l2.bosHeadFraction, 0.75);
    QCOMPARE(l2.intermediateSinks, 3);
    QVERIFY(l2.sinkTokens[0].bos);
    QVERIFY(!l2.sinkTokens[1].bos);
    QCOMPARE(l2.sinkTokens[1].segment, Segment::AudioDelimiter);
    QCOMPARE(l2.sinkTokens[1].headFraction, 0.5);
    QCOMPARE(l2.sinkTokens[1].maxScore, double(0.5f));
    QCOMPARE(l2.sinkTokens[2].headFraction, 0.25);
    QCOMPARE(l2.headFraction[4], 0.5);
    QCOMPARE(l2.headFraction[5], 0.0);

    // The last key (one query) drops out once two queries are required; a stricter
    // head fraction drops token 7.
    AnalysisOptions options;
    options.sinkMinQueries = 2;
    options.sinkTokenMinHeadFraction = 0.5;
    const TraceReport strict = TraceAnalyzer(options).analyze(trace);
    QCOMPARE(positionsOf(strict.sinks.layers[2]), (std::vector<int>{0, 4}));
    QCOMPARE(strict.sinks.layers[0].intermediateSinks, 0);

    // A threshold above every planted score: no sinks at all.
    options.sinkEpsilon = 0.95;
    QVERIFY(TraceAnalyzer(options).analyze(trace).sinks.layers[2].sinkTokens.empty());
  }

  void segmentTotalsAddUpPerLayer() {
    const TraceReport report = TraceAnalyzer().analyze(plantedTrace());
    const SegmentTotals& videoDelims = report.segments[2][static_cast<int>(Segment::VideoDelimiter)];
    QCOMPARE(videoDelims.tokens, std::int64_t(2));
    QCOMPARE(videoDelims.headTokenPairs, std::int64_t(8));
    QCOMPARE(videoDelims.sinkScoreSum, 7 * double(0.05f) + double(0.35f));
    QCOMPARE(videoDelims.sinkPairs, std::int64_t(1));
    QCOMPARE(videoDelims.sinkTokens, std::int64_t(1));

    const SegmentTotals& audioDelims = report.segments[1][static_cast<int>(Segment::AudioDelimiter)];
    QCOMPARE(audioDelims.massiveElements, std::int64_t(2));
    QCOMPARE(audioDelims.massiveTokens, std::int64_t(1));
    QCOMPARE(audioDelims.maxAbs, 1500.0);
    QCOMPARE(audioDelims.sinkTokens, std::int64_t(1));
    const SegmentTotals& bos = report.segments[0][static_cast<int>(Segment::Bos)];
    QCOMPARE(bos.massiveElements, std::int64_t(2));
    QCOMPARE(bos.maxAbs, 2000.0);
    QCOMPARE(bos.bosCosineSum, 1.0);
    const SegmentTotals& audio = report.segments[0][static_cast<int>(Segment::Audio)];
    QCOMPARE(audio.massiveElements, std::int64_t(0));
    QCOMPARE(audio.maxAbs, 1.0);
    QCOMPARE(audio.cosineTokens, std::int64_t(2));

    // Every segment's tokens add up to the sequence.
    std::int64_t tokens = 0;
    for (const auto& s : report.segments[1]) tokens += s.tokens;
    QCOMPARE(tokens, std::int64_t(kTokens));
  }

  void massiveActivationsFollowBothCriteria() {
    const TraceReport report = TraceAnalyzer().analyze(plantedTrace());
    QVERIFY(report.massive.available && report.massive.hasEmbedding);
    const auto elements = [](const MassiveLayer& layer) {
      std::vector<std::pair<int, int>> out;
      for (const auto& e : layer.elements) out.emplace_back(e.position, e.dim);
      return out;
    };
    using Pairs = std::vector<std::pair<int, int>>;
    QCOMPARE(elements(report.massive.embedding), (Pairs{{0, 3}}));
    QCOMPARE(elements(report.massive.layers[0]), (Pairs{{0, 3}, {0, 11}}));
    QCOMPARE(elements(report.massive.layers[1]), (Pairs{{0, 3}, {0, 11}, {4, 3}, {4, 11}}));
    QCOMPARE(elements(report.massive.layers[2]), (Pairs{{0, 3}, {0, 11}, {4, 3}, {4, 11}}));
    QCOMPARE(report.massive.layers[1].elements[2].value, 1500.0f);
    QCOMPARE(report.massive.layers[1].elements[2].ratio, 1500.0);
    QCOMPARE(report.massive.layers[1].medianAbs[4], 1.0);
    QCOMPARE(report.massive.layers[1].maxAbs[4], 1500.0);

    // Fixed feature indices: dims massive in two sink tokens (BOS and token 4) of a layer.
    QVERIFY(report.massive.layers[0].fixedDims.empty());
    QCOMPARE(report.massive.layers[1].fixedDims, (std::vector<int>{3, 11}));
    QCOMPARE(report.massive.layers[2].fixedDims, (std::vector<int>{3, 11}));

    // Top-3 |h| and the median of the layer.
    const auto& top = report.massive.layers[2].top;
    QCOMPARE(int(top.size()), 3);
    QCOMPARE(top[0].absValue, 2000.0);
    QCOMPARE(top[1].absValue, 1500.0);
    QCOMPARE(top[1].position, 4);
    QCOMPARE(top[2].absValue, 1229.0);
    QCOMPARE(top[2].dim, 11);
    const auto& top0 = report.massive.layers[0].top;
    QCOMPARE(top0[2].absValue, 1.0);  // ties go to the first (t, d)
    QCOMPARE(top0[2].position, 0);
    QCOMPARE(top0[2].dim, 0);
    QCOMPARE(report.massive.layers[2].medianAbsAll, 1.0);

    // Each criterion alone.
    AnalysisOptions absolute;
    absolute.useMassiveRatio = false;
    const TraceReport a = TraceAnalyzer(absolute).analyze(plantedTrace());
    QCOMPARE(elements(a.massive.layers[2]), (Pairs{{0, 3}, {0, 11}, {4, 3}, {4, 11}, {8, 5}}));
    AnalysisOptions ratio;
    ratio.useMassiveAbsolute = false;
    const TraceReport r = TraceAnalyzer(ratio).analyze(plantedTrace());
    QCOMPARE(elements(r.massive.layers[2]), (Pairs{{0, 3}, {0, 11}, {4, 3}, {4, 11}, {9, 7}}));
    const MassiveElement& ratioOnly = r.massive.layers[2].elements[4];
    QCOMPARE(ratioOnly.ratio, std::fabs(double(ratioOnly.value)) / double(0.01f));
    QVERIFY(std::fabs(ratioOnly.value - 80.0f) < 1e-4f);

    AnalysisOptions neither;
    neither.useMassiveAbsolute = neither.useMassiveRatio = false;
    QVERIFY_THROWS_EXCEPTION(ConfigError, TraceAnalyzer{neither});
  }

  void originsNameTheEmbeddingMlpAndAttention() {
    const TraceReport report = TraceAnalyzer().analyze(plantedTrace());
    const auto& origins = report.massive.origins;
    QCOMPARE(int(origins.size()), 4);
    QCOMPARE(origins[0].position, 0);
    QCOMPARE(origins[0].dim, 3);
    QCOMPARE(origins[0].firstLayer, -1);
    QCOMPARE(QString::fromStdString(origins[0].source), QString("embedding"));

    QCOMPARE(origins[1].dim, 11);
    QCOMPARE(origins[1].firstLayer, 0);
    QCOMPARE(QString::fromStdString(origins[1].source), QString("mlp"));
    QCOMPARE(origins[1].mlpShare, 1200.0 / 1229.0);
    QCOMPARE(origins[1].attentionShare, 30.0 / 1229.0);
    QCOMPARE(origins[1].residualShare, -1.0 / 1229.0);

    QCOMPARE(origins[2].position, 4);
    QCOMPARE(origins[2].dim, 3);
    QCOMPARE(origins[2].firstLayer, 1);
    QCOMPARE(QString::fromStdString(origins[2].source), QString("mlp"));
    QCOMPARE(origins[2].mlpShare, 1521.0 / 1500.0);
    QCOMPARE(origins[2].attentionShare, -20.0 / 1500.0);
    QCOMPARE(origins[3].firstLayer, 1);
    QCOMPARE(origins[3].mlpShare, 1202.0 / 1201.0);

    AnalysisOptions absolute;
    absolute.useMassiveRatio = false;
    const TraceReport a = TraceAnalyzer(absolute).analyze(plantedTrace());
    const MassiveOrigin& last = a.massive.origins.back();
    QCOMPARE(last.position, 8);
    QCOMPARE(last.firstLayer, 2);
    QCOMPARE(QString::fromStdString(last.source), QString("attention"));
    QCOMPARE(last.attentionShare, 151.0 / 150.0);

    // One sub-block output is enough: the other is the remainder of h_l - h_{l-1}
    // (the lean analysisWithOrigins capture has the MLP output only).
    Trace mlpOnly = plantedTrace();
    for (int l = 0; l < kLayers; ++l) mlpOnly.taps.erase(tap(l, "hook_attn_out"));
    const TraceReport derived = TraceAnalyzer().analyze(mlpOnly);
    QCOMPARE(QString::fromStdString(derived.massive.origins[2].source), QString("mlp"));
    QVERIFY(std::fabs(derived.massive.origins[2].mlpShare - 1521.0 / 1500.0) < 1e-12);
    QVERIFY(std::fabs(derived.massive.origins[2].attentionShare - -20.0 / 1500.0) < 1e-6);
    QVERIFY(std::fabs(derived.massive.origins[1].attentionShare - 30.0 / 1229.0) < 1e-6);

    // Without either, the origin is unknown and said so.
    Trace trace = mlpOnly;
    for (int l = 0; l < kLayers; ++l) trace.taps.erase(tap(l, "hook_mlp_out"));
    const TraceReport partial = TraceAnalyzer().analyze(trace);
    QCOMPARE(QString::fromStdString(partial.massive.origins[1].source), QString("unknown"));
    QCOMPARE(partial.massive.origins[1].firstLayer, 0);
    QVERIFY(!partial.notes.empty());
  }

  void bosCosineAndDecorrelationLoss() {
    const TraceReport report = TraceAnalyzer().analyze(plantedTrace());
    const auto& bos = report.bosSimilarity;
    QVERIFY(bos.available);
    const double c0 = plantedCosine({{3, 2000.0}, {11, 1229.0}}, {});
    const double c1 = plantedCosine({{3, 2000.0}, {11, 1229.0}}, {});
    const double c4 = plantedCosine({{3, 2000.0}, {11, 1229.0}}, {{3, 1500.0}, {11, 1201.0}});
    QVERIFY(std::fabs(bos.cosine[0][0] - 1.0) < 1e-12);
    QVERIFY(std::fabs(bos.cosine[0][5] - c0) < 1e-9);
    QVERIFY(std::fabs(bos.cosine[0][9] - c0) < 1e-9);  // scale does not matter
    QVERIFY(std::fabs(bos.cosine[1][4] - c4) < 1e-9);
    QVERIFY(std::fabs(bos.embedding[2] - plantedCosine({{3, 2000.0}}, {})) < 1e-9);

    // P = tokens 1..9 (the response is output); layers h_1, h_2 = blocks 0 and 1.
    QCOMPARE(bos.countedTokens, 9);
    QCOMPARE(int(bos.decorrelationPerLayer.size()), 2);
    const double lambda = 10000.0;
    QVERIFY(std::fabs(bos.decorrelationPerLayer[0] - lambda * c0 * c0) < 1e-6);
    QVERIFY(std::fabs(bos.decorrelationPerLayer[1] - lambda * (8 * c1 * c1 + c4 * c4) / 9.0) < 1e-6);
    QVERIFY(std::fabs(bos.decorrelationTotal - 0.5 * (bos.decorrelationPerLayer[0] + bos.decorrelationPerLayer[1])) <
            1e-9);
  }

  void responseAttentionNeedsPatterns() {
    // Only hook_received: skipped with a note.
    const TraceReport plain = TraceAnalyzer().analyze(plantedTrace());
    QVERIFY(!plain.sinks.response.available);
    bool noted = false;
    for (const auto& n : plain.notes) noted = noted || n.find("hook_pattern") != std::string::npos;
    QVERIFY(noted);

    // One layer of patterns: every query attends to itself, except the response
    // queries 10 and 11: BOS 0.5, audio 2 and 3 0.1 each, video 6 0.2, prompt 8 0.1.
    Trace trace;
    setTokens(trace);
    trace.numLayers = 1;
    trace.capturedHeads = {0, 1, 2, 3};
    HostTensor pattern({kHeads, kTokens, kTokens});
    for (int h = 0; h < kHeads; ++h) {
      for (int q = 0; q < 10; ++q) pattern.at(h, q, q) = 1.0f;
      for (int q = 10; q < 12; ++q) {
        pattern.at(h, q, 0) = 0.5f;
        pattern.at(h, q, 2) = 0.1f;
        pattern.at(h, q, 3) = 0.1f;
        pattern.at(h, q, 6) = 0.2f;
        pattern.at(h, q, 8) = 0.1f;
      }
    }
    trace.taps[tap(0, "attn.hook_pattern")] = pattern;
    const TraceReport report = TraceAnalyzer().analyze(trace);
    const ResponseAttention& response = report.sinks.response;
    QVERIFY(response.available);
    QCOMPARE(response.queries, 2);
    const auto& mass = response.mass[0][3];
    QVERIFY(std::fabs(mass[static_cast<int>(Segment::Bos)] - 0.5) < 1e-7);
    QVERIFY(std::fabs(mass[static_cast<int>(Segment::Audio)] - 0.2) < 1e-7);
    QVERIFY(std::fabs(mass[static_cast<int>(Segment::Video)] - 0.2) < 1e-7);
    QVERIFY(std::fabs(mass[static_cast<int>(Segment::Prompt)] - 0.1) < 1e-7);
    QCOMPARE(mass[static_cast<int>(Segment::Response)], 0.0);

    // Sink scores from the pattern: s[0] = (1 + 0.5 + 0.5) / 12, s[2] = 1.2 / 10, s[6] = 1.4 / 6.
    QCOMPARE(QString::fromStdString(report.sinks.source), QString("attn.hook_pattern"));
    const HostTensor& score = report.sinks.layers[0].score;
    QVERIFY(std::fabs(score.at(1, 0) - 2.0 / 12.0) < 1e-7);
    QVERIFY(std::fabs(score.at(1, 2) - 1.2 / 10.0) < 1e-7);
    QVERIFY(std::fabs(score.at(1, 6) - 1.4 / 6.0) < 1e-7);
    QCOMPARE(score.at(1, 10), 0.0f);
    // Without hidden states the other analyses say they were skipped.
    QVERIFY(!report.massive.available && !report.bosSimilarity.available);
  }

  void malformedTapsAreRefused() {
    Trace trace = plantedTrace();
    trace.taps[tap(1, "attn.hook_received")] = HostTensor({kHeads, kTokens - 1});
    QVERIFY_THROWS_EXCEPTION(ShapeError, TraceAnalyzer().analyze(trace));
    Trace hidden = plantedTrace();
    hidden.taps[tap(0, "hook_resid_post")] = HostTensor({kTokens + 1, kDims});
    QVERIFY_THROWS_EXCEPTION(ShapeError, TraceAnalyzer().analyze(hidden));
  }

  void rowStatsMedianConvention() {
    std::vector<double> odd{3, 1, 2};
    QCOMPARE(RowStats::median(odd), 2.0);
    std::vector<double> even{4, 1, 3, 2};
    QCOMPARE(RowStats::median(even), 2.5);
    const float row[] = {-1.0f, 2.0f, -3.0f, 4.0f};
    QCOMPARE(RowStats::medianAbs(row, 4), 2.5);
    const float zero[] = {0.0f, 0.0f};
    QCOMPARE(RowStats::cosine(zero, zero, 2), 0.0);
  }
};

QTEST_GUILESS_MAIN(TraceAnalyzerTest)
#include "TraceAnalyzerTest.moc"
