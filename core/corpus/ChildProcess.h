#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace sinkscope::corpus {

// A program run with pipes to its standard input and output (standard error joined to
// the output, so that a failing engine's message can be reported). Pipe ends are
// close-on-exec, so children started by other threads never hold them open.
class ChildProcess {
 public:
  // Starts argv[0] found on PATH; throws Error naming the program when it cannot.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // closes the pipes and waits for the child
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Writes all bytes; throws Error when the child has closed its input.
  void write(const void* data, std::size_t byteCount);
  void write(const std::string& text) { write(text.data(), text.size()); }
  void closeInput();
  // One line of output without its newline; false at end of output.
  bool readLine(std::string& line);
  std::string readAll();
  int wait();  // the exit status (128 + signal when killed)

  // Runs to completion and returns the exit status; `output` gets what it printed.
  static int run(const std::vector<std::string>& argv, std::string& output, const std::string& input = "");

 private:
  std::string program_;
  pid_t pid_ = -1;
  int toChild_ = -1;
  int fromChild_ = -1;
  std::string buffer_;
  int status_ = -1;
};

}  // namespace sinkscope::corpus
