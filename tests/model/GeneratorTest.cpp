// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include "core/model/Generator.h"
#include "core/model/TraceBuilder.h"
#include "support/LlamaFixture.h"

#include <QtTest>

#include "core/base/Error.h"

using namespace sinkscope;
using sinkscope::testing::expectedTensor;
using sinkscope::testing::llamaGenerations;
using sinkscope::testing::llamaVariantDir;
using sinkscope::testing::relativeError;

namespace {

// HF's scores come from the same float32 arithmetic in a different kernel order.
constexpr double kLogProbTolerance = 1e-4;

LlamaInput promptOf(const nlohmann::json& variantCases) {
  const auto ids = variantCases.at("prompt_ids").get<std::vector<std::int64_t>>();
  return LlamaInput::ids(torch::tensor(ids, torch::kInt64).unsqueeze(0));
}

GenerationOptions optionsOf(const nlohmann::json& c) {
  GenerationOptions options;
  options.numBeams = c.at("num_beams").get<int>();
  options.maxNewTokens = c.at("max_new_tokens").get<int>();
  options.eosTokenIds = {c.at("eos_token_id").get<std::int64_t>()};
  return options;
}

void addCases() {
  QTest::addColumn<QString>("variant");
  QTest::addColumn<QString>("kase");
  const auto all = llamaGenerations();
  for (const char* variant : {"tiny-llama", "tiny-llama-tied"}) {
    for (const auto& item : all.at(variant).items()) {
      if (item.key() == "prompt_ids") continue;
      QTest::newRow((std::string(variant) + "/" + item.key()).c_str())
          << QString(variant) << QString::fromStdString(item.key());
    }
  }
}

}  // namespace

class GeneratorTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { torch::set_num_threads(2); }

  void defaultsAreLlamaAvsrs() {
    const GenerationOptions options;
    QCOMPARE(options.numBeams, 15);
    QCOMPARE(options.maxNewTokens, 32);
    QCOMPARE(options.lengthPenalty, 1.0);
  }

  void matchesHfGenerate_data() { addCases(); }
  void matchesHfGenerate() {
    QFETCH(QString, variant);
    QFETCH(QString, kase);
    const auto cases = llamaGenerations().at(variant.toStdString());
    const auto& c = cases.at(kase.toStdString());
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir(variant.toStdString()));
    Generator generator(model, optionsOf(c));

    LlamaInput prompt = promptOf(cases);
    if (kase == "beam_embeds") {
      prompt = LlamaInput::embeds(expectedTensor(variant.toStdString() + ".embeds_prompt").unsqueeze(0));
    }
    const GenerationResult result = generator.generate(prompt);

    const auto expectedIds = c.at("new_ids").get<std::vector<std::int64_t>>();
    const auto expectedLogProbs = c.at("logprobs").get<std::vector<double>>();
    QCOMPARE(result.ids, expectedIds);
    QCOMPARE(result.endedWithEos, expectedIds.back() == c.at("eos_token_id").get<std::int64_t>());
    QCOMPARE(result.logProbs.size(), expectedIds.size());
    QCOMPARE(result.elapsedMs.size(), expectedIds.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < expectedLogProbs.size(); ++i) {
      worst = std::max(worst, std::abs(result.logProbs[i] - expectedLogProbs[i]));
      if (i > 0) QVERIFY(result.elapsedMs[i] >= result.elapsedMs[i - 1]);
    }
    QVERIFY(result.elapsedMs.front() >= 0.0);
    if (c.contains("sequence_score")) {
      const double scoreDiff = std::abs(result.score - c.at("sequence_score").get<double>());
      qInfo("%s/%s: %zu tokens, max |logprob diff| %.3g, |score diff| %.3g", qPrintable(variant),
            qPrintable(kase), result.ids.size(), worst, scoreDiff);
      QVERIFY(scoreDiff <= kLogProbTolerance);
    } else {
      qInfo("%s/%s: %zu tokens, max |logprob diff| %.3g", qPrintable(variant), qPrintable(kase),
            result.ids.size(), worst);
    }
    QVERIFY(worst <= kLogProbTolerance);
  }

  void beamWithOneBeamIsGreedy() {
    const auto cases = llamaGenerations().at("tiny-llama");
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    GenerationOptions options = optionsOf(cases.at("greedy"));
    Generator generator(model, options);
    const auto greedy = generator.greedy(promptOf(cases));
    QCOMPARE(greedy.ids, cases.at("greedy").at("new_ids").get<std::vector<std::int64_t>>());
    QCOMPARE(generator.generate(promptOf(cases)).ids, greedy.ids);
    // The session is reusable: a second run starts from a fresh cache.
    QCOMPARE(generator.greedy(promptOf(cases)).ids, greedy.ids);
  }

  void captureTraceCoversEveryStep() {
    const auto cases = llamaGenerations().at("tiny-llama");
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    Generator generator(model, optionsOf(cases.at("greedy_eos")));
    const LlamaInput prompt = promptOf(cases);
    const GenerationResult result = generator.generate(prompt);
    QVERIFY(result.endedWithEos);

    CaptureSpec spec = CaptureSpec::fromList("blocks.*.attn.hook_pattern,blocks.*.attn.hook_received,logits");
    spec.heads = {2};
    TraceBuilder builder;
    builder.setModel("tiny-llama", "text", 3, 4, 64);
    const auto promptIds = cases.at("prompt_ids").get<std::vector<std::int64_t>>();
    builder.addTextTokens(promptIds, model->config().bosTokenId);
    generator.captureTrace(prompt, result, spec, builder,
                           [](std::int64_t id) { return "<" + std::to_string(id) + ">"; });
    const TracePtr trace = builder.setTranscript("x").build();

    const auto total = static_cast<std::int64_t>(promptIds.size() + result.ids.size());
    QCOMPARE(trace->numTokens(), int(total));
    QVERIFY(trace->tokens.front().segment == Segment::Bos);
    QVERIFY(trace->tokens[1].segment == Segment::Prompt);
    QVERIFY(trace->tokens.back().segment == Segment::Response);
    QCOMPARE(trace->tokens.back().text, "<" + std::to_string(result.ids.back()) + ">");
    QCOMPARE(trace->capturedHeads, std::vector<int>{2});
    QCOMPARE(trace->steps.size(), result.ids.size());
    QCOMPARE(trace->steps.front().logProb, result.logProbs.front());
    QCOMPARE(trace->taps.size(), std::size_t(7));
    QCOMPARE(trace->at("blocks.1.attn.hook_pattern").shape, (std::vector<std::int64_t>{1, total, total}));
    QCOMPARE(trace->at("blocks.1.attn.hook_received").shape, (std::vector<std::int64_t>{4, total}));
    QVERIFY(trace->find("hook_embed") == nullptr);

    // The capture pass is teacher-forced over prompt + generated tokens: the logits
    // row before each generated token reproduces that step's log-probability.
    const HostTensor& logits = trace->at("logits");
    for (std::size_t i = 0; i < result.ids.size(); ++i) {
      const auto row = static_cast<std::int64_t>(promptIds.size() + i) - 1;
      torch::Tensor rowLogits = torch::empty({logits.size(1)});
      for (std::int64_t v = 0; v < logits.size(1); ++v) rowLogits[v] = logits.at(row, v);
      const float logProb = torch::log_softmax(rowLogits, 0)[result.ids[i]].item<float>();
      QVERIFY(std::abs(logProb - result.logProbs[i]) <= kLogProbTolerance);
      QCOMPARE(rowLogits.argmax().item<std::int64_t>(), result.ids[i]);
    }
  }

  void traceBuilderChecksConsistency() {
    TraceBuilder builder;
    builder.addTextTokens({1, 5, 6}, 1);
    std::map<std::string, HostTensor> taps;
    taps["hook_embed"] = HostTensor(std::vector<std::int64_t>{4, 2});
    builder.addTaps(taps);
    QVERIFY_EXCEPTION_THROWN(builder.build(), Error);
    TraceBuilder twice;
    twice.addTaps({{"logits", HostTensor(std::vector<std::int64_t>{1, 1})}});
    QVERIFY_EXCEPTION_THROWN(twice.addTaps({{"logits", HostTensor(std::vector<std::int64_t>{1, 1})}}), Error);
  }

  // HF's suppress_tokens: a suppressed id is never chosen, and the choice among the
  // rest is unchanged.
  void suppressedTokensAreNeverChosen() {
    const auto cases = llamaGenerations().at("tiny-llama");
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama"));
    const LlamaInput prompt = promptOf(cases);
    const auto free = cases.at("greedy").at("new_ids").get<std::vector<std::int64_t>>();

    GenerationOptions options = optionsOf(cases.at("greedy"));
    options.suppressTokenIds = {free[0], free[1]};
    Generator greedy(model, options);
    const GenerationResult result = greedy.generate(prompt);
    QCOMPARE(result.ids.size(), free.size());
    for (const auto id : result.ids) QVERIFY(id != free[0] && id != free[1]);
    // The first choice is the best of the remaining ids under the model's own logits.
    torch::Tensor logits;
    {
      torch::NoGradGuard noGrad;
      logits = model->forward(prompt).select(1, -1)[0].clone();
    }
    const std::int64_t unlikely = logits.argmin().item<std::int64_t>();
    logits[free[0]] = -1e30;
    logits[free[1]] = -1e30;
    QCOMPARE(result.ids[0], logits.argmax().item<std::int64_t>());

    // Beam search: the suppressed ids vanish; suppressing an id no candidate reaches
    // changes nothing, down to the score.
    const auto& beamCase = cases.at("beam");
    const auto beamIds = beamCase.at("new_ids").get<std::vector<std::int64_t>>();
    GenerationOptions beam = optionsOf(beamCase);
    beam.suppressTokenIds = {beamIds[0]};
    const GenerationResult suppressed = Generator(model, beam).generate(prompt);
    for (const auto id : suppressed.ids) QVERIFY(id != beamIds[0]);
    beam.suppressTokenIds = {unlikely};
    const GenerationResult same = Generator(model, beam).generate(prompt);
    QCOMPARE(same.ids, beamIds);
    QVERIFY(std::abs(same.score - beamCase.at("sequence_score").get<double>()) <= kLogProbTolerance);

    // Ids outside the vocabulary, or an end-of-text id, cannot be suppressed.
    options.suppressTokenIds = {model->config().vocabSize};
    QVERIFY_EXCEPTION_THROWN(Generator(model, options), ConfigError);
    options.suppressTokenIds = {-1};
    QVERIFY_EXCEPTION_THROWN(Generator(model, options), ConfigError);
    options.suppressTokenIds = {options.eosTokenIds.front()};
    QVERIFY_EXCEPTION_THROWN(Generator(model, options), ConfigError);
  }

  void badOptionsAndPrompts() {
    auto model = LlamaForCausalLM::fromPretrained(llamaVariantDir("tiny-llama-tied"));
    GenerationOptions options;
    options.numBeams = 0;
    QVERIFY_EXCEPTION_THROWN(Generator(model, options), ConfigError);
    Generator generator(model);
    QVERIFY_EXCEPTION_THROWN(generator.generate(LlamaInput::ids(torch::ones({2, 3}, torch::kInt64))), ShapeError);
    QVERIFY_EXCEPTION_THROWN(generator.generate(LlamaInput{}), ShapeError);
  }
};

QTEST_GUILESS_MAIN(GeneratorTest)
#include "GeneratorTest.moc"
