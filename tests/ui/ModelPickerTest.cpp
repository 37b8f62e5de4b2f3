// The model picker and the persisted settings: ModelCatalog lists exactly the
// subdirectories with a config.json (once each, by name); the picker offers them,
// then "Other directory…", follows a model loaded any other way and remembers it; the
// modality combo offers only the loaded model's modalities and the last one chosen
// comes back in a new window; the dock layout saved at close is restored.
#include <QtTest>

#include <QComboBox>
#include <QDockWidget>
#include <QSettings>
#include <QStandardPaths>

#include "support/RandomInitModel.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/MainWindow.h"
#include "ui/main/ModelCatalog.h"
#include "ui/main/ModelPicker.h"
#include "ui/panels/AnalysisPanels.h"

using namespace sinkscope;
using namespace sinkscope::ui;

namespace {

void touch(const QString& path) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write("{}");
}

QComboBox* modalityCombo(MainWindow& window) {
  for (QComboBox* combo : window.findChildren<QComboBox*>()) {
    if (combo->findText("ASR") >= 0 || combo->findText("AVSR") >= 0) return combo;
  }
  return nullptr;
}

}  // namespace

class ModelPickerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("sinkscope-picker-test");
    QSettings().clear();
    QVERIFY(dir_.isValid());
  }

  void catalogListsModelDirectories() {
    QDir root(dir_.path());
    for (const char* sub : {"a/zeta", "a/alpha", "a/empty", "b/gamma"}) QVERIFY(root.mkpath(sub));
    touch(dir_.filePath("a/zeta/config.json"));
    touch(dir_.filePath("a/alpha/config.json"));
    touch(dir_.filePath("b/gamma/config.json"));
    const QStringList roots{dir_.filePath("a"), dir_.filePath("b"), dir_.filePath("a"), dir_.filePath("absent")};
    const QList<ModelEntry> entries = ModelCatalog::scan(roots);
    QStringList names;
    for (const ModelEntry& e : entries) names << e.name;
    QCOMPARE(names, (QStringList{"alpha", "gamma", "zeta"}));
    QCOMPARE(entries[1].directory, QDir::cleanPath(dir_.filePath("b/gamma")));
    // Folders the application adds join the default ones.
    ModelCatalog::addRoot(dir_.filePath("b"));
    QVERIFY(ModelCatalog::roots().contains(dir_.filePath("b")));
    QVERIFY(ModelCatalog::roots().startsWith(ModelCatalog::defaultRoots().first()));

    ModelPicker picker(roots);
    QCOMPARE(picker.count(), 5);  // three models, a separator, "Other directory…"
    QCOMPARE(picker.otherIndex(), 4);
    QSignalSpy chosen(&picker, &ModelPicker::modelChosen);
    emit picker.activated(1);
    QCOMPARE(chosen.count(), 1);
    QCOMPARE(chosen.first().first().toString(), QDir::cleanPath(dir_.filePath("b/gamma")));

    // A directory loaded some other way joins the list, above the separator, and is
    // offered again by the next picker.
    const QString elsewhere = QDir::cleanPath(dir_.filePath("a/empty"));
    picker.setCurrentDirectory(elsewhere);
    QCOMPARE(picker.currentDirectory(), elsewhere);
    QCOMPARE(picker.count(), 6);
    QCOMPARE(picker.otherIndex(), 5);
    ModelPicker next(roots);
    QVERIFY(next.findData(elsewhere) >= 0);
  }

  void modalityAndLayoutPersist() {
    const QString modelDir = dir_.filePath("model");
    const QString error = test::makeRandomInitModel(modelDir);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    {
      InferenceController controller;
      MainWindow window(&controller);
      new AnalysisPanels(&window);
      ModelPicker* picker = ModelPicker::install(&window, &controller, {});
      window.show();
      QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
      window.openModel(modelDir);
      QVERIFY(loaded.wait(60000));
      QCOMPARE(picker->currentDirectory(), QDir::cleanPath(modelDir));
      QComboBox* modality = modalityCombo(window);
      QVERIFY(modality != nullptr);
      // The composite model offers exactly ASR, VSR and AVSR.
      QCOMPARE(modality->count(), 3);
      const int asr = modality->findText("ASR");
      QVERIFY(asr >= 0);
      QVERIFY(modality->currentIndex() != asr);  // the default is not ASR
      modality->setCurrentIndex(asr);
      emit modality->activated(asr);
      QCOMPARE(window.modality(), Modality::Asr);
      window.findChild<QDockWidget*>("Sink map")->hide();
      window.close();
    }
    InferenceController controller;
    MainWindow window(&controller);
    new AnalysisPanels(&window);
    QVERIFY(window.restoreLayout());
    window.show();
    QVERIFY(window.findChild<QDockWidget*>("Sink map")->isHidden());
    QVERIFY(!window.findChild<QDockWidget*>("Attention map")->isHidden());
    QSignalSpy loaded(&controller, &InferenceController::modelLoaded);
    window.openModel(modelDir);
    QVERIFY(loaded.wait(60000));
    QCOMPARE(window.modality(), Modality::Asr);
  }

 private:
  QTemporaryDir dir_;
};

QTEST_MAIN(ModelPickerTest)
#include "ModelPickerTest.moc"
