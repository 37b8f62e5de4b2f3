#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"

using sinkscope::DType;
using sinkscope::FormatError;
using sinkscope::SafetensorsFile;
using sinkscope::SafetensorsSet;
using sinkscope::SafetensorsWriter;

namespace {

const std::string kFixtures = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/io";
const std::string kBadModels = std::string(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/bad_models";

nlohmann::json readJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

std::uint32_t bitsOf(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// Exact equality of float32 bit patterns, except that any NaN matches any NaN
// (payloads are not part of the contract).
bool sameFloat(float actual, std::uint32_t expectedBits) {
  float expected;
  std::memcpy(&expected, &expectedBits, sizeof expected);
  if (std::isnan(expected)) return std::isnan(actual);
  return bitsOf(actual) == expectedBits;
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string lengthPrefix(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

// A safetensors file from a header text and a data section.
std::string safetensorsBytes(const std::string& header, std::size_t dataBytes) {
  return lengthPrefix(header.size()) + header + std::string(dataBytes, '\x01');
}

// The FormatError message of `action`, or a test failure when it throws nothing
// or another type.
std::string formatErrorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const FormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("WRONG EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

std::vector<std::uint8_t> patternBytes(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(n);
  std::uint32_t state = 2166136261u ^ seed;
  for (auto& b : bytes) {
    state = state * 16777619u + 12345u;
    b = static_cast<std::uint8_t>(state >> 13);
  }
  return bytes;
}

}  // namespace

class SafetensorsTest : public QObject {
  Q_OBJECT

 private slots:
  void dtypeNamesAndSizes() {
    const std::vector<std::tuple<DType, std::string, std::size_t>> table = {
        {DType::F64, "F64", 8},  {DType::F32, "F32", 4},        {DType::F16, "F16", 2},
        {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8},       {DType::I32, "I32", 4},
        {DType::I16, "I16", 2},  {DType::I8, "I8", 1},          {DType::U8, "U8", 1},
        {DType::U16, "U16", 2},  {DType::U32, "U32", 4},        {DType::U64, "U64", 8},
        {DType::Bool, "BOOL", 1}, {DType::F8E4M3, "F8_E4M3", 1}, {DType::F8E5M2, "F8_E5M2", 1}};
    for (const auto& [dtype, name, size] : table) {
      QCOMPARE(sinkscope::dtypeName(dtype), name);
      QCOMPARE(sinkscope::dtypeSize(dtype), size);
      QVERIFY(sinkscope::dtypeFromName(name) == dtype);
    }
    const auto message = formatErrorOf([] { sinkscope::dtypeFromName("F128"); });
    QVERIFY2(message.find("F128") != std::string::npos, message.c_str());
  }

  void writerRoundTripsEveryDtype() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("all.safetensors").toStdString();
    const std::vector<DType> dtypes = {DType::F64, DType::F32, DType::F16, DType::BF16,
                                       DType::I64, DType::I32, DType::I16, DType::I8,
                                       DType::U8,  DType::U16, DType::U32, DType::U64,
                                       DType::Bool, DType::F8E4M3, DType::F8E5M2};
    SafetensorsWriter writer;
    std::map<std::string, std::vector<std::uint8_t>> written;
    std::map<std::string, std::vector<std::int64_t>> shapes;
    // Odd element counts make the packing order matter for alignment.
    for (std::size_t i = 0; i < dtypes.size(); ++i) {
      const auto dtype = dtypes[i];
      const std::string name = "t_" + sinkscope::dtypeName(dtype);
      const std::vector<std::int64_t> shape = {3, static_cast<std::int64_t>(i % 4) + 1};
      auto bytes = patternBytes(static_cast<std::size_t>(shape[0] * shape[1]) *
                                    sinkscope::dtypeSize(dtype),
                                static_cast<std::uint8_t>(i));
      if (dtype == DType::Bool) {
        for (auto& b : bytes) b &= 1;
      }
      writer.add(name, dtype, shape, bytes.data(), bytes.size());
      written[name] = bytes;
      shapes[name] = shape;
    }
    const float scalar = -1.5f;
    writer.add("scalar", DType::F32, {}, &scalar, sizeof scalar);
    writer.add("empty", DType::F16, {0, 7}, nullptr, 0);
    writer.add("host", sinkscope::HostTensor({2, 2}, {1.0f, 2.0f, 3.0f, 4.5f}));
    writer.setMetadata("format", "pt");
    writer.setMetadata("z-last", "ä value with spaces");
    QVERIFY(writer.contains("host"));
    QVERIFY(!writer.contains("missing"));
    writer.write(path);

    const auto file = SafetensorsFile::open(path);
    const auto keys = file->keys();
    QCOMPARE(int(keys.size()), int(dtypes.size()) + 3);
    QVERIFY(std::is_sorted(keys.begin(), keys.end()));
    QCOMPARE(file->metadata().at("format"), std::string("pt"));
    QCOMPARE(file->metadata().at("z-last"), std::string("ä value with spaces"));

    std::ifstream in(path, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) headerSize = headerSize << 8 | static_cast<std::uint8_t>(raw[i]);
    QCOMPARE(headerSize % 8, std::uint64_t(0));
    const std::string header = raw.substr(8, headerSize);
    QVERIFY(header.front() == '{');
    QVERIFY(header.find_last_not_of(' ') == header.rfind('}'));
    const auto json = nlohmann::json::parse(header);
    const auto* dataStart = reinterpret_cast<const std::uint8_t*>(raw.data()) + 8 + headerSize;

    std::size_t totalBytes = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (const auto& [name, bytes] : written) {
      const auto view = file->tensor(name);
      QCOMPARE(view.name, name);
      QVERIFY(view.shape == shapes[name]);
      QCOMPARE(view.byteSize, bytes.size());
      QVERIFY(std::memcmp(view.data, bytes.data(), bytes.size()) == 0);
      const auto begin = json[name]["data_offsets"][0].get<std::uint64_t>();
      QCOMPARE(begin % sinkscope::dtypeSize(view.dtype), std::uint64_t(0));
      QVERIFY(std::memcmp(dataStart + begin, bytes.data(), bytes.size()) == 0);
    }
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (it.key() == "__metadata__") continue;
      ranges.push_back({it.value()["data_offsets"][0], it.value()["data_offsets"][1]});
      totalBytes += ranges.back().second - ranges.back().first;
    }
    std::sort(ranges.begin(), ranges.end());
    for (std::size_t i = 1; i < ranges.size(); ++i) QCOMPARE(ranges[i].first, ranges[i - 1].second);
    QCOMPARE(raw.size(), 8 + headerSize + totalBytes);

    const auto scalarView = file->tensor("scalar");
    QVERIFY(scalarView.shape.empty());
    QCOMPARE(scalarView.numel(), std::int64_t(1));
    QCOMPARE(scalarView.toFloat().values, std::vector<float>{-1.5f});
    QCOMPARE(file->tensor("empty").numel(), std::int64_t(0));
    QCOMPARE(file->tensor("empty").byteSize, std::size_t(0));
    QCOMPARE(file->tensor("host").toFloat().values, (std::vector<float>{1.0f, 2.0f, 3.0f, 4.5f}));

    const auto absent = formatErrorOf([&] { file->tensor("nope"); });
    QVERIFY2(absent.find("all.safetensors") != std::string::npos &&
                 absent.find("nope") != std::string::npos,
             absent.c_str());
  }

  void writerRejectsInconsistentInput() {
    SafetensorsWriter writer;
    const float values[2] = {1.0f, 2.0f};
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError,
                             writer.add("w", DType::F32, {3}, values, sizeof values));
    QVERIFY_THROWS_EXCEPTION(sinkscope::ShapeError,
                             writer.add("w", DType::F32, {-2}, values, sizeof values));
    writer.add("w", DType::F32, {2}, values, sizeof values);
    QVERIFY_THROWS_EXCEPTION(sinkscope::Error, writer.add("w", DType::F32, {2}, values, 8));
    QVERIFY_THROWS_EXCEPTION(sinkscope::Error,
                             writer.add("__metadata__", DType::F32, {2}, values, 8));
    QVERIFY_THROWS_EXCEPTION(sinkscope::Error, writer.write("/nonexistent-dir/x.safetensors"));
  }

  void toFloatConvertsExactly() {
    auto convert = [](DType dtype, const std::vector<std::uint8_t>& bytes) {
      sinkscope::TensorView view;
      view.name = "v";
      view.dtype = dtype;
      view.shape = {static_cast<std::int64_t>(bytes.size() / sinkscope::dtypeSize(dtype))};
      view.data = bytes.data();
      view.byteSize = bytes.size();
      return view.toFloat().values;
    };
    // Half: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), 2^-14 (smallest normal),
    // -0, +inf, 1/3 rounded (0x3555 = 0.333251953125).
    const auto half = convert(DType::F16, {0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00,
                                           0x04, 0x00, 0x80, 0x00, 0x7c, 0x55, 0x35, 0x01, 0x7e});
    QCOMPARE(half[0], 1.0f);
    QCOMPARE(half[1], -2.0f);
    QCOMPARE(half[2], 65504.0f);
    QCOMPARE(half[3], std::ldexp(1.0f, -24));
    QCOMPARE(half[4], std::ldexp(1.0f, -14));
    QCOMPARE(bitsOf(half[5]), 0x80000000u);
    QVERIFY(std::isinf(half[6]) && half[6] > 0);
    QCOMPARE(half[7], 0.333251953125f);
    QVERIFY(std::isnan(half[8]));
    // bfloat16: 1.0, -3.0, 0x0001 (a float32 subnormal), 0x7f80 (+inf).
    const auto bf = convert(DType::BF16, {0x80, 0x3f, 0x40, 0xc0, 0x01, 0x00, 0x80, 0x7f});
    QCOMPARE(bf[0], 1.0f);
    QCOMPARE(bf[1], -3.0f);
    QCOMPARE(bitsOf(bf[2]), 0x00010000u);
    QVERIFY(std::isinf(bf[3]));
    // FP8 E4M3 (fn): 448 (max), 2^-9 (smallest subnormal), 2^-6 (smallest normal), -1.5, NaN.
    const auto e4m3 = convert(DType::F8E4M3, {0x7e, 0x01, 0x08, 0xbc, 0x7f});
    QCOMPARE(e4m3[0], 448.0f);
    QCOMPARE(e4m3[1], std::ldexp(1.0f, -9));
    QCOMPARE(e4m3[2], std::ldexp(1.0f, -6));
    QCOMPARE(e4m3[3], -1.5f);
    QVERIFY(std::isnan(e4m3[4]));
    // FP8 E5M2: 57344 (max), 2^-16 (smallest subnormal), -inf.
    const auto e5m2 = convert(DType::F8E5M2, {0x7b, 0x01, 0xfc});
    QCOMPARE(e5m2[0], 57344.0f);
    QCOMPARE(e5m2[1], std::ldexp(1.0f, -16));
    QVERIFY(std::isinf(e5m2[2]) && e5m2[2] < 0);
    // Integers and bool.
    QCOMPARE(convert(DType::I16, {0xff, 0xff, 0x00, 0x80}), (std::vector<float>{-1.0f, -32768.0f}));
    QCOMPARE(convert(DType::U16, {0xff, 0xff}), std::vector<float>{65535.0f});
    QCOMPARE(convert(DType::I8, {0x80, 0x7f}), (std::vector<float>{-128.0f, 127.0f}));
    QCOMPARE(convert(DType::U32, {0x00, 0x00, 0x00, 0x80}), std::vector<float>{2147483648.0f});
    QCOMPARE(convert(DType::Bool, {0, 1, 1}), (std::vector<float>{0.0f, 1.0f, 1.0f}));
    const double d = -0.1;
    std::vector<std::uint8_t> dBytes(8);
    std::memcpy(dBytes.data(), &d, 8);
    QCOMPARE(convert(DType::F64, dBytes), std::vector<float>{static_cast<float>(d)});
  }

  void readsReferenceWriterFixture() {
    const std::string path = kFixtures + "/reference.safetensors";
    const auto expected = readJson(kFixtures + "/reference_expected.json");
    const auto file = SafetensorsFile::open(path);
    QCOMPARE(file->metadata().size(), expected["metadata"].size());
    for (auto it = expected["metadata"].begin(); it != expected["metadata"].end(); ++it) {
      QCOMPARE(file->metadata().at(it.key()), it.value().get<std::string>());
    }
    for (auto it = expected["tensors"].begin(); it != expected["tensors"].end(); ++it) {
      const std::string name = it.key();
      const auto& want = it.value();
      const auto view = file->tensor(name);
      QCOMPARE(sinkscope::dtypeName(view.dtype), want["dtype"].get<std::string>());
      QVERIFY2(view.shape == want["shape"].get<std::vector<std::int64_t>>(), name.c_str());
      const auto raw = want["raw"].get<std::vector<std::int64_t>>();
      QCOMPARE(view.numel(), std::int64_t(raw.size()));
      const auto elementSize = sinkscope::dtypeSize(view.dtype);
      for (std::size_t i = 0; i < raw.size(); ++i) {
        std::int64_t stored = 0;
        std::memcpy(&stored, view.data + i * elementSize, elementSize);
        if (view.dtype == DType::I64 || elementSize == 8) {
          QCOMPARE(stored, raw[i]);
        } else {
          const std::uint64_t mask = (std::uint64_t(1) << (8 * elementSize)) - 1;
          QCOMPARE(static_cast<std::uint64_t>(stored) & mask, static_cast<std::uint64_t>(raw[i]));
        }
      }
      const auto host = view.toFloat();
      const auto bits = want["f32_bits"].get<std::vector<std::uint32_t>>();
      QCOMPARE(host.values.size(), bits.size());
      for (std::size_t i = 0; i < bits.size(); ++i) {
        QVERIFY2(sameFloat(host.values[i], bits[i]),
                 (name + "[" + std::to_string(i) + "]").c_str());
      }
    }
    // Every half bit pattern against torch's own conversion of it.
    const auto patterns = file->tensor("f16_every_pattern").toFloat();
    const auto reference = file->tensor("f16_every_pattern_as_f32");
    QCOMPARE(patterns.numel(), std::int64_t(65536));
    int mismatches = 0;
    for (std::size_t i = 0; i < 65536; ++i) {
      std::uint32_t refBits;
      std::memcpy(&refBits, reference.data + 4 * i, 4);
      if (!sameFloat(patterns.values[i], refBits)) ++mismatches;
    }
    QCOMPARE(mismatches, 0);
  }

  void opensShardedSet() {
    const std::string dir = kFixtures + "/sharded";
    const auto expected = readJson(dir + "/expected.json");
    for (const auto& set : {SafetensorsSet::openDirectory(dir),
                            SafetensorsSet::openFile(dir + "/model.safetensors.index.json")}) {
      QCOMPARE(set.description(), dir + "/model.safetensors.index.json");
      QCOMPARE(set.keys().size(), expected.size());
      for (auto it = expected.begin(); it != expected.end(); ++it) {
        QVERIFY(set.contains(it.key()));
        QCOMPARE(set.fileOf(it.key()), dir + "/" + it.value()["file"].get<std::string>());
        const auto host = set.tensor(it.key()).toFloat();
        QVERIFY(host.shape == it.value()["shape"].get<std::vector<std::int64_t>>());
        const auto bits = it.value()["f32_bits"].get<std::vector<std::uint32_t>>();
        for (std::size_t i = 0; i < bits.size(); ++i) QVERIFY(sameFloat(host.values[i], bits[i]));
      }
      const auto missing = formatErrorOf([&] { set.tensor("lm_head.weight"); });
      QVERIFY2(missing.find("model.safetensors.index.json") != std::string::npos &&
                   missing.find("lm_head.weight") != std::string::npos,
               missing.c_str());
    }
    const auto single = SafetensorsSet::openDirectory(kFixtures, "reference");
    QCOMPARE(single.description(), kFixtures + "/reference.safetensors");
    QVERIFY(single.contains("u8_image"));
  }

  void shardErrorsNameIndexAndKey() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    const float one = 1.0f;
    SafetensorsWriter a;
    a.add("a.weight", DType::F32, {1}, &one, 4);
    a.write(root + "/shard-a.safetensors");
    SafetensorsWriter b;
    b.add("b.weight", DType::F32, {1}, &one, 4);
    b.write(root + "/shard-b.safetensors");

    writeBytes(root + "/wrong.safetensors.index.json",
               R"({"weight_map": {"a.weight": "shard-a.safetensors", "b.weight": "shard-a.safetensors"}})");
    auto message = formatErrorOf([&] { SafetensorsSet::openDirectory(root, "wrong"); });
    QVERIFY2(message.find("wrong.safetensors.index.json") != std::string::npos &&
                 message.find("'b.weight'") != std::string::npos &&
                 message.find("shard-a.safetensors") != std::string::npos,
             message.c_str());

    writeBytes(root + "/lost.safetensors.index.json",
               R"({"weight_map": {"a.weight": "shard-a.safetensors", "b.weight": "gone.safetensors"}})");
    message = formatErrorOf([&] { SafetensorsSet::openDirectory(root, "lost"); });
    QVERIFY2(message.find("lost.safetensors.index.json") != std::string::npos &&
                 message.find("gone.safetensors") != std::string::npos &&
                 message.find("b.weight") != std::string::npos,
             message.c_str());

    writeBytes(root + "/nomap.safetensors.index.json", R"({"metadata": {}})");
    message = formatErrorOf([&] { SafetensorsSet::openDirectory(root, "nomap"); });
    QVERIFY2(message.find("weight_map") != std::string::npos, message.c_str());

    writeBytes(root + "/badjson.safetensors.index.json", "{\"weight_map\": ");
    message = formatErrorOf([&] { SafetensorsSet::openDirectory(root, "badjson"); });
    QVERIFY2(message.find("badjson.safetensors.index.json") != std::string::npos, message.c_str());

    message = formatErrorOf([&] { SafetensorsSet::openDirectory(root, "model"); });
    QVERIFY2(message.find(root) != std::string::npos &&
                 message.find("model.safetensors") != std::string::npos,
             message.c_str());
    message = formatErrorOf([&] { SafetensorsSet::openDirectory(root + "/no-such-dir"); });
    QVERIFY2(message.find("no-such-dir") != std::string::npos, message.c_str());
  }

  void malformedFilesThrowFormatError_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("reason");
    auto row = [](const char* tag, const std::string& bytes, const char* key, const char* reason) {
      QTest::newRow(tag) << QByteArray(bytes.data(), int(bytes.size())) << QString(key)
                         << QString(reason);
    };
    row("empty", "", "", "empty file");
    row("shorter than 8 bytes", std::string("\x05\0\0\0\0", 5), "", "shorter than the 8-byte");
    row("header beyond file", lengthPrefix(1000) + "{}", "", "goes beyond the file");
    row("header length huge", lengthPrefix(~std::uint64_t(0)) + "{}", "", "goes beyond the file");
    row("invalid json", safetensorsBytes(R"({"w": {"dtype": )", 0), "", "not valid JSON");
    row("invalid utf8", safetensorsBytes("{\"\xff\xfe\": 1}", 0), "", "not valid JSON");
    row("not an object", safetensorsBytes("[1, 2]", 0), "", "not a JSON object");
    row("entry not object", safetensorsBytes(R"({"w": 3})", 0), "w", "not a JSON object");
    row("missing dtype", safetensorsBytes(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", 4), "w",
        "missing 'dtype'");
    row("missing shape", safetensorsBytes(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", 4), "w",
        "missing 'shape'");
    row("missing offsets", safetensorsBytes(R"({"w":{"dtype":"F32","shape":[1]}})", 4), "w",
        "missing 'data_offsets'");
    row("dtype not string",
        safetensorsBytes(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4), "w",
        "'dtype' is not a string");
    row("shape not array",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}})", 4), "w",
        "'shape' is not an array");
    row("shape float",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4), "w",
        "is not a dimension");
    row("offsets not pair",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4), "w",
        "not a [begin, end] pair");
    row("offsets negative",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", 4), "w",
        "not non-negative integers");
    row("unknown dtype",
        safetensorsBytes(R"({"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", 16), "w",
        "unknown dtype 'F128'");
    row("negative dim",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}})", 16), "w",
        "negative dimension -1");
    row("begin after end",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8), "w",
        "begin 8 > end 4");
    row("end beyond data",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[100],"data_offsets":[0,400]}})", 4), "w",
        "beyond the data section");
    row("size mismatch",
        safetensorsBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4), "w",
        "byte size 4 != 8");
    row("shape overflow",
        safetensorsBytes(
            R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,4]}})", 4),
        "w", "too large");
    row("overlap",
        safetensorsBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                         12),
        "b", "overlap tensor 'a'");
    row("metadata not map", safetensorsBytes(R"({"__metadata__": [1, 2]})", 0), "__metadata__",
        "not a string-to-string map");
    row("metadata value not string", safetensorsBytes(R"({"__metadata__": {"k": 1}})", 0),
        "__metadata__", "'k' is not a string");
    row("random bytes", std::string("\x13\x02\x00\x00\x00\x00\x00\x00garbage", 15), "",
        "goes beyond the file");
  }

  void malformedFilesThrowFormatError() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, key);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const std::string path = dir.filePath("case.safetensors").toStdString();
    writeBytes(path, bytes.toStdString());
    const auto message = formatErrorOf([&] { SafetensorsFile::open(path); });
    QVERIFY2(message.find(path) != std::string::npos, message.c_str());
    QVERIFY2(message.find(reason.toStdString()) != std::string::npos, message.c_str());
    if (!key.isEmpty()) {
      QVERIFY2(message.find(key.toStdString()) != std::string::npos, message.c_str());
    }
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
  }

  // The committed corpus (tests/fixtures/bad_models, see its README.md): every
  // safetensors-level case gives a FormatError naming the file, key and reason.
  void badModelCorpus_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("opener");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QStringList>("parts");
    const auto manifest = readJson(kBadModels + "/cases.json");
    std::set<std::string> listed;
    for (const auto& c : manifest["cases"]) {
      const auto path = c["path"].get<std::string>();
      listed.insert(path);
      const auto opener = c["open"].get<std::string>();
      if (opener != "safetensors" && opener != "safetensors_dir") continue;
      QStringList parts;
      for (const auto& part : c["contains"]) parts << QString::fromStdString(part.get<std::string>());
      QTest::newRow(path.c_str()) << QString::fromStdString(path) << QString::fromStdString(opener)
                                  << QString::fromStdString(c["error"].get<std::string>()) << parts;
    }
    QVERIFY(listed.size() >= 10);
    // A fixture nobody checks is worse than none: every entry must be in the manifest.
    for (const auto& entry : QDir(QString::fromStdString(kBadModels))
                                 .entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
      if (entry == "README.md" || entry == "cases.json") continue;
      QVERIFY2(listed.count(entry.toStdString()), qPrintable(entry + " is not in cases.json"));
    }
  }

  void badModelCorpus() {
    QFETCH(QString, path);
    QFETCH(QString, opener);
    QFETCH(QString, error);
    QFETCH(QStringList, parts);
    QCOMPARE(error, QString("FormatError"));
    const std::string full = kBadModels + "/" + path.toStdString();
    const auto message = formatErrorOf([&] {
      if (opener == "safetensors") {
        SafetensorsFile::open(full);
      } else {
        SafetensorsSet::openDirectory(full);
      }
    });
    qInfo("%s", message.c_str());
    for (const auto& part : parts) {
      QVERIFY2(message.find(part.toStdString()) != std::string::npos, message.c_str());
    }
    QVERIFY2(message.find(kBadModels) != std::string::npos, message.c_str());
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
  }

  // Seeded random damage (byte flips, mostly in the header, and truncation) of a
  // valid file: opening either works, with every tensor readable, or throws
  // FormatError; nothing else, and no crash (run under scripts/asan.sh too).
  void corruptedFilesOpenOrThrowFormatError() {
    QTemporaryDir dir;
    const std::string validPath = dir.filePath("valid.safetensors").toStdString();
    SafetensorsWriter writer;
    const std::vector<float> f = {1.0f, -2.0f, 3.5f, 0.25f, 8.0f, -1.0f};
    const std::vector<std::uint16_t> h = {0x3c00, 0xc000, 0x7bff};
    const std::vector<std::int64_t> ids = {5, -7};
    writer.add("model.layers.0.weight", DType::F32, {2, 3}, f.data(), f.size() * 4);
    writer.add("model.norm.weight", DType::F16, {3}, h.data(), h.size() * 2);
    writer.add("ids", DType::I64, {2}, ids.data(), ids.size() * 8);
    writer.setMetadata("format", "pt");
    writer.write(validPath);
    std::ifstream in(validPath, std::ios::binary);
    const std::string valid((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t headerEnd = valid.size() - (f.size() * 4 + h.size() * 2 + ids.size() * 8);

    std::mt19937 rng(20240611);
    const std::string path = dir.filePath("damaged.safetensors").toStdString();
    int opened = 0;
    int refused = 0;
    for (int iteration = 0; iteration < 3000; ++iteration) {
      std::string bytes = valid;
      if (iteration % 5 == 0) {
        bytes.resize(rng() % bytes.size());
      } else {
        const int flips = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < flips; ++k) {
          const std::size_t at = (rng() % 4 != 0) ? rng() % headerEnd : rng() % bytes.size();
          bytes[at] = static_cast<char>(rng() % 256);
        }
      }
      // Unlinked first: rewriting a file in place through truncation makes ext4 flush
      // it to disk on close, which costs seconds over thousands of iterations.
      std::remove(path.c_str());
      writeBytes(path, bytes);
      try {
        const auto file = SafetensorsFile::open(path);
        for (const auto& key : file->keys()) {
          const auto view = file->tensor(key);
          QCOMPARE(static_cast<std::size_t>(view.numel()) * sinkscope::dtypeSize(view.dtype),
                   view.byteSize);
          QCOMPARE(view.toFloat().values.size(), static_cast<std::size_t>(view.numel()));
        }
        ++opened;
      } catch (const FormatError& e) {
        QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find('\n') == std::string::npos, e.what());
        ++refused;
      }
    }
    qInfo("damaged files: %d opened, %d refused with FormatError", opened, refused);
    QVERIFY(refused > 1000);
  }

  void emptyTensorsMayShareOffsets() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("zero.safetensors").toStdString();
    writeBytes(path, safetensorsBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                      R"("z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
                                      8));
    const auto file = SafetensorsFile::open(path);
    QCOMPARE(file->tensor("z").numel(), std::int64_t(0));
  }

  void missingFileAndDirectoryThrow() {
    QTemporaryDir dir;
    const std::string missing = dir.filePath("absent.safetensors").toStdString();
    auto message = formatErrorOf([&] { SafetensorsFile::open(missing); });
    QVERIFY2(message.find(missing) != std::string::npos, message.c_str());
    message = formatErrorOf([&] { SafetensorsFile::open(dir.path().toStdString()); });
    QVERIFY2(message.find("is a directory") != std::string::npos, message.c_str());
    message = formatErrorOf([&] { SafetensorsSet::openFile(missing); });
    QVERIFY2(message.find(missing) != std::string::npos, message.c_str());
  }
};

QTEST_GUILESS_MAIN(SafetensorsTest)
#include "SafetensorsTest.moc"
