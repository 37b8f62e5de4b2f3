#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>

namespace sinkscope {

// A thread with its own Qt event loop for the Qt Multimedia objects of one capture
// device (DESIGN §4: capture runs on threads of its own, never on the GUI's). The
// objects are made, used and destroyed on it through runBlocking(), parented to
// context() so that they go with the thread.
class CaptureThread {
 public:
  explicit CaptureThread(const QString& name);
  ~CaptureThread();
  CaptureThread(const CaptureThread&) = delete;
  CaptureThread& operator=(const CaptureThread&) = delete;

  // Runs `work` on the thread and waits for it; an exception it throws is rethrown here.
  void runBlocking(const std::function<void()>& work);
  QObject* context() const { return context_; }

 private:
  QThread thread_;
  QObject* context_;
};

}  // namespace sinkscope
