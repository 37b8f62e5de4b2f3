#pragma once

#include <QComboBox>
#include <QStringList>

namespace sinkscope::ui {

class InferenceController;
class MainWindow;

// The model picker: the bundled models (ModelCatalog) and the directories opened
// before, then "Other directory…". Choosing one asks for it to be loaded; it follows
// whatever model the controller loads, however it was opened.
class ModelPicker : public QComboBox {
  Q_OBJECT

 public:
  explicit ModelPicker(const QStringList& roots, QWidget* parent = nullptr);

  // A "Model" tool bar with a picker in the window, wired to the controller.
  static ModelPicker* install(MainWindow* window, InferenceController* controller, const QStringList& roots);

  // Selects `directory`, adding it to the list when it is not there.
  void setCurrentDirectory(const QString& directory);
  QString currentDirectory() const;
  // The entry that opens the directory dialog.
  int otherIndex() const { return count() - 1; }

 signals:
  void modelChosen(const QString& directory);

 private:
  void onActivated(int index);
  int indexOfDirectory(const QString& directory) const;

  int lastIndex_ = -1;
};

}  // namespace sinkscope::ui
