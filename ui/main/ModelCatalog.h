#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace sinkscope::ui {

struct ModelEntry {
  QString name;       // the directory's name
  QString directory;  // absolute, cleaned
};

// The bundled models the model picker offers: every direct subdirectory with a
// config.json (DESIGN §5) of the model folders that ship with sinkscope (the source
// tree's models/, the installed share/sinkscope/models, the build's models/).
class ModelCatalog {
 public:
  // <exe>/../share/sinkscope/models (installed) and <exe>/../models (build tree).
  static QStringList defaultRoots();
  // Folders the application adds (the source tree's models/), for every picker.
  static void addRoot(const QString& folder);
  // defaultRoots() and the added folders.
  static QStringList roots();
  // The models under `roots`, sorted by name; a directory reached twice is listed once.
  static QList<ModelEntry> scan(const QStringList& roots);
};

}  // namespace sinkscope::ui
