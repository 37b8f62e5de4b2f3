#include <QtTest>

#include <csignal>
#include <filesystem>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/base/Error.h"
#include "core/train/RunFolder.h"

using namespace sinkscope;

namespace {

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("runfolder-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  return dir;
}

nlohmann::json config() { return {{"stage", "lm"}, {"seed", 1}}; }

// Opens a run folder in a child process and holds it until killed. The destructor
// kills and reaps the child, so a failing test never leaves it behind.
class Holder {
 public:
  explicit Holder(const std::string& dir) {
    int ready[2];
    if (::pipe(ready) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      char byte = 0;
      try {
        RunFolder held(dir);
        held.open(config(), false, {});
        byte = 1;
        (void)!::write(ready[1], &byte, 1);
        while (true) ::pause();  // holding the lock until SIGKILL
      } catch (...) {
      }
      (void)!::write(ready[1], &byte, 1);
      ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    if (::read(ready[0], &byte, 1) != 1 || byte != 1) kill();
    ::close(ready[0]);
  }
  ~Holder() { kill(); }
  pid_t pid() const { return pid_; }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace

class RunFolderTest : public QObject {
  Q_OBJECT

 private slots:
  void aSecondOpenOfALockedFolderIsRefused() {
    const std::string dir = scratch("same-process").string();
    {
      RunFolder first(dir);
      first.open(config(), false, {});
      RunFolder second(dir);
      try {
        second.open(config(), true, {});
        QFAIL("a folder held by another RunFolder opened");
      } catch (const Error& e) {
        const std::string message = e.what();
        QVERIFY2(message.find("being trained by another process") != std::string::npos, e.what());
        QVERIFY2(message.find("pid " + std::to_string(::getpid())) != std::string::npos, e.what());
      }
    }
    // Released with its RunFolder: the run can be resumed.
    RunFolder again(dir);
    again.open(config(), true, {});
  }

  void anotherProcessHoldingTheFolderIsNamedAndItsDeathReleasesIt() {
    const std::string dir = scratch("other-process").string();
    Holder holder(dir);
    const pid_t child = holder.pid();
    QVERIFY(child > 0);
    {
      RunFolder mine(dir);
      try {
        mine.open(config(), true, {});
        QFAIL("a folder held by another process opened");
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("pid " + std::to_string(child)) != std::string::npos, e.what());
      }
    }
    // A killed trainer must not leave the folder locked for good.
    holder.kill();
    RunFolder after(dir);
    after.open(config(), true, {});
  }

  void cleanupTestCase() {
    std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                ("runfolder-test-" + std::to_string(::getpid())));
  }
};

QTEST_GUILESS_MAIN(RunFolderTest)
#include "RunFolderTest.moc"
