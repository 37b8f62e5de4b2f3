#include "core/train/RunFolder.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/base/Error.h"
#include "core/train/CheckpointAverager.h"

namespace sinkscope {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string checkpointName(std::int64_t step) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "step-%08lld", static_cast<long long>(step));
  return buffer;
}

const json* lookup(const json& document, const std::string& dotted) {
  const json* node = &document;
  std::size_t start = 0;
  while (true) {
    const auto dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &node->at(part);
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

}  // namespace

RunFolder::RunFolder(std::string outDir) : outDir_(std::move(outDir)) {}

RunFolder::~RunFolder() {
  if (lockFd_ >= 0) ::close(lockFd_);
}

void RunFolder::lock() {
  if (lockFd_ >= 0) return;
  const std::string path = file("train.lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      // A file system without flock (some network mounts): train unguarded rather than not at all.
      std::cerr << "warning: cannot lock " << path << " (" << std::strerror(errno)
                << "); a second trainer on this folder would not be stopped\n";
      ::close(fd);
      return;
    }
    // The holder wrote its pid into the file; name it, so the user knows what to wait for.
    char buffer[32] = {};
    const auto got = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
    ::close(fd);
    std::string holder(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    throw Error(outDir_ + " is being trained by another process" + (holder.empty() ? "" : " (pid " + holder + ")") +
                "; wait for it to finish or stop it (it checkpoints on SIGTERM), or choose another out_dir");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    ::close(fd);
    throw Error("cannot write " + path);
  }
  lockFd_ = fd;
}

std::string RunFolder::file(const std::string& name) const {
  return (fs::path(outDir_) / name).string();
}

std::size_t RunFolder::averageNewest(int count) const {
  const auto all = checkpoints();
  const auto averaged = std::min<std::size_t>(all.size(), static_cast<std::size_t>(std::max(count, 0)));
  if (averaged < 2) return averaged;
  std::vector<std::string> files;
  for (std::size_t i = all.size() - averaged; i < all.size(); ++i) {
    files.push_back((std::filesystem::path(all[i]) / "model.safetensors").string());
  }
  CheckpointAverager::average(files, averagedPath());
  return averaged;
}

std::vector<std::string> RunFolder::checkpoints() const {
  std::vector<std::string> found;
  const fs::path root = fs::path(outDir_) / "checkpoints";
  std::error_code error;
  if (!fs::is_directory(root, error)) return found;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("step-", 0) == 0 && name.find('.') == std::string::npos &&
        fs::exists(entry.path() / "state.json")) {
      found.push_back(entry.path().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string RunFolder::open(const json& config, bool resume, const std::vector<std::string>& invariantKeys,
                            const std::function<json(const json&)>& normalize) {
  fs::create_directories(outDir_);
  lock();
  const std::vector<std::string> existing = checkpoints();
  if (!existing.empty() && !resume) {
    throw Error(outDir_ + " already holds checkpoints; resume it (--resume) or choose another out_dir");
  }
  const std::string savedPath = file("train_config.json");
  if (!existing.empty() && fs::exists(savedPath)) {
    const json saved = normalize ? normalize(readJson(savedPath)) : readJson(savedPath);
    for (const auto& key : invariantKeys) {
      const json* a = lookup(saved, key);
      const json* b = lookup(config, key);
      const json before = a ? *a : json();
      const json now = b ? *b : json();
      if (before != now) {
        throw ConfigError(savedPath + ": key '" + key + "' was " + before.dump() + " in the run being resumed, now " +
                          now.dump() + "; use another out_dir for a different experiment");
      }
    }
  }
  writeJson(savedPath, config);
  return existing.empty() ? std::string() : existing.back();
}

void RunFolder::saveCheckpoint(std::int64_t step, int keep,
                               const std::function<void(const std::string&)>& fill) const {
  const fs::path root = fs::path(outDir_) / "checkpoints";
  fs::create_directories(root);
  const fs::path target = root / checkpointName(step);
  const fs::path temporary = root / (checkpointName(step) + ".tmp");
  fs::remove_all(temporary);
  fs::create_directories(temporary);
  fill(temporary.string());
  fs::remove_all(target);
  fs::rename(temporary, target);
  const auto all = checkpoints();
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) fs::remove_all(all[i]);
}

json RunFolder::readJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw FormatError(path + ": not valid JSON (" + e.what() + ")");
  }
}

void RunFolder::writeJson(const std::string& path, const json& value) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << value.dump(2) << '\n';
    if (!out) throw Error("cannot write " + temporary);
  }
  fs::rename(temporary, path);
}

}  // namespace sinkscope
