#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/Safetensors.h"

namespace sinkscope {

// One bundled composite model, as ModelBundler::add wrote it.
struct BundledModel {
  std::string name;
  std::string directory;                 // <out>/<name>
  std::vector<std::string> sharedParts;  // the shared/ folders its config points at
};

// Gathers composite AVSR model directories (trainer exports, each a self-contained
// copy of its LLM and encoders) into one folder where every part that several models
// share is stored once:
//
//   <out>/shared/<part>-<hash>/   an LLM or encoder part, by content
//   <out>/<name>/                 config.json (parts as ../shared/...), the model's
//                                 own weights (projectors + LoRA), training.json
//
// Twelve fine-tunings of one LLM and two encoders then cost their projectors and LoRA
// each plus the parts once, which is what keeps the bundled demo models small.
// Floating-point tensors are stored in `dtype` (BF16 or F32); everything else is
// copied byte for byte. Errors are sinkscope::Error with the offending path.
class ModelBundler {
 public:
  ModelBundler(std::string outDir, DType dtype);

  // Copies `compositeDir` as <out>/<name>, replacing an earlier model of that name.
  BundledModel add(const std::string& name, const std::string& compositeDir);

  // Removes shared/ folders that no model's config.json points at (left by earlier
  // bundles of other runs); returns their names.
  std::vector<std::string> pruneShared() const;

  // Bytes of all regular files under the output folder.
  std::uint64_t totalBytes() const;

  // A content hash of a directory tree (relative paths and bytes), FNV-1a 64-bit:
  // equal parts give equal names in shared/.
  static std::uint64_t hashTree(const std::string& directory);
  // The same hash of one file's bytes, continuing from `hash`.
  static std::uint64_t hashFile(const std::string& path, std::uint64_t hash = kHashStart);
  static constexpr std::uint64_t kHashStart = 1469598103934665603ull;

  // Rewrites one .safetensors file with its floating-point tensors in `dtype`.
  static void convertWeights(const std::string& from, const std::string& to, DType dtype);

 private:
  std::string sharePart(const std::string& partKey, const std::string& partDir);
  void copyConverted(const std::string& from, const std::string& to) const;

  std::string outDir_;
  DType dtype_;
};

}  // namespace sinkscope
