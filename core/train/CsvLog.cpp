#include "core/train/CsvLog.h"

#include <cstdio>
#include <filesystem>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

std::string joined(const std::vector<std::string>& columns) {
  std::string line;
  for (std::size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + columns[i];
  return line;
}

}  // namespace

CsvLog::CsvLog(std::string path, std::vector<std::string> columns, std::int64_t keepThroughStep)
    : path_(std::move(path)), width_(columns.size()) {
  const std::string header = joined(columns);
  std::vector<std::string> kept;
  if (keepThroughStep >= 0 && std::filesystem::exists(path_)) {
    std::ifstream in(path_);
    std::string line;
    std::getline(in, line);
    if (line != header) throw Error(path_ + ": existing header differs from this run's columns; cannot continue it");
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      long long step = 0;
      try {
        step = std::stoll(line.substr(0, line.find(',')));
      } catch (const std::exception&) {
        throw Error(path_ + ": row '" + line.substr(0, 40) + "' does not start with a step number");
      }
      if (step <= keepThroughStep) kept.push_back(line);
    }
  }
  out_.open(path_, std::ios::trunc);
  if (!out_) throw Error("cannot write " + path_);
  out_ << header << '\n';
  for (const auto& line : kept) out_ << line << '\n';
  out_.flush();
}

void CsvLog::write(std::int64_t step, const std::vector<double>& values) {
  if (values.size() + 1 != width_) {
    throw Error(path_ + ": row of " + std::to_string(values.size() + 1) + " values for " + std::to_string(width_) + " columns");
  }
  out_ << step;
  char buffer[32];
  for (double value : values) {
    std::snprintf(buffer, sizeof(buffer), "%.9g", value);
    out_ << ',' << buffer;
  }
  out_ << '\n';
  out_.flush();
  if (!out_) throw Error("cannot write " + path_);
}

}  // namespace sinkscope
