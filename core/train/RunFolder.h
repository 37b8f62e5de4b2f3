#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The folder of one training run, shared by every stage: the resolved config
// (train_config.json), the checkpoints (checkpoints/step-NNNNNNNN/, each written to
// a temporary folder and renamed, so a killed run never leaves half a checkpoint),
// and the rule that a fresh start never overwrites a run and a resumed one must be
// the same experiment.
//
// open() also takes an exclusive lock on the folder (train.lock, flock) that lasts as
// long as this object: runs are resumed across sessions and several recipe lanes or
// hand-started trainers share one runs/ folder, and two processes writing the same
// checkpoints would silently interleave two runs. The kernel drops the lock when the
// process dies, so a killed run never leaves the folder locked. Where the file system
// has no flock (some network mounts) the run goes on unguarded, with a warning.
class RunFolder {
 public:
  explicit RunFolder(std::string outDir);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // Creates and locks the folder (throws if another process holds it). With checkpoints
  // present, refuses unless `resume`, and then checks that `config` agrees with the
  // saved train_config.json on `invariantKeys` (dotted paths, "train.seq_length").
  // Writes `config` as train_config.json.
  // Returns the newest checkpoint folder ("" for a fresh start). `normalize`, when
  // given, rewrites the saved config before the comparison (TrainConfig's round trip,
  // so a key added to the trainer since the run began counts with its default value).
  std::string open(const nlohmann::json& config, bool resume, const std::vector<std::string>& invariantKeys,
                   const std::function<nlohmann::json(const nlohmann::json&)>& normalize = {});

  const std::string& path() const { return outDir_; }
  std::string file(const std::string& name) const;  // outDir/name

  // Checkpoint folders, oldest first.
  std::vector<std::string> checkpoints() const;
  // Averages the `count` newest checkpoints' model.safetensors element-wise into
  // averagedPath() and returns how many went in; below two nothing is written (there
  // is nothing to average). The caller loads the file and removes it.
  std::size_t averageNewest(int count) const;
  std::string averagedPath() const { return file("averaged.safetensors"); }
  // Fills a fresh folder through `fill(folder)`, renames it to step-NNNNNNNN and keeps
  // the `keep` newest.
  void saveCheckpoint(std::int64_t step, int keep, const std::function<void(const std::string&)>& fill) const;

  static nlohmann::json readJson(const std::string& path);
  // Written to a temporary file and renamed.
  static void writeJson(const std::string& path, const nlohmann::json& value);

 private:
  void lock();

  std::string outDir_;
  int lockFd_ = -1;
};

}  // namespace sinkscope
