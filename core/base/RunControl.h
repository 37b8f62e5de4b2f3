#pragma once

#include <atomic>
#include <functional>

namespace sinkscope {

// Lets the thread that started a long run watch it and stop it: the decoding loop
// calls checkpoint() before every step, which reports progress and, once another
// thread has called requestCancel(), throws CancelledError. Shared between the two
// threads, so it lives in a std::shared_ptr; the progress callback runs on the
// decoding thread.
class RunControl {
 public:
  // onProgress(done, total): `done` of at most `total` decoding steps are finished.
  explicit RunControl(std::function<void(int done, int total)> onProgress = {});

  void requestCancel() { cancelled_.store(true); }
  bool cancelRequested() const { return cancelled_.load(); }

  // Reports progress, then throws CancelledError when a cancel was requested.
  void checkpoint(int done, int total) const;

 private:
  std::atomic<bool> cancelled_{false};
  std::function<void(int, int)> onProgress_;
};

}  // namespace sinkscope
