#include "core/capture/CaptureThread.h"

#include <exception>

namespace sinkscope {

CaptureThread::CaptureThread(const QString& name) : context_(new QObject) {
  thread_.setObjectName(name);
  context_->moveToThread(&thread_);
  thread_.start();
}

CaptureThread::~CaptureThread() {
  QObject* context = context_;
  QMetaObject::invokeMethod(context, [context] { delete context; }, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
}

void CaptureThread::runBlocking(const std::function<void()>& work) {
  std::exception_ptr failure;
  QMetaObject::invokeMethod(
      context_,
      [&] {
        try {
          work();
        } catch (...) {
          failure = std::current_exception();
        }
      },
      Qt::BlockingQueuedConnection);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace sinkscope
