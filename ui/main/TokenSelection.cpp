#include "ui/main/TokenSelection.h"

namespace sinkscope::ui {

void TokenSelection::select(int position) {
  if (position == current_) return;
  current_ = position;
  emit changed(position);
}

}  // namespace sinkscope::ui
