#include <algorithm>
#include <exception>
#include <iostream>

#include "app/cli/CliCommand.h"

namespace sinkscope::cli {

std::vector<CliCommand>& cliCommands() {
  static std::vector<CliCommand> commands;
  return commands;
}

CliCommandRegistration::CliCommandRegistration(CliCommand command) {
  cliCommands().push_back(std::move(command));
}

}  // namespace sinkscope::cli

namespace {

void printUsage() {
  auto commands = sinkscope::cli::cliCommands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::cerr << "usage: sinkscope-cli COMMAND [options]\n";
  for (const auto& c : commands) std::cerr << "  sinkscope-cli " << c.name << " " << c.usage << "\n";
}

}  // namespace

// Exit status 0 on success; otherwise non-zero with one line on stderr (DESIGN §6).
int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    printUsage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const auto& command : sinkscope::cli::cliCommands()) {
    if (command.name != name) continue;
    try {
      return command.run(sinkscope::cli::CliArgs(argc, argv, 2));
    } catch (const std::exception& e) {
      std::string line = e.what();
      std::replace(line.begin(), line.end(), '\n', ' ');
      std::cerr << "sinkscope-cli " << name << ": " << line << "\n";
      return 1;
    }
  }
  std::cerr << "sinkscope-cli: unknown command '" << name << "' (try --help)\n";
  return 2;
}
