#include "core/analysis/LabelManifest.h"

#include <fstream>
#include <sstream>

#include "core/base/Error.h"

namespace sinkscope {

namespace {

// Splits one CSV line into at most `maxFields` fields; the last takes the rest.
std::vector<std::string> splitFields(const std::string& line, std::size_t maxFields, bool& ok) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool wasQuoted = false;
  ok = true;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (c == ',' && fields.size() + 1 < maxFields) {
      fields.push_back(field);
      field.clear();
      wasQuoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) ok = false;
  fields.push_back(field);
  return fields;
}

std::int64_t toInt(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw FormatError(where + ": '" + text + "' is not an integer");
  return value;
}

}  // namespace

std::vector<LabelRow> LabelManifest::parse(const std::string& content, const std::string& sourceName) {
  std::vector<LabelRow> rows;
  std::stringstream in(content);
  std::string line;
  int lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (lineNumber == 1 && line.rfind("dataset,", 0) == 0) continue;
    const std::string where = sourceName + " line " + std::to_string(lineNumber);
    bool ok = true;
    const auto fields = splitFields(line, 5, ok);
    if (!ok || fields.size() != 5) {
      throw FormatError(where + ": expected dataset,rel_path,input_length,token_len,text, found '" + line + "'");
    }
    LabelRow row;
    row.index = static_cast<std::int64_t>(rows.size());
    row.dataset = fields[0];
    row.relPath = fields[1];
    row.inputLength = toInt(fields[2], where + " input_length");
    row.tokenLength = toInt(fields[3], where + " token_len");
    row.text = fields[4];
    if (row.relPath.empty()) throw FormatError(where + ": empty rel_path");
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LabelRow> LabelManifest::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open manifest " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

}  // namespace sinkscope
