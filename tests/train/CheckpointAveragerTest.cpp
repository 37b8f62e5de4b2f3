#include <QtTest>

#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/train/CheckpointAverager.h"

using namespace sinkscope;

namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("avg-test-" + std::to_string(::getpid()) + "-" + name)).string();
}

void writeFile(const std::string& path, const std::vector<float>& weight, float bias, std::int64_t counter) {
  SafetensorsWriter writer;
  writer.add("layer.weight", HostTensor({2, 2}, weight));
  writer.add("layer.bias", HostTensor({1}, {bias}));
  writer.add("steps", DType::I64, {1}, &counter, sizeof(counter));
  writer.write(path);
}

}  // namespace

class CheckpointAveragerTest : public QObject {
  Q_OBJECT

 private slots:
  void averagesFloatTensorsElementwise() {
    const std::string a = tempPath("a.safetensors"), b = tempPath("b.safetensors"), c = tempPath("c.safetensors");
    const std::string out = tempPath("out.safetensors");
    writeFile(a, {1, 2, 3, 4}, 0.5f, 10);
    writeFile(b, {3, 2, 1, 0}, 1.5f, 20);
    writeFile(c, {2, 8, -1, 5}, -2.0f, 30);
    CheckpointAverager::average({a, b, c}, out);
    auto file = SafetensorsFile::open(out);
    const HostTensor weight = file->tensor("layer.weight").toFloat();
    QCOMPARE(weight.shape, (std::vector<std::int64_t>{2, 2}));
    QCOMPARE(weight.values, (std::vector<float>{2.0f, 4.0f, 1.0f, 3.0f}));
    QCOMPARE(file->tensor("layer.bias").toFloat().values[0], 0.0f);
    // Integer tensors are not averaged: the first file's value is kept.
    QCOMPARE(file->tensor("steps").dtype, DType::I64);
    QCOMPARE(file->tensor("steps").toFloat().values[0], 10.0f);
    file.reset();
    for (const auto& p : {a, b, c, out}) std::filesystem::remove(p);
  }

  void refusesCheckpointsOfDifferentModels() {
    const std::string a = tempPath("d.safetensors"), b = tempPath("e.safetensors");
    writeFile(a, {1, 2, 3, 4}, 0.5f, 1);
    SafetensorsWriter other;
    other.add("layer.weight", HostTensor({4}, {1, 2, 3, 4}));
    other.add("layer.bias", HostTensor({1}, {0.0f}));
    std::int64_t counter = 1;
    other.add("steps", DType::I64, {1}, &counter, sizeof(counter));
    other.write(b);
    QVERIFY_THROWS_EXCEPTION(ShapeError, CheckpointAverager::average({a, b}, tempPath("f.safetensors")));
    QVERIFY_THROWS_EXCEPTION(Error, CheckpointAverager::average({}, tempPath("f.safetensors")));
    std::filesystem::remove(a);
    std::filesystem::remove(b);
  }
};

QTEST_GUILESS_MAIN(CheckpointAveragerTest)
#include "CheckpointAveragerTest.moc"
