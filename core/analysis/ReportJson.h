#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/analysis/TraceAnalyzer.h"

namespace sinkscope {

// report.json (docs/report.md, schema docs/report.schema.json): one TraceReport as
// JSON. The version changes whenever a field changes meaning or disappears.
class ReportJson {
 public:
  static constexpr int kSchemaVersion = 1;

  static nlohmann::json toJson(const TraceReport& report);
  static nlohmann::json segmentsJson(const std::vector<LayerSegmentTotals>& segments);
  static nlohmann::json tokensJson(const std::vector<TraceToken>& tokens);
  static void write(const nlohmann::json& json, const std::string& path);  // Error naming the file
  static nlohmann::json read(const std::string& path);                     // FormatError naming the file
};

}  // namespace sinkscope
