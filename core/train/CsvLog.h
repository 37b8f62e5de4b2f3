#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace sinkscope {

// A CSV file of numbers that a training run appends to, one row per logged step;
// the first column is the step. A resumed run keeps the rows up to the checkpoint's
// step and drops the later ones, so the file holds one unbroken curve.
class CsvLog {
 public:
  // Creates `path` with `columns` as header, or, when `keepThroughStep` >= 0 and the
  // file exists with the same header, keeps its rows with step <= keepThroughStep.
  // Throws Error when the file cannot be written or an existing header differs.
  CsvLog(std::string path, std::vector<std::string> columns, std::int64_t keepThroughStep = -1);

  // One row: step first, then the values (as many as columns - 1). Flushed at once.
  void write(std::int64_t step, const std::vector<double>& values);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::size_t width_;
  std::ofstream out_;
};

}  // namespace sinkscope
