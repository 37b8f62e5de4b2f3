// LibTorch before Qt: LibTorch has a member named slots(), Qt a macro of that name.
#include <torch/torch.h>

#include <QtTest>

#include <cstring>
#include <functional>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/model/WeightLoader.h"

using sinkscope::DType;
using sinkscope::Runtime;
using sinkscope::SafetensorsSet;
using sinkscope::SafetensorsWriter;
using sinkscope::WeightLoader;

namespace {

const std::string kFixtures = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/io";

struct TinyEncoderImpl : torch::nn::Module {
  explicit TinyEncoderImpl(int hidden) {
    fc1 = register_module("fc1", torch::nn::Linear(6, hidden));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  }
  torch::nn::Linear fc1{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(TinyEncoder);

// The network of scripts/fixtures/make_safetensors_fixtures.py (TinyNet), with the
// same parameter names; `extra` adds a layer the checkpoint does not have.
struct TinyNetImpl : torch::nn::Module {
  explicit TinyNetImpl(int hidden = 8, bool extra = false) {
    encoder = register_module("encoder", TinyEncoder(hidden));
    bn = register_module("bn", torch::nn::BatchNorm1d(hidden));
    head = register_module("head",
                           torch::nn::Linear(torch::nn::LinearOptions(hidden, 3).bias(false)));
    if (extra) this->extra = register_module("extra", torch::nn::Linear(3, 3));
  }

  torch::Tensor forward(torch::Tensor x) {  // [B, 6] -> [B, 3]
    x = torch::relu(encoder->norm(encoder->fc1(x)));  // [B, hidden]
    return head(bn(x));                               // [B, 3]
  }

  TinyEncoder encoder{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
  torch::nn::Linear head{nullptr};
  torch::nn::Linear extra{nullptr};
};
TORCH_MODULE(TinyNet);

// Every parameter and buffer with values no default initialiser produces.
TinyNet randomNet(std::uint64_t seed, int hidden = 8, bool extra = false) {
  torch::manual_seed(seed);
  TinyNet net(hidden, extra);
  torch::NoGradGuard noGrad;
  for (auto& p : net->parameters()) p.normal_(0.0, 0.5);
  net->bn->running_mean.normal_();
  net->bn->running_var.uniform_(0.5, 1.5);
  net->bn->num_batches_tracked.fill_(static_cast<std::int64_t>(seed % 100));
  net->eval();
  return net;
}

std::map<std::string, torch::Tensor> namedTensors(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : module.named_parameters(true)) out[item.key()] = item.value();
  for (const auto& item : module.named_buffers(true)) out[item.key()] = item.value();
  return out;
}

std::string errorOf(const std::function<void()>& action, const char* expectedType) {
  try {
    action();
  } catch (const sinkscope::ShapeError& e) {
    return std::string(expectedType) == "ShapeError" ? e.what() : "WRONG TYPE: " + std::string(e.what());
  } catch (const sinkscope::FormatError& e) {
    return std::string(expectedType) == "FormatError" ? e.what() : "WRONG TYPE: " + std::string(e.what());
  } catch (const std::exception& e) {
    return std::string("WRONG TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class WeightLoaderTest : public QObject {
  Q_OBJECT

 private slots:
  void toTensorCopiesEveryDtype() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("dtypes.safetensors").toStdString();
    const std::vector<std::pair<DType, torch::ScalarType>> table = {
        {DType::Bool, torch::kBool},   {DType::U8, torch::kUInt8},
        {DType::I8, torch::kInt8},     {DType::I16, torch::kInt16},
        {DType::I32, torch::kInt32},   {DType::I64, torch::kInt64},
        {DType::F16, torch::kFloat16}, {DType::BF16, torch::kBFloat16},
        {DType::F32, torch::kFloat32}, {DType::F64, torch::kFloat64}};
    SafetensorsWriter writer;
    std::map<std::string, std::vector<std::uint8_t>> written;
    for (const auto& [dtype, torchType] : table) {
      // Three elements of one byte / two bytes first: later tensors land misaligned
      // unless the writer orders the data, and toTensor must not care either way.
      const std::size_t bytes = 3 * 2 * sinkscope::dtypeSize(dtype);
      std::vector<std::uint8_t> data(bytes);
      for (std::size_t i = 0; i < bytes; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
      if (dtype == DType::Bool) data = {0, 1, 1, 0, 1, 0};
      const std::string name = "t_" + sinkscope::dtypeName(dtype);
      writer.add(name, dtype, {3, 2}, data.data(), data.size());
      written[name] = data;
    }
    writer.write(path);
    const auto set = SafetensorsSet::openFile(path);
    for (const auto& [dtype, torchType] : table) {
      const std::string name = "t_" + sinkscope::dtypeName(dtype);
      const auto tensor = WeightLoader::toTensor(set.tensor(name));
      QCOMPARE(tensor.scalar_type(), torchType);
      QCOMPARE(tensor.device().type(), torch::kCPU);
      QVERIFY(tensor.sizes().equals({3, 2}));
      QVERIFY(tensor.is_contiguous());
      QVERIFY2(std::memcmp(tensor.data_ptr(), written[name].data(), written[name].size()) == 0,
               name.c_str());
    }

    // Non-zero bool bytes other than 1 still read as true.
    sinkscope::TensorView odd;
    const std::uint8_t oddBytes[3] = {0, 2, 255};
    odd.name = "odd";
    odd.dtype = DType::Bool;
    odd.shape = {3};
    odd.data = oddBytes;
    odd.byteSize = 3;
    const auto flags = WeightLoader::toTensor(odd);
    QVERIFY(torch::equal(flags, torch::tensor({false, true, true})));

    sinkscope::TensorView u16 = odd;
    u16.name = "u16";
    u16.dtype = DType::U16;
    u16.shape = {1};
    u16.byteSize = 2;
    QVERIFY(contains(errorOf([&] { WeightLoader::toTensor(u16); }, "ShapeError"), "u16"));
  }

  // The loaded net reproduces PyTorch's output for the same checkpoint.
  void loadsCheckpointWrittenByPyTorch() {
    const auto weights = SafetensorsSet::openFile(kFixtures + "/tiny_net.safetensors");
    const auto io = SafetensorsSet::openFile(kFixtures + "/tiny_net_io.safetensors");
    TinyNet net = randomNet(123);
    WeightLoader::load(*net, weights, "net.", Runtime{});
    QCOMPARE(net->bn->num_batches_tracked.item<std::int64_t>(), std::int64_t(5));
    torch::NoGradGuard noGrad;
    const auto output = net->forward(WeightLoader::toTensor(io.tensor("input")));
    const auto expected = WeightLoader::toTensor(io.tensor("output"));
    const double maxError = (output - expected).abs().max().item<double>();
    qInfo("max |C++ - PyTorch| = %.3g", maxError);
    QVERIFY(maxError < 1e-5);
  }

  void saveLoadRoundTrip_data() {
    QTest::addColumn<int>("dtype");
    QTest::newRow("fp32") << int(torch::kFloat32);
    QTest::newRow("fp16") << int(torch::kFloat16);
    QTest::newRow("bf16") << int(torch::kBFloat16);
  }

  void saveLoadRoundTrip() {
    QFETCH(int, dtype);
    const auto type = static_cast<torch::ScalarType>(dtype);
    QTemporaryDir dir;
    const std::string path = dir.filePath("net.safetensors").toStdString();
    TinyNet source = randomNet(11);
    SafetensorsWriter writer;
    WeightLoader::save(*source, writer, "model.", type);
    writer.write(path);

    const auto weights = SafetensorsSet::openFile(path);
    const auto sourceTensors = namedTensors(*source);
    QCOMPARE(weights.keys().size(), sourceTensors.size());
    for (const auto& [name, tensor] : sourceTensors) {
      const auto view = weights.tensor("model." + name);
      QCOMPARE(view.dtype, tensor.is_floating_point() ? (type == torch::kFloat32   ? DType::F32
                                                         : type == torch::kFloat16 ? DType::F16
                                                                                   : DType::BF16)
                                                      : DType::I64);
    }

    TinyNet target = randomNet(22);
    const auto weightBefore = target->encoder->fc1->weight;
    WeightLoader::load(*target, weights, "model.", Runtime{torch::kCPU, type});

    QVERIFY(target->encoder->fc1->weight.is_same(weightBefore));
    QVERIFY(target->encoder->fc1->weight.requires_grad());
    for (const auto& [name, loaded] : namedTensors(*target)) {
      const auto& original = sourceTensors.at(name);
      if (original.is_floating_point()) {
        QCOMPARE(loaded.scalar_type(), type);
        QVERIFY2(torch::equal(loaded, original.to(type)), name.c_str());
      } else {
        QCOMPARE(loaded.scalar_type(), torch::kInt64);
        QVERIFY2(torch::equal(loaded, original), name.c_str());
      }
    }
    QCOMPARE(target->bn->num_batches_tracked.item<std::int64_t>(), std::int64_t(11));

    if (type == torch::kFloat32) {
      torch::NoGradGuard noGrad;
      const auto x = torch::randn({5, 6});
      QVERIFY(torch::equal(target->forward(x), source->forward(x)));
    }
  }

  void missingKeyNamesFileAndKey() {
    const std::string path = kFixtures + "/tiny_net.safetensors";
    const auto weights = SafetensorsSet::openFile(path);
    TinyNet net = randomNet(1, 8, /*extra=*/true);
    const auto message =
        errorOf([&] { WeightLoader::load(*net, weights, "net.", Runtime{}); }, "FormatError");
    QVERIFY2(contains(message, path) && contains(message, "'net.extra.weight'"), message.c_str());

    const auto wrongPrefix =
        errorOf([&] { WeightLoader::load(*randomNet(1), weights, "model.", Runtime{}); },
                "FormatError");
    QVERIFY2(contains(wrongPrefix, path) && contains(wrongPrefix, "model."), wrongPrefix.c_str());
  }

  void wrongShapeNamesExpectedAndFound() {
    const std::string path = kFixtures + "/tiny_net.safetensors";
    const auto weights = SafetensorsSet::openFile(path);
    TinyNet narrow = randomNet(1, /*hidden=*/5);
    const auto message =
        errorOf([&] { WeightLoader::load(*narrow, weights, "net.", Runtime{}); }, "ShapeError");
    QVERIFY2(contains(message, path + ": net.encoder.fc1.weight: expected [5, 6], found [8, 6]"),
             message.c_str());
  }

  void optionalKeysMayBeAbsent() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("no_counter.safetensors").toStdString();
    TinyNet source = randomNet(33);
    SafetensorsWriter full;
    WeightLoader::save(*source, full, "");
    full.write(path);
    // Re-written without the BatchNorm counter, as checkpoints converted from other
    // frameworks often are.
    const auto complete = SafetensorsSet::openFile(path);
    SafetensorsWriter partial;
    for (const auto& key : complete.keys()) {
      if (key == "bn.num_batches_tracked") continue;
      const auto view = complete.tensor(key);
      partial.add(key, view.dtype, view.shape, view.data, view.byteSize);
    }
    const std::string partialPath = dir.filePath("partial.safetensors").toStdString();
    partial.write(partialPath);
    const auto weights = SafetensorsSet::openFile(partialPath);

    const auto message = errorOf(
        [&] { WeightLoader::load(*randomNet(2), weights, "", Runtime{}); }, "FormatError");
    QVERIFY2(contains(message, "bn.num_batches_tracked"), message.c_str());

    TinyNet target = randomNet(44);
    WeightLoader::load(*target, weights, "", Runtime{torch::kCPU, torch::kFloat16},
                       {"*num_batches_tracked", "*.not_there"});
    QCOMPARE(target->bn->num_batches_tracked.item<std::int64_t>(), std::int64_t(44));
    QVERIFY(torch::equal(target->bn->running_var, source->bn->running_var.to(torch::kFloat16)));
    // Present optional keys are loaded like any other.
    TinyNet again = randomNet(55);
    WeightLoader::load(*again, complete, "", Runtime{}, {"*num_batches_tracked"});
    QCOMPARE(again->bn->num_batches_tracked.item<std::int64_t>(), std::int64_t(33));
  }
};

QTEST_GUILESS_MAIN(WeightLoaderTest)
#include "WeightLoaderTest.moc"
