#include <QtTest>

#include <set>
#include <vector>

#include "core/base/Error.h"
#include "core/train/WindowSampler.h"

using namespace sinkscope;

class WindowSamplerTest : public QObject {
  Q_OBJECT

 private slots:
  void windowsStartWithBosAndShiftTargets() {
    // Tokens 100..159, sentences starting every 6 tokens.
    std::vector<std::int32_t> tokens;
    for (int i = 0; i < 60; ++i) tokens.push_back(100 + i);
    std::vector<std::int64_t> starts;
    for (int i = 0; i < 60; i += 6) starts.push_back(i);
    const WindowSampler sampler(tokens, starts, 8, /*bosId=*/7, /*seed=*/5);
    QCOMPARE(sampler.windowCount(), std::int64_t(9));  // the start at 54 has no whole window

    std::vector<std::int64_t> inputs, targets;
    sampler.batch(3, 4, inputs, targets);
    QCOMPARE(inputs.size(), std::size_t(32));
    for (int row = 0; row < 4; ++row) {
      const std::int64_t first = targets[static_cast<std::size_t>(row * 8)];
      QCOMPARE(inputs[static_cast<std::size_t>(row * 8)], std::int64_t(7));
      QCOMPARE((first - 100) % 6, std::int64_t(0));
      for (int t = 1; t < 8; ++t) {
        QCOMPARE(inputs[static_cast<std::size_t>(row * 8 + t)], targets[static_cast<std::size_t>(row * 8 + t - 1)]);
        QCOMPARE(targets[static_cast<std::size_t>(row * 8 + t)], first + t);
      }
    }
  }

  void batchesArePureFunctionsOfSeedAndStep() {
    std::vector<std::int32_t> tokens(1000);
    std::vector<std::int64_t> starts;
    for (int i = 0; i < 1000; ++i) tokens[static_cast<std::size_t>(i)] = i;
    for (int i = 0; i < 990; i += 3) starts.push_back(i);
    const WindowSampler a(tokens, starts, 4, 0, 11);
    const WindowSampler b(tokens, starts, 4, 0, 11);
    const WindowSampler other(tokens, starts, 4, 0, 12);
    std::vector<std::int64_t> in1, t1, in2, t2, in3, t3;
    a.batch(40, 8, in1, t1);
    for (int step = 1; step < 40; ++step) b.batch(step, 8, in2, t2);  // history does not matter
    b.batch(40, 8, in2, t2);
    other.batch(40, 8, in3, t3);
    QCOMPARE(in1, in2);
    QVERIFY(in1 != in3);
    std::set<std::int64_t> firsts;
    for (int step = 1; step <= 50; ++step) {
      a.batch(step, 8, in1, t1);
      for (int row = 0; row < 8; ++row) firsts.insert(t1[static_cast<std::size_t>(row * 4)]);
    }
    // 400 uniform draws from 330 starts hit 330 · (1 - e^(-400/330)) ≈ 232 of them.
    QVERIFY(firsts.size() > 210 && firsts.size() < 255);
  }

  void evenlySpacedWindowsAreFixed() {
    std::vector<std::int32_t> tokens(100, 1);
    std::vector<std::int64_t> starts = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90};
    const WindowSampler sampler(tokens, starts, 20, 0, 1);
    std::vector<std::int64_t> inputs, targets;
    QCOMPARE(sampler.evenlySpaced(4, inputs, targets), std::int64_t(4));
    QCOMPARE(inputs.size(), std::size_t(80));
    QCOMPARE(sampler.evenlySpaced(100, inputs, targets), std::int64_t(9));
  }

  void tooShortTextIsAnError() {
    QVERIFY_THROWS_EXCEPTION(Error, WindowSampler(std::vector<std::int32_t>(5, 1), {0}, 8, 0, 1));
  }
};

QTEST_GUILESS_MAIN(WindowSamplerTest)
#include "WindowSamplerTest.moc"
