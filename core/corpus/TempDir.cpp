#include "core/corpus/TempDir.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/base/Error.h"

namespace sinkscope::corpus {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/sinkscope-corpus-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) throw Error("cannot create a temporary folder from " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace sinkscope::corpus
