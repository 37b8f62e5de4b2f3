#pragma once

#include <QObject>

namespace sinkscope::ui {

// The one selected token position shared by every view (issue 6: selecting a token
// anywhere selects it everywhere). Views call select(); all of them follow changed().
class TokenSelection : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;
  int current() const { return current_; }

 public slots:
  void select(int position);  // -1 clears
  void clear() { select(-1); }

 signals:
  void changed(int position);

 private:
  int current_ = -1;
};

}  // namespace sinkscope::ui
