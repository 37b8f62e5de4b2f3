#pragma once

#include "core/base/Error.h"

namespace sinkscope {

// A run that stopped because its caller asked it to (RunControl::requestCancel), not
// because anything failed: callers show it as a notice, not as an error.
class CancelledError : public Error {
 public:
  using Error::Error;
};

}  // namespace sinkscope
