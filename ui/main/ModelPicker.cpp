#include "ui/main/ModelPicker.h"

#include <QDir>
#include <QFileDialog>
#include <QSettings>
#include <QToolBar>

#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/main/ModelCatalog.h"

namespace sinkscope::ui {

namespace {
const char* const kOthersKey = "model/others";
constexpr int kOthers = 6;
}  // namespace

ModelPicker::ModelPicker(const QStringList& roots, QWidget* parent) : QComboBox(parent) {
  setToolTip(tr("The bundled models, the directories opened before, or any other model directory"));
  setSizeAdjustPolicy(QComboBox::AdjustToContents);
  for (const ModelEntry& entry : ModelCatalog::scan(roots)) addItem(entry.name, entry.directory);
  for (const QString& dir : QSettings().value(kOthersKey).toStringList()) {
    if (indexOfDirectory(dir) < 0 && QDir(dir).exists()) addItem(QDir(dir).dirName(), QDir::cleanPath(dir));
  }
  insertSeparator(count());
  addItem(tr("Other directory\u2026"));
  setCurrentIndex(-1);
  connect(this, qOverload<int>(&QComboBox::activated), this, &ModelPicker::onActivated);
}

ModelPicker* ModelPicker::install(MainWindow* window, InferenceController* controller, const QStringList& roots) {
  QToolBar* bar = window->addToolBar(tr("Model"));
  bar->setObjectName(QStringLiteral("modelToolBar"));
  auto* picker = new ModelPicker(roots, bar);
  bar->addWidget(picker);
  connect(picker, &ModelPicker::modelChosen, window, &MainWindow::openModel);
  connect(controller, &InferenceController::modelLoaded, picker, [picker, controller] {
    picker->setCurrentDirectory(QString::fromStdString(controller->summary()->directory));
  });
  return picker;
}

int ModelPicker::indexOfDirectory(const QString& directory) const {
  const QString clean = QDir::cleanPath(directory);
  for (int i = 0; i < count(); ++i) {
    if (itemData(i).toString() == clean) return i;
  }
  return -1;
}

void ModelPicker::setCurrentDirectory(const QString& directory) {
  int index = indexOfDirectory(directory);
  if (index < 0) {
    // Above the separator and "Other directory…".
    index = count() - 2;
    insertItem(index, QDir(directory).dirName(), QDir::cleanPath(directory));
    QSettings settings;
    QStringList others = settings.value(kOthersKey).toStringList();
    others.removeAll(QDir::cleanPath(directory));
    others.prepend(QDir::cleanPath(directory));
    while (others.size() > kOthers) others.removeLast();
    settings.setValue(kOthersKey, others);
  }
  setCurrentIndex(index);
  lastIndex_ = index;
  setItemData(index, directory, Qt::ToolTipRole);
}

QString ModelPicker::currentDirectory() const { return currentData().toString(); }

void ModelPicker::onActivated(int index) {
  if (index != otherIndex()) {
    lastIndex_ = index;
    emit modelChosen(itemData(index).toString());
    return;
  }
  // Until the chosen directory loads, the picker shows the model still in use.
  setCurrentIndex(lastIndex_);
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a model directory"));
  if (!dir.isEmpty()) emit modelChosen(QDir::cleanPath(dir));
}

}  // namespace sinkscope::ui
