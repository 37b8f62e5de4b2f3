// A trace saved and loaded again is the same trace (sessions replay without the
// model), and damaged or foreign files are refused with the file named.
#include <QtTest>

#include <fstream>

#include "core/base/Error.h"
#include "core/io/Safetensors.h"
#include "core/io/TraceFile.h"

using namespace sinkscope;

class TraceFileTest : public QObject {
  Q_OBJECT

 private slots:
  void roundTripKeepsEverything() {
    Trace trace;
    trace.modelName = "demo";
    trace.modality = "avsr";
    trace.numLayers = 2;
    trace.numHeads = 3;
    trace.hiddenSize = 8;
    trace.capturedHeads = {0, 2};
    trace.tokens = {{7, "<|begin_of_text|>", Segment::Bos, -1, -1},
                    {-1, "A0", Segment::Audio, 0.0, 0.08},
                    {42, "the", Segment::Response, -1, -1}};
    trace.steps = {{42, "the", -0.25f, 12.5}};
    trace.transcript = "the";
    trace.inferenceMs = 99.5;
    HostTensor received({3, 3});
    for (std::int64_t i = 0; i < received.numel(); ++i) received.values[static_cast<std::size_t>(i)] = 0.1f * i;
    trace.taps["blocks.0.attn.hook_received"] = received;
    trace.taps["blocks.1.hook_resid_post"] = HostTensor({3, 8});

    QTemporaryDir dir;
    const std::string path = dir.filePath("s.sinkscope").toStdString();
    TraceFile::save(trace, path, {{"media", "/clips/a.mp4"}});
    std::map<std::string, std::string> extra;
    const TracePtr back = TraceFile::load(path, &extra);
    QCOMPARE(back->modelName, trace.modelName);
    QCOMPARE(back->modality, trace.modality);
    QCOMPARE(back->numLayers, 2);
    QCOMPARE(back->capturedHeads, trace.capturedHeads);
    QCOMPARE(back->numTokens(), 3);
    QCOMPARE(back->tokens[1].segment, Segment::Audio);
    QCOMPARE(back->tokens[1].endSec, 0.08);
    QCOMPARE(back->tokens[0].text, std::string("<|begin_of_text|>"));
    QCOMPARE(back->steps.size(), std::size_t{1});
    QCOMPARE(back->steps[0].logProb, -0.25f);
    QCOMPARE(back->transcript, std::string("the"));
    QCOMPARE(back->taps.size(), trace.taps.size());
    QCOMPARE(back->at("blocks.0.attn.hook_received").values, received.values);
    QCOMPARE(back->at("blocks.1.hook_resid_post").shape, (std::vector<std::int64_t>{3, 8}));
    QCOMPARE(extra.at("media"), std::string("/clips/a.mp4"));
  }

  void foreignAndDamagedFilesAreRefused() {
    QTemporaryDir dir;
    const std::string plain = dir.filePath("plain.safetensors").toStdString();
    SafetensorsWriter writer;
    writer.add("x", HostTensor({2}));
    writer.write(plain);
    try {
      TraceFile::load(plain);
      QFAIL("a plain safetensors file was taken as a trace");
    } catch (const FormatError& e) {
      QVERIFY(std::string(e.what()).find("plain.safetensors") != std::string::npos);
    }

    const std::string damaged = dir.filePath("damaged.sinkscope").toStdString();
    SafetensorsWriter bad;
    bad.setMetadata("sinkscope.trace", "{\"version\": 1, \"tokens\": ");
    bad.write(damaged);
    QVERIFY_THROWS_EXCEPTION(FormatError, TraceFile::load(damaged));

    std::ofstream(dir.filePath("text.sinkscope").toStdString()) << "hello";
    QVERIFY_THROWS_EXCEPTION(FormatError, TraceFile::load(dir.filePath("text.sinkscope").toStdString()));
  }
};

QTEST_GUILESS_MAIN(TraceFileTest)
#include "TraceFileTest.moc"
