#include "ui/main/ModelCatalog.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace sinkscope::ui {

QStringList ModelCatalog::defaultRoots() {
  const QDir exe(QCoreApplication::applicationDirPath());
  return {exe.filePath(QStringLiteral("../share/sinkscope/models")), exe.filePath(QStringLiteral("../models"))};
}

namespace {
QStringList& addedRoots() {
  static QStringList folders;
  return folders;
}
}  // namespace

void ModelCatalog::addRoot(const QString& folder) {
  if (!addedRoots().contains(folder)) addedRoots().append(folder);
}

QStringList ModelCatalog::roots() { return defaultRoots() + addedRoots(); }

QList<ModelEntry> ModelCatalog::scan(const QStringList& roots) {
  QList<ModelEntry> entries;
  QSet<QString> seen;
  for (const QString& root : roots) {
    const QDir dir(root);
    if (!dir.exists()) continue;
    for (const QFileInfo& sub : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
      if (!QFileInfo::exists(sub.filePath() + QStringLiteral("/config.json"))) continue;
      const QString canonical = sub.canonicalFilePath();
      if (seen.contains(canonical)) continue;
      seen.insert(canonical);
      entries.append({sub.fileName(), QDir::cleanPath(sub.absoluteFilePath())});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const ModelEntry& a, const ModelEntry& b) { return a.name.compare(b.name, Qt::CaseInsensitive) < 0; });
  return entries;
}

}  // namespace sinkscope::ui
