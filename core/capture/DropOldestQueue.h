#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace sinkscope {

// The bounded queue between the video capture thread and the stage after it
// (DESIGN §4): a full queue drops its oldest item, so a slow consumer sees the
// newest pictures instead of a growing delay.
template <typename T>
class DropOldestQueue {
 public:
  explicit DropOldestQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Returns true when an old item had to make room.
  bool push(T item) {
    bool dropped = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (items_.size() == capacity_) {
        items_.pop_front();
        ++droppedCount_;
        dropped = true;
      }
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return dropped;
  }

  // The oldest item, waiting up to `timeout`; nothing on timeout or after close().
  std::optional<T> pop(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Wakes every waiting pop(); items still queued can be popped.
  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }
  std::int64_t droppedCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return droppedCount_;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  std::int64_t droppedCount_ = 0;
  bool closed_ = false;
};

}  // namespace sinkscope
