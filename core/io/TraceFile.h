#pragma once

#include <map>
#include <string>

#include "core/base/Trace.h"

namespace sinkscope {

// A Trace on disk, so a session can be replayed without the model: one safetensors
// file whose tensors are the taps under their tap names (float32) and whose metadata
// holds the rest as JSON under "sinkscope.trace" (format version 1: model summary,
// tokens with segments and time spans, generated steps, transcript). Callers may add
// their own metadata strings (the GUI keeps the media path and view settings there).
class TraceFile {
 public:
  static constexpr int kFormatVersion = 1;

  static void save(const Trace& trace, const std::string& path,
                   const std::map<std::string, std::string>& extra = {});
  // Throws FormatError naming the file when it is not a trace file or is damaged.
  static TracePtr load(const std::string& path, std::map<std::string, std::string>* extra = nullptr);
};

}  // namespace sinkscope
