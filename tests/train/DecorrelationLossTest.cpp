// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <vector>

#include "core/base/Error.h"
#include "core/train/DecorrelationLoss.h"

using sinkscope::DecorrelationLoss;
using sinkscope::ShapeError;

namespace {

// [B=2, T=4, D=3] from rows of numbers.
torch::Tensor stream(const std::vector<std::vector<float>>& rows) {
  std::vector<float> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  return torch::tensor(flat).reshape({2, 4, 3});
}

// The definition written out with plain loops in double precision.
double byHand(const std::vector<torch::Tensor>& residuals, const std::vector<int>& inputTokens, double lambda) {
  double layersSum = 0;
  const int layers = static_cast<int>(residuals.size()) - 1;
  for (int l = 0; l < layers; ++l) {
    const auto h = residuals[static_cast<std::size_t>(l)].to(torch::kFloat64).contiguous();
    const auto a = h.accessor<double, 3>();
    double sum = 0;
    int counted = 0;
    for (int b = 0; b < h.size(0); ++b) {
      for (int t = 1; t <= inputTokens[static_cast<std::size_t>(b)]; ++t) {
        double dot = 0, n0 = 0, nt = 0;
        for (int d = 0; d < h.size(2); ++d) {
          dot += a[b][0][d] * a[b][t][d];
          n0 += a[b][0][d] * a[b][0][d];
          nt += a[b][t][d] * a[b][t][d];
        }
        sum += dot * dot / (n0 * nt);
        ++counted;
      }
    }
    layersSum += sum / counted;
  }
  return lambda * layersSum / layers;
}

}  // namespace

class DecorrelationLossTest : public QObject {
  Q_OBJECT

 private slots:
  void matchesAHandComputedExample() {
    // P = 2. Layer 1: cos² at t = 1, 2 is 0.5, 0 (batch 0) and 0.5, 1 (batch 1):
    // (0.5 + 0 + 0.5 + 1) / (B·P = 4) = 0.5. Layer 2: every counted token is
    // (anti)parallel to BOS: 1. Layer 3 (the last) and t = 3 (an output) do not count.
    // L = λ · (0.5 + 1) / 2 = 0.75 λ.
    const auto h1 = stream({{1, 0, 0}, {1, 1, 0}, {0, 2, 0}, {3, 0, 0},  //
                            {0, 0, 2}, {0, 1, 1}, {0, 0, -1}, {5, 5, 5}});
    const auto h2 = stream({{1, 2, 3}, {2, 4, 6}, {-1, -2, -3}, {0, 0, 1},  //
                            {0, 1, 0}, {0, 7, 0}, {0, -3, 0}, {1, 0, 0}});
    const auto h3 = stream({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1},  //
                            {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}});
    const DecorrelationLoss loss(10.0);
    const double value = loss({h1, h2, h3}, 2).item<double>();
    QVERIFY(std::fabs(value - 7.5) < 1e-5);
  }

  void matchesTheDefinitionOnRandomStreams() {
    torch::manual_seed(7);
    std::vector<torch::Tensor> residuals;
    for (int l = 0; l < 4; ++l) residuals.push_back(torch::randn({3, 9, 16}));
    const double lambda = 10000.0;
    const double expected = byHand(residuals, {5, 5, 5}, lambda);
    const double found = DecorrelationLoss(lambda)(residuals, 5).item<double>();
    QVERIFY2(std::fabs(found - expected) <= 1e-5 * std::fabs(expected),
             qPrintable(QString("loss %1, by hand %2").arg(found).arg(expected)));
  }

  void maskedFormCountsEachSequencesOwnInputs() {
    torch::manual_seed(8);
    std::vector<torch::Tensor> residuals;
    for (int l = 0; l < 3; ++l) residuals.push_back(torch::randn({2, 6, 8}));
    auto counted = torch::zeros({2, 6}, torch::kBool);
    counted[0].narrow(0, 1, 2).fill_(true);  // P = 2
    counted[1].narrow(0, 1, 4).fill_(true);  // P = 4
    // The definition's 1/(B·P) becomes 1/(number of counted tokens) = 1/6.
    std::vector<torch::Tensor> r = residuals;
    double expected = 0;
    for (int l = 0; l < 2; ++l) {
      double sum = 0;
      for (int b = 0; b < 2; ++b) {
        for (int t = 1; t <= (b == 0 ? 2 : 4); ++t) {
          const double c = torch::cosine_similarity(r[l][b][0], r[l][b][t], 0).item<double>();
          sum += c * c;
        }
      }
      expected += sum / 6.0;
    }
    expected = 3.0 * expected / 2.0;
    const double found = DecorrelationLoss(3.0).masked(residuals, counted).item<double>();
    QVERIFY(std::fabs(found - expected) < 1e-5 * std::fabs(expected));
  }

  void gradientsReachOnlyCountedTokensAndLayers() {
    torch::manual_seed(9);
    std::vector<torch::Tensor> residuals;
    for (int l = 0; l < 3; ++l) residuals.push_back(torch::randn({2, 5, 4}).requires_grad_(true));
    DecorrelationLoss(1.0)(residuals, 2).backward();
    const auto g0 = residuals[0].grad();
    QVERIFY(g0.narrow(1, 0, 3).abs().sum().item<double>() > 0);     // BOS and t = 1, 2
    QCOMPARE(g0.narrow(1, 3, 2).abs().sum().item<double>(), 0.0);   // outputs
    QVERIFY(!residuals[2].grad().defined() || residuals[2].grad().abs().sum().item<double>() == 0.0);
  }

  void rejectsBadShapes() {
    const DecorrelationLoss loss(1.0);
    QVERIFY_THROWS_EXCEPTION(ShapeError, loss({torch::randn({1, 4, 2})}, 2));
    QVERIFY_THROWS_EXCEPTION(ShapeError, loss({torch::randn({1, 4, 2}), torch::randn({1, 4, 2})}, 4));
    QVERIFY_THROWS_EXCEPTION(ShapeError, loss({torch::randn({1, 4, 2}), torch::randn({1, 5, 2})}, 2));
  }
};

QTEST_GUILESS_MAIN(DecorrelationLossTest)
#include "DecorrelationLossTest.moc"
