#include <QtTest>

#include <fstream>
#include <iterator>

#include "core/base/Error.h"
#include "core/io/NpyWriter.h"
#include "core/io/Safetensors.h"

using sinkscope::DType;
using sinkscope::NpyWriter;

namespace {

const std::string kNpyFixtures = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/io/npy";

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

class NpyWriterTest : public QObject {
  Q_OBJECT

 private slots:
  // Each array of npy/source.safetensors, written by NpyWriter, is byte-identical to
  // numpy's np.save of it.
  void matchesNumpyBytes_data() {
    QTest::addColumn<QString>("name");
    for (const char* name : {"f32_matrix", "f32_scalar", "f32_empty", "u8_image", "u8_long",
                             "i64_tokens"}) {
      QTest::newRow(name) << QString(name);
    }
  }

  void matchesNumpyBytes() {
    QFETCH(QString, name);
    const auto source = sinkscope::SafetensorsFile::open(kNpyFixtures + "/source.safetensors");
    const auto view = source->tensor(name.toStdString());
    QTemporaryDir dir;
    const std::string path = dir.filePath(name + ".npy").toStdString();
    NpyWriter::write(path, view.dtype, view.shape, view.data, view.byteSize);
    const std::string written = readAll(path);
    const std::string expected = readAll(kNpyFixtures + "/" + name.toStdString() + ".npy");
    QVERIFY(!expected.empty());
    QCOMPARE(written.size(), expected.size());
    QVERIFY(written == expected);
  }

  void typedOverloadsMatchNumpy() {
    const auto source = sinkscope::SafetensorsFile::open(kNpyFixtures + "/source.safetensors");
    QTemporaryDir dir;
    const std::string f32Path = dir.filePath("f.npy").toStdString();
    NpyWriter::write(f32Path, source->tensor("f32_matrix").toFloat());
    QVERIFY(readAll(f32Path) == readAll(kNpyFixtures + "/f32_matrix.npy"));

    const auto u8 = source->tensor("u8_image");
    const std::string u8Path = dir.filePath("u.npy").toStdString();
    NpyWriter::write(u8Path, u8.shape, std::vector<std::uint8_t>(u8.data, u8.data + u8.byteSize));
    QVERIFY(readAll(u8Path) == readAll(kNpyFixtures + "/u8_image.npy"));

    const std::string i64Path = dir.filePath("i.npy").toStdString();
    NpyWriter::write(i64Path, {5}, std::vector<std::int64_t>{128000, 0, -1, std::int64_t(1) << 62, 7});
    QVERIFY(readAll(i64Path) == readAll(kNpyFixtures + "/i64_tokens.npy"));
  }

  void headerIsAligned() {
    for (const auto& shape : std::vector<std::vector<std::int64_t>>{
             {}, {1}, {123456789012345}, {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}}) {
      const auto header = NpyWriter::header(DType::F32, shape);
      QCOMPARE(header.size() % 64, std::size_t(0));
      QCOMPARE(header.back(), '\n');
      const auto length = std::size_t(std::uint8_t(header[8])) | std::size_t(std::uint8_t(header[9])) << 8;
      QCOMPARE(length + 10, header.size());
    }
  }

  void rejectsBadInput() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("x.npy").toStdString();
    const std::vector<float> three = {1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError, NpyWriter::write(path, {2, 2}, three));
    QVERIFY_THROWS_EXCEPTION(sinkscope::Error,
                             NpyWriter::write(path, DType::BF16, {1}, three.data(), 2));
    QVERIFY_THROWS_EXCEPTION(sinkscope::Error,
                             NpyWriter::write("/nonexistent-dir/x.npy", {3}, three));
  }
};

QTEST_GUILESS_MAIN(NpyWriterTest)
#include "NpyWriterTest.moc"
