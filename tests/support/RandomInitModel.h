#pragma once

#include <QProcess>
#include <QString>

namespace sinkscope::test {

// A random-initialised composite AVSR model made by `sinkscope-cli init` (the tests'
// stand-in for a trained model) in `directory`. Header-only because SINKSCOPE_CLI and
// SINKSCOPE_SOURCE_DIR are defined per test executable. Returns an empty string on
// success, else what went wrong with the command's output.
inline QString makeRandomInitModel(const QString& directory, int seed = 5) {
  QProcess init;
  init.start(QString::fromUtf8(SINKSCOPE_CLI),
             {"init", "--out", directory, "--seed", QString::number(seed), "--tokenizer",
              QString::fromUtf8(SINKSCOPE_SOURCE_DIR) + "/tests/fixtures/text/llama3_bpe.tokenizer.json"});
  if (!init.waitForFinished(120000)) return "sinkscope-cli init did not finish";
  if (init.exitStatus() != QProcess::NormalExit || init.exitCode() != 0)
    return "sinkscope-cli init failed: " + QString::fromUtf8(init.readAllStandardError());
  return {};
}

}  // namespace sinkscope::test
