#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// One row of a Llama-AVSR label CSV: dataset,rel_path,input_length,token_len,text.
struct LabelRow {
  std::int64_t index = 0;  // 0-based data row, the utterance's identity in eval results
  std::string dataset;
  std::string relPath;
  std::int64_t inputLength = 0;
  std::int64_t tokenLength = 0;
  std::string text;
};

// Reads a label CSV. A header line starting with "dataset," is skipped; fields may be
// double-quoted (with "" for a quote); an unquoted text keeps any further commas.
// Throws FormatError naming the file and line.
class LabelManifest {
 public:
  static std::vector<LabelRow> read(const std::string& path);
  static std::vector<LabelRow> parse(const std::string& content, const std::string& sourceName);
};

}  // namespace sinkscope
