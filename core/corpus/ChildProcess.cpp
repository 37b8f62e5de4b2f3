#include "core/corpus/ChildProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/Error.h"

extern char** environ;

namespace sinkscope::corpus {

namespace {

// A child that exits early must surface as an Error from write(), not kill us.
void ignoreSigpipeOnce() {
  static const bool done = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) : program_(argv.empty() ? "" : argv[0]) {
  if (argv.empty()) throw Error("ChildProcess: empty command line");
  ignoreSigpipeOnce();
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0) throw Error(program_ + ": cannot create a pipe: " + std::strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    throw Error(program_ + ": cannot create a pipe: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawnp(&pid_, program_.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    throw Error(program_ + ": cannot start: " + std::strerror(rc));
  }
  toChild_ = in[1];
  fromChild_ = out[0];
}

ChildProcess::~ChildProcess() {
  closeInput();
  if (fromChild_ >= 0) close(fromChild_);
  fromChild_ = -1;
  wait();
}

void ChildProcess::write(const void* data, std::size_t byteCount) {
  const auto* bytes = static_cast<const char*>(data);
  while (byteCount > 0) {
    if (toChild_ < 0) throw Error(program_ + ": input already closed");
    const ssize_t n = ::write(toChild_, bytes, byteCount);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(program_ + ": stopped reading its input (" + std::strerror(errno) + ")");
    bytes += n;
    byteCount -= static_cast<std::size_t>(n);
  }
}

void ChildProcess::closeInput() {
  if (toChild_ >= 0) close(toChild_);
  toChild_ = -1;
}

bool ChildProcess::readLine(std::string& line) {
  while (true) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    char chunk[4096];
    const ssize_t n = fromChild_ >= 0 ? ::read(fromChild_, chunk, sizeof chunk) : 0;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (buffer_.empty()) return false;
      line = std::move(buffer_);
      buffer_.clear();
      return true;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string ChildProcess::readAll() {
  std::string all = std::move(buffer_);
  buffer_.clear();
  char chunk[4096];
  while (fromChild_ >= 0) {
    const ssize_t n = ::read(fromChild_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    all.append(chunk, static_cast<std::size_t>(n));
  }
  return all;
}

int ChildProcess::wait() {
  if (pid_ <= 0) return status_;
  int raw = 0;
  while (waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + (WIFSIGNALED(raw) ? WTERMSIG(raw) : 0);
  return status_;
}

int ChildProcess::run(const std::vector<std::string>& argv, std::string& output, const std::string& input) {
  ChildProcess child(argv);
  if (!input.empty()) child.write(input);
  child.closeInput();
  output = child.readAll();
  return child.wait();
}

}  // namespace sinkscope::corpus
