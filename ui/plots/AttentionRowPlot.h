#pragma once

#include <vector>

#include "core/base/Trace.h"
#include "ui/plots/PlotWidget.h"

class QCPAxisRect;

namespace sinkscope::ui {

// One query's attention row: where a token looked when it was produced.
struct AttentionRowData {
  int layer = 0;
  int head = -1;                   // -1: mean over heads
  int query = 0;                   // sequence position of the query
  std::vector<TraceToken> tokens;  // the whole sequence; keys are 0..query
  std::vector<float> row;          // [query + 1] attention to each key

  // Row `query` of TraceTaps::pattern(trace, layer, head).
  static AttentionRowData fromTrace(const Trace& trace, int layer, int head, int query);
};

// Bars of one attention row over the keys the query can see, coloured by the key's
// segment; the largest keys are named. Click a bar to select that key token.
class AttentionRowPlot : public PlotWidget {
  Q_OBJECT

 public:
  explicit AttentionRowPlot(QWidget* parent = nullptr);

  void setData(AttentionRowData data);
  const AttentionRowData& data() const { return data_; }
  // The key with the most attention (-1 when empty).
  int strongestKey() const;

 protected:
  void rebuild() override;

 private:
  AttentionRowData data_;
  QCPAxisRect* rect_ = nullptr;
};

}  // namespace sinkscope::ui
