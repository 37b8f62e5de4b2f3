// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include "core/model/FusedProjection.h"

using sinkscope::FusedProjection;

namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias = false) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace

// The fused q/k/v and gate/up GEMM against the projections run one by one.
class FusedProjectionTest : public QObject {
  Q_OBJECT

 private slots:
  void matchesSeparateProjectionsWithoutCopyingWeights() {
    torch::manual_seed(7);
    auto q = linear(48, 64), k = linear(48, 16), v = linear(48, 16);
    FusedProjection fused({q, k, v});
    const torch::Tensor x = torch::randn({2, 5, 48});
    torch::NoGradGuard noGrad;
    const auto out = fused.forward(x);
    QCOMPARE(out.size(), std::size_t{3});
    QVERIFY(maxDiff(out[0], q(x)) < 1e-5);
    QVERIFY(maxDiff(out[1], k(x)) < 1e-5);
    QVERIFY(maxDiff(out[2], v(x)) < 1e-5);
    QCOMPARE(out[1].sizes(), (torch::IntArrayRef{2, 5, 16}));
    // The weights are row blocks of one tensor: k starts where q ends.
    const auto rowBytes = 48 * static_cast<std::int64_t>(sizeof(float));
    QCOMPARE(static_cast<char*>(k->weight.data_ptr()) - static_cast<char*>(q->weight.data_ptr()), 64 * rowBytes);
    QCOMPARE(static_cast<char*>(v->weight.data_ptr()) - static_cast<char*>(k->weight.data_ptr()), 16 * rowBytes);
  }

  void inPlaceUpdatesAndReplacedWeightsAreSeen() {
    torch::manual_seed(8);
    auto gate = linear(32, 40), up = linear(32, 40);
    FusedProjection fused({gate, up});
    const torch::Tensor x = torch::randn({3, 32});
    torch::NoGradGuard noGrad;
    fused.forward(x);
    gate->weight.mul_(2.0);  // a loader's copy_ or an optimiser step
    QVERIFY(maxDiff(fused.forward(x)[0], gate(x)) < 1e-5);
    up->weight.set_data(torch::randn({40, 32}));  // a loader that assigns
    QVERIFY(maxDiff(fused.forward(x)[1], up(x)) < 1e-5);
    gate->to(torch::kDouble);  // a dtype move replaces every weight
    up->to(torch::kDouble);
    const auto out = fused.forward(x.to(torch::kDouble));
    QCOMPARE(out[0].scalar_type(), torch::kDouble);
    QVERIFY(maxDiff(out[0], gate(x.to(torch::kDouble))) < 1e-12);
  }

  void fusedUnderInferenceModeStillTrains() {
    torch::manual_seed(9);
    auto a = linear(16, 8), b = linear(16, 8);
    FusedProjection fused({a, b});
    const torch::Tensor x = torch::randn({4, 16});
    {
      c10::InferenceMode inference;  // how the engine runs: the fuse must not leave inference tensors
      fused.forward(x);
    }
    torch::optim::SGD sgd({a->weight, b->weight}, torch::optim::SGDOptions(0.1));
    const auto out = fused.forward(x);  // autograd on: one by one, gradients reach the weights
    (out[0].sum() + 2 * out[1].sum()).backward();
    QVERIFY(a->weight.grad().defined() && b->weight.grad().defined());
    QVERIFY(maxDiff(b->weight.grad(), 2 * a->weight.grad()) < 1e-5);
    const torch::Tensor before = b->weight.detach().clone();
    sgd.step();
    QVERIFY(maxDiff(b->weight, before) > 1e-4);
    torch::NoGradGuard noGrad;
    QVERIFY(maxDiff(fused.forward(x)[1], b(x)) < 1e-5);  // the step wrote through
  }

  void biasesRunOneByOne() {
    torch::manual_seed(10);
    auto a = linear(16, 8, true), b = linear(16, 4, true);
    FusedProjection fused({a, b});
    const torch::Tensor x = torch::randn({4, 16});
    torch::NoGradGuard noGrad;
    const auto out = fused.forward(x);
    QVERIFY(maxDiff(out[0], a(x)) < 1e-6);
    QVERIFY(maxDiff(out[1], b(x)) < 1e-6);
  }
};

QTEST_GUILESS_MAIN(FusedProjectionTest)
#include "FusedProjectionTest.moc"
