#include "ui/main/MainWindow.h"

#include <map>
#include <string>

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QStyle>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QSettings>
#include <QTimer>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "core/io/TraceFile.h"
#include "ui/controllers/InferenceController.h"
#include "ui/main/TeachingNotes.h"
#include "ui/main/TokenSelection.h"
#include "ui/views/TokenStrip.h"
#include "ui/views/TranscriptView.h"

namespace sinkscope::ui {

namespace {
constexpr int kRecentClips = 8;
const char* const kRecentKey = "recentClips";
const char* const kModalityKey = "source/modality";

// A teaching note opens with its first sentence and a "More" link: three or four
// lines above every dock would leave the plots themselves (the attention map first)
// too little height at an ordinary window size.
QLabel* noteLabel(const QString& text, QWidget* parent) {
  const int stop = text.indexOf(QStringLiteral(". "));
  const QString head = stop < 0 ? text : text.left(stop + 1);
  const QString shortHtml = head.toHtmlEscaped() +
                            (stop < 0 ? QString() : QStringLiteral(" <a href=\"more\">More\u2026</a>"));
  const QString longHtml = text.toHtmlEscaped() + QStringLiteral(" <a href=\"less\">Less</a>");
  auto* label = new QLabel(shortHtml, parent);
  label->setWordWrap(true);
  label->setTextFormat(Qt::RichText);
  label->setToolTip(text);
  label->setStyleSheet(QStringLiteral("QLabel { background: #fff6d5; color: #3d3000; border: 1px solid #e6d28a;"
                                      " border-radius: 4px; padding: 4px 6px; }"));
  QObject::connect(label, &QLabel::linkActivated, label, [label, shortHtml, longHtml](const QString& link) {
    label->setText(link == QStringLiteral("more") ? longHtml : shortHtml);
  });
  label->hide();
  return label;
}
}  // namespace

MainWindow::MainWindow(InferenceController* controller, QWidget* parent)
    : QMainWindow(parent), controller_(controller), selection_(new TokenSelection(this)) {
  setWindowTitle(tr("sinkscope"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);

  auto* central = new QWidget(this);
  auto* column = new QVBoxLayout(central);
  column->setContentsMargins(4, 4, 4, 4);
  banner_ = new QLabel(central);
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #6b0b07; border: 1px solid #e0a09c;"
                                        " border-radius: 4px; padding: 6px; }"));
  banner_->hide();
  column->addWidget(banner_);
  QLabel* tokensNote = noteLabel(TeachingNotes::text(TeachingNotes::View::Tokens), central);
  notes_.append(tokensNote);
  column->addWidget(tokensNote);

  auto* splitter = new QSplitter(Qt::Vertical, central);
  tokenStrip_ = new TokenStrip(selection_, splitter);
  auto* scroll = new QScrollArea(splitter);
  scroll->setWidget(tokenStrip_);
  scroll->setWidgetResizable(true);
  transcript_ = new TranscriptView(selection_, splitter);
  splitter->addWidget(scroll);
  splitter->addWidget(transcript_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  column->addWidget(splitter);
  setCentralWidget(central);

  buildActions();

  connect(controller_, &InferenceController::traceReady, this, &MainWindow::showTrace);
  connect(controller_, &InferenceController::failed, this, &MainWindow::showError);
  connect(controller_, &InferenceController::modelLoaded, this, &MainWindow::onModelLoaded);
  connect(controller_, &InferenceController::progress, this,
          [this](const QString& stage) { statusBar()->showMessage(stage); });
  connect(controller_, &InferenceController::busyChanged, this, [this](bool busy) {
    busyLabel_->setText(busy ? tr("working\u2026") : QString());
    if (!busy) statusBar()->clearMessage();
  });
  connect(selection_, &TokenSelection::changed, this, [this](int position) {
    if (!trace_ || position < 0 || position >= trace_->numTokens()) return;
    const TraceToken& token = trace_->tokens[static_cast<std::size_t>(position)];
    statusBar()->showMessage(tr("token #%1 \u201c%2\u201d  %3").arg(position).arg(
        QString::fromStdString(token.text), QString::fromStdString(segmentName(token.segment))));
  });

  QSettings settings;
  setTeachingMode(settings.value("view/teaching", false).toBool());
  if (settings.value("view/dark", false).toBool()) setDarkTheme(true);
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1500, 940);
}

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openClip = file->addAction(tr("Open &clip\u2026"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a clip"), QString(),
        tr("Media (*.mp4 *.mpg *.mpeg *.mov *.mkv *.avi *.webm *.wav *.flac *.mp3 *.ogg);;All files (*)"));
    if (!path.isEmpty()) this->openClip(path);
  });
  openClip->setShortcut(QKeySequence::Open);
  QAction* openModel = file->addAction(tr("Open &model\u2026"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a model directory"));
    if (!dir.isEmpty()) this->openModel(dir);
  });
  openModel->setShortcut(QKeySequence(tr("Ctrl+M")));
  file->addAction(tr("Open &session\u2026"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a saved session"), QString(),
                                                      tr("sinkscope sessions (*.sinkscope);;All files (*)"));
    if (!path.isEmpty()) openSession(path);
  })->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  file->addAction(tr("&Save session\u2026"), this, [this] {
    if (!trace_) {
      showError(tr("Nothing to save yet: run a clip or a prompt first."));
      return;
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Save the session"), QStringLiteral("session.sinkscope"),
                                                tr("sinkscope sessions (*.sinkscope)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".sinkscope"))) path += QLatin1String(".sinkscope");
    saveSession(path);
  })->setShortcut(QKeySequence::Save);
  file->addSeparator();
  recentMenu_ = file->addMenu(tr("&Recent clips"));
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
  viewMenu_ = menuBar()->addMenu(tr("&View"));
  QAction* teaching = viewMenu_->addAction(tr("&Teaching mode"), this, &MainWindow::setTeachingMode);
  teaching->setCheckable(true);
  teaching->setShortcut(QKeySequence(tr("F2")));
  teaching->setToolTip(tr("Show a short explanation above every view"));
  QAction* dark = viewMenu_->addAction(tr("&Dark theme"), this, &MainWindow::setDarkTheme);
  dark->setCheckable(true);
  QSettings settings;
  teaching->setChecked(settings.value("view/teaching", false).toBool());
  dark->setChecked(settings.value("view/dark", false).toBool());
  viewMenu_->addSeparator();

  QToolBar* bar = addToolBar(tr("Source"));
  bar->setObjectName(QStringLiteral("sourceToolBar"));
  bar->addAction(openClip);
  bar->addAction(openModel);
  bar->addSeparator();
  modelLabel_ = new QLabel(tr("no model"), bar);
  modelLabel_->setContentsMargins(6, 0, 6, 0);
  bar->addWidget(modelLabel_);
  modality_ = new QComboBox(bar);
  modality_->setToolTip(tr("What the model reads of a clip: audio (ASR), mouth video (VSR) or both (AVSR)"));
  connect(modality_, qOverload<int>(&QComboBox::activated), this,
          [this] { QSettings().setValue(kModalityKey, modality_->currentData().toInt()); });
  bar->addWidget(modality_);
  bar->addSeparator();
  prompt_ = new QLineEdit(bar);
  prompt_->setPlaceholderText(tr("Type a prompt and press Enter (text mode)"));
  prompt_->setMinimumWidth(260);
  connect(prompt_, &QLineEdit::returnPressed, this, &MainWindow::runPrompt);
  bar->addWidget(prompt_);
  QAction* run = bar->addAction(tr("Run"), this, &MainWindow::runPrompt);
  run->setShortcut(QKeySequence(tr("Ctrl+Return")));
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" sinks in layer "), bar));
  layer_ = new QSpinBox(bar);
  layer_->setRange(-1, 0);
  layer_->setSpecialValueText(tr("any"));
  layer_->setValue(-1);
  layer_->setToolTip(tr("Frame tokens that are sinks (sink score > 0.3) in this layer's heads; 'any': the most in any layer"));
  connect(layer_, qOverload<int>(&QSpinBox::valueChanged), tokenStrip_, &TokenStrip::setLayer);
  bar->addWidget(layer_);
  busyLabel_ = new QLabel(bar);
  busyLabel_->setContentsMargins(8, 0, 0, 0);
  bar->addWidget(busyLabel_);
}

QString MainWindow::errorMessage() const { return banner_->isVisible() ? banner_->text() : QString(); }

QDockWidget* MainWindow::addView(QWidget* view, const QString& title, Qt::DockWidgetArea area, const QString& note) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(title);
  if (note.isEmpty()) {
    dock->setWidget(view);
  } else {
    auto* box = new QWidget(dock);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    QLabel* label = noteLabel(note, box);
    label->setVisible(teaching_);
    notes_.append(label);
    column->addWidget(label);
    column->addWidget(view, 1);
    dock->setWidget(box);
  }
  addDockWidget(area, dock);
  viewMenu_->addAction(dock->toggleViewAction());
  return dock;
}

void MainWindow::balanceDocks() {
  QList<QDockWidget*> right, bottom, left;
  for (QDockWidget* dock : findChildren<QDockWidget*>()) {
    const Qt::DockWidgetArea area = dockWidgetArea(dock);
    (area == Qt::RightDockWidgetArea ? right : area == Qt::LeftDockWidgetArea ? left : bottom).append(dock);
  }
  if (!right.isEmpty()) resizeDocks({right.first()}, {width() * 55 / 100}, Qt::Horizontal);
  if (!left.isEmpty()) resizeDocks({left.first()}, {width() * 24 / 100}, Qt::Horizontal);
  if (!bottom.isEmpty()) resizeDocks({bottom.first()}, {height() * 30 / 100}, Qt::Vertical);
  // The attention map is the square picture of the window: in the right column it
  // gets the larger share, the massive-activation map below it the rest.
  QDockWidget* attention = findChild<QDockWidget*>(QStringLiteral("Attention map"));
  QDockWidget* massive = findChild<QDockWidget*>(QStringLiteral("Massive activations"));
  if (attention && massive && dockWidgetArea(attention) == dockWidgetArea(massive)) {
    // resizeDocks leaves tabbed docks (these two are) alone: a minimum height held
    // for one layout pass moves the splitter between them instead.
    QTimer::singleShot(0, this, [this, attention, massive] {
      const int column = attention->height() + massive->height();
      const int before = attention->minimumHeight();
      // Never more than the other dock can give, or the window itself grows.
      attention->setMinimumHeight(std::min(column * 60 / 100, column - massive->minimumSizeHint().height()));
      QTimer::singleShot(0, this, [attention, before] { attention->setMinimumHeight(before); });
    });
  }
}

bool MainWindow::restoreLayout() { return restoreState(QSettings().value("window/state").toByteArray()); }

void MainWindow::setTeachingMode(bool on) {
  teaching_ = on;
  for (QLabel* label : notes_) label->setVisible(on);
  QSettings().setValue("view/teaching", on);
}

void MainWindow::setDarkTheme(bool dark) {
  QPalette palette = QApplication::style()->standardPalette();
  if (dark) {
    palette.setColor(QPalette::Window, QColor(37, 37, 40));
    palette.setColor(QPalette::WindowText, QColor(230, 230, 230));
    palette.setColor(QPalette::Base, QColor(26, 26, 28));
    palette.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    palette.setColor(QPalette::Text, QColor(230, 230, 230));
    palette.setColor(QPalette::Button, QColor(50, 50, 54));
    palette.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    palette.setColor(QPalette::ToolTipBase, QColor(50, 50, 54));
    palette.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    palette.setColor(QPalette::Highlight, QColor(64, 128, 220));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  }
  QApplication::setPalette(palette);
  QSettings().setValue("view/dark", dark);
}

void MainWindow::openClip(const QString& path) {
  banner_->hide();
  currentClip_ = path;
  rememberClip(path);
  controller_->runClip(path, chosenModality());
}

bool MainWindow::saveSession(const QString& path) {
  if (!trace_) return false;
  try {
    std::map<std::string, std::string> extra{{"sinkscope.session.clip", currentClip_.toStdString()},
                                             {"sinkscope.session.layer", std::to_string(layer_->value())}};
    if (const ModelSummary* summary = controller_->summary()) {
      extra["sinkscope.session.model"] = summary->directory;
    }
    TraceFile::save(*trace_, path.toStdString(), extra);
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::openSession(const QString& path) {
  try {
    std::map<std::string, std::string> extra;
    TracePtr trace = TraceFile::load(path.toStdString(), &extra);
    currentClip_ = QString::fromStdString(extra["sinkscope.session.clip"]);
    showTrace(std::move(trace));
    bool ok = false;
    const int layer = QString::fromStdString(extra["sinkscope.session.layer"]).toInt(&ok);
    if (ok) layer_->setValue(layer);
    setWindowTitle(tr("sinkscope \u2014 %1").arg(QFileInfo(path).fileName()));
    return true;
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::openModel(const QString& directory) {
  banner_->hide();
  controller_->loadModel(directory);
}

void MainWindow::runPrompt() {
  const QString text = prompt_->text().trimmed();
  if (text.isEmpty()) return;
  banner_->hide();
  controller_->runText(text, 24);
}

void MainWindow::showTrace(sinkscope::TracePtr trace) {
  trace_ = std::move(trace);
  banner_->hide();
  layer_->setRange(-1, std::max(0, trace_->numLayers - 1));
  tokenStrip_->setTrace(trace_);
  transcript_->setTrace(trace_);
  selection_->clear();
  statusBar()->showMessage(tr("%1 tokens, %2 layers, %3 ms").arg(trace_->numTokens()).arg(trace_->numLayers)
                               .arg(trace_->inferenceMs, 0, 'f', 0), 8000);
  emit traceShown(trace_);
}

void MainWindow::showError(const QString& message) {
  banner_->setText(message);
  banner_->show();
}

void MainWindow::onModelLoaded(const QString& name) {
  const ModelSummary* summary = controller_->summary();
  modelLabel_->setText(name);
  modality_->clear();
  for (const Modality m : summary->modalities) {
    if (m == Modality::Text) continue;
    modality_->addItem(QString::fromStdString(modalityName(m)).toUpper(), static_cast<int>(m));
  }
  // The modality last chosen, where this model offers it; else the model's default.
  int index = modality_->findData(QSettings().value(kModalityKey, -1).toInt());
  if (index < 0) index = modality_->findData(static_cast<int>(summary->defaultModality));
  if (index >= 0) modality_->setCurrentIndex(index);
  modality_->setEnabled(modality_->count() > 0);
  modelLabel_->setToolTip(tr("%1\n%2 layers \u00d7 %3 heads, hidden %4, %5 M parameters on %6 (%7)")
                              .arg(QString::fromStdString(summary->directory))
                              .arg(summary->numLayers)
                              .arg(summary->numHeads)
                              .arg(summary->hiddenSize)
                              .arg(static_cast<double>(summary->parameterCount) / 1e6, 0, 'f', 1)
                              .arg(QString::fromStdString(summary->device), QString::fromStdString(summary->dtype)));
}

Modality MainWindow::chosenModality() const {
  if (modality_->count() == 0) return Modality::Avsr;
  return static_cast<Modality>(modality_->currentData().toInt());
}

void MainWindow::rememberClip(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(kRecentKey).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kRecentClips) recent.removeLast();
  settings.setValue(kRecentKey, recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value(kRecentKey).toStringList();
  for (const QString& path : recent) {
    recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openClip(path); })->setToolTip(path);
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) openClip(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  QMainWindow::closeEvent(event);
}

}  // namespace sinkscope::ui
