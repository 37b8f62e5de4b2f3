#include "core/base/Trace.h"

#include "core/base/Error.h"

namespace sinkscope {

const HostTensor* Trace::find(const std::string& tapName) const {
  auto it = taps.find(tapName);
  return it == taps.end() ? nullptr : &it->second;
}

const HostTensor& Trace::at(const std::string& tapName) const {
  if (const HostTensor* t = find(tapName)) return *t;
  throw Error("trace has no tap '" + tapName + "' (not captured)");
}

}  // namespace sinkscope
