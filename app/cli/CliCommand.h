#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/cli/CliArgs.h"

namespace sinkscope::cli {

// A subcommand of sinkscope-cli. Each lives in its own <Name>Command.cpp and adds
// itself to the registry with a file-scope CliCommandRegistration, so commands are
// added without touching main.
struct CliCommand {
  std::string name;
  std::string usage;  // one line: options as in DESIGN §6
  std::function<int(const CliArgs&)> run;
};

std::vector<CliCommand>& cliCommands();

struct CliCommandRegistration {
  explicit CliCommandRegistration(CliCommand command);
};

}  // namespace sinkscope::cli
