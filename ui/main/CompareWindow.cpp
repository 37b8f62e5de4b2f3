#include "ui/main/CompareWindow.h"

#include <algorithm>
#include <exception>

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/controllers/InferenceController.h"
#include "ui/main/ModelCatalog.h"
#include "ui/main/ModelPicker.h"
#include "ui/main/TeachingNotes.h"
#include "ui/main/TokenSelection.h"
#include "ui/plots/AttentionMapPlot.h"
#include "ui/plots/BosCosinePlot.h"
#include "ui/plots/MassiveActivationPlot.h"
#include "ui/views/RunProgressWidget.h"
#include "ui/views/TranscriptView.h"

namespace sinkscope::ui {

namespace {

using Range = std::pair<double, double>;

Range unite(const Range& a, const Range& b) { return {std::min(a.first, b.first), std::max(a.second, b.second)}; }

}  // namespace

CompareWindow::CompareWindow(QWidget* parent) : QMainWindow(parent), selection_(new TokenSelection(this)) {
  setWindowTitle(tr("sinkscope \u2014 compare models"));
  auto* central = new QWidget(this);
  auto* column = new QVBoxLayout(central);
  column->setContentsMargins(4, 4, 4, 4);
  banner_ = new QLabel(central);
  banner_->setWordWrap(true);
  banner_->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #6b0b07; border: 1px solid #e0a09c;"
                                        " border-radius: 4px; padding: 6px; }"));
  banner_->hide();
  column->addWidget(banner_);
  inputLabel_ = new QLabel(tr("Load a model on each side, then run a prompt or a clip: both models get the same input."),
                           central);
  inputLabel_->setWordWrap(true);
  column->addWidget(inputLabel_);
  note_ = new QLabel(TeachingNotes::text(TeachingNotes::View::Compare), central);
  note_->setWordWrap(true);
  note_->setStyleSheet(QStringLiteral("QLabel { background: #fff6d5; color: #3d3000; padding: 6px; }"));
  note_->hide();
  column->addWidget(note_);
  auto* split = new QSplitter(Qt::Horizontal, central);
  for (int side = 0; side < kSides; ++side) split->addWidget(buildSide(side));
  column->addWidget(split, 1);
  setCentralWidget(central);
  buildToolBar();
  resize(1500, 940);
}

CompareWindow::~CompareWindow() = default;

QWidget* CompareWindow::buildSide(int index) {
  Side& side = sides_[index];
  side.controller = new InferenceController(this);
  auto* box = new QWidget;
  auto* column = new QVBoxLayout(box);
  column->setContentsMargins(2, 2, 2, 2);
  side.title = new QLabel(index == 0 ? tr("<b>left:</b> no model") : tr("<b>right:</b> no model"), box);
  column->addWidget(side.title);
  auto* split = new QSplitter(Qt::Vertical, box);
  side.transcript = new TranscriptView(selection_, split);
  side.transcript->setMinimumHeight(40);
  side.attention = new AttentionMapPlot(split);
  side.massive = new MassiveActivationPlot(split);
  side.cosine = new BosCosinePlot(split);
  for (QWidget* w : {static_cast<QWidget*>(side.transcript), static_cast<QWidget*>(side.attention),
                     static_cast<QWidget*>(side.massive), static_cast<QWidget*>(side.cosine)}) {
    split->addWidget(w);
  }
  // The transcript needs two lines; the attention map needs height most.
  side.transcript->setMaximumHeight(110);
  split->setSizes({80, 400, 220, 280});
  column->addWidget(split, 1);
  for (PlotWidget* plot : {static_cast<PlotWidget*>(side.attention), static_cast<PlotWidget*>(side.massive),
                           static_cast<PlotWidget*>(side.cosine)}) {
    connect(plot, &PlotWidget::tokenSelected, selection_, &TokenSelection::select);
    connect(selection_, &TokenSelection::changed, plot, &PlotWidget::setSelectedToken);
  }
  InferenceController* controller = side.controller;
  connect(controller, &InferenceController::traceReady, this,
          [this, index](sinkscope::TracePtr trace) { onTrace(index, std::move(trace)); });
  connect(controller, &InferenceController::failed, this, &CompareWindow::showError);
  // Progress and Cancel per side in the status bar; a cancelled side says so there.
  RunProgressWidget::install(this, controller);
  connect(controller, &InferenceController::modelLoaded, this, [this, index](const QString& name) {
    const ModelSummary* summary = sides_[index].controller->summary();
    sides_[index].title->setText(QStringLiteral("<b>%1:</b> %2 <span style='color:gray'>(%3)</span>")
                                     .arg(index == 0 ? tr("left") : tr("right"), name.toHtmlEscaped(),
                                          QString::fromStdString(summary->directory).toHtmlEscaped()));
    updateModalities();
  });
  connect(controller, &InferenceController::progress, this,
          [this](const QString& stage) { statusBar()->showMessage(stage); });
  connect(controller, &InferenceController::busyChanged, this, [this](bool busy) {
    if (!busy) statusBar()->clearMessage();
  });
  return box;
}

void CompareWindow::buildToolBar() {
  QToolBar* bar = addToolBar(tr("Compare"));
  bar->setObjectName(QStringLiteral("compareToolBar"));
  for (int side = 0; side < kSides; ++side) {
    bar->addWidget(new QLabel(side == 0 ? tr(" left ") : tr(" right "), bar));
    auto* picker = new ModelPicker(ModelCatalog::roots(), bar);
    bar->addWidget(picker);
    connect(picker, &ModelPicker::modelChosen, this, [this, side](const QString& dir) { loadModel(side, dir); });
    InferenceController* controller = sides_[side].controller;
    connect(controller, &InferenceController::modelLoaded, picker, [picker, controller] {
      picker->setCurrentDirectory(QString::fromStdString(controller->summary()->directory));
    });
  }
  bar->addSeparator();
  bar->addAction(tr("Open clip\u2026"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a clip"));
    if (!path.isEmpty() && modality_->count() > 0) {
      runClip(path, static_cast<Modality>(modality_->currentData().toInt()));
    }
  });
  modality_ = new QComboBox(bar);
  modality_->setToolTip(tr("Modalities both models offer"));
  bar->addWidget(modality_);
  prompt_ = new QLineEdit(bar);
  prompt_->setPlaceholderText(tr("Prompt for both models (Enter)"));
  prompt_->setMinimumWidth(220);
  connect(prompt_, &QLineEdit::returnPressed, this, [this] {
    if (!prompt_->text().trimmed().isEmpty()) runText(prompt_->text().trimmed());
  });
  bar->addWidget(prompt_);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" attention layer "), bar));
  layer_ = new QSpinBox(bar);
  bar->addWidget(layer_);
  head_ = new QComboBox(bar);
  bar->addWidget(head_);
  bar->addWidget(new QLabel(tr(" activations layer "), bar));
  massiveLayer_ = new QSpinBox(bar);
  bar->addWidget(massiveLayer_);
  connect(layer_, qOverload<int>(&QSpinBox::valueChanged), this, &CompareWindow::redraw);
  connect(head_, qOverload<int>(&QComboBox::currentIndexChanged), this, &CompareWindow::redraw);
  connect(massiveLayer_, qOverload<int>(&QSpinBox::valueChanged), this, &CompareWindow::redraw);
}

QList<PlotWidget*> CompareWindow::plots() const {
  QList<PlotWidget*> out;
  for (const Side& side : sides_) out << side.attention << side.massive << side.cosine;
  return out;
}

QString CompareWindow::errorMessage() const { return banner_->isVisible() ? banner_->text() : QString(); }

void CompareWindow::showError(const QString& message) {
  banner_->setText(message);
  banner_->show();
}

void CompareWindow::loadModel(int side, const QString& directory) {
  banner_->hide();
  sides_[side].controller->loadModel(directory);
}

void CompareWindow::updateModalities() {
  const ModelSummary* left = sides_[0].controller->summary();
  const ModelSummary* right = sides_[1].controller->summary();
  const QVariant chosen = modality_->currentData();
  modality_->clear();
  if (left == nullptr || right == nullptr) return;
  for (const Modality m : left->modalities) {
    if (m == Modality::Text) continue;
    if (std::find(right->modalities.begin(), right->modalities.end(), m) == right->modalities.end()) continue;
    modality_->addItem(QString::fromStdString(modalityName(m)).toUpper(), static_cast<int>(m));
  }
  const int index = modality_->findData(chosen.isValid() ? chosen : QVariant(static_cast<int>(left->defaultModality)));
  if (index >= 0) modality_->setCurrentIndex(index);
}

bool CompareWindow::startRequest(const QString& input) {
  for (const Side& side : sides_) {
    if (!side.controller->hasModel()) {
      showError(tr("Load a model on both sides first."));
      return false;
    }
    if (side.controller->busy()) {
      showError(tr("Still working on the previous input; try again when both sides are done."));
      return false;
    }
  }
  banner_->hide();
  ++request_;
  requestInput_ = input;
  for (Side& side : sides_) side.request = request_;
  inputLabel_->setText(tr("Running both models on %1\u2026").arg(input));
  return true;
}

void CompareWindow::runText(const QString& prompt, int maxNewTokens) {
  if (!startRequest(tr("the prompt \u201c%1\u201d").arg(prompt))) return;
  for (Side& side : sides_) side.controller->runText(prompt, maxNewTokens);
}

void CompareWindow::runClip(const QString& path, sinkscope::Modality modality) {
  if (!startRequest(tr("%1 (%2)").arg(QFileInfo(path).fileName(),
                                      QString::fromStdString(modalityName(modality)).toUpper()))) {
    return;
  }
  for (Side& side : sides_) side.controller->runClip(path, modality);
}

void CompareWindow::onTrace(int index, sinkscope::TracePtr trace) {
  Side& side = sides_[index];
  side.result = std::move(trace);
  side.resultRequest = side.request;
  // Only a pair of traces of one input is drawn: shared scales over traces of two
  // different inputs would compare nothing.
  for (const Side& s : sides_) {
    if (s.resultRequest != request_ || !s.result) return;
  }
  for (Side& s : sides_) s.shown = s.result;
  pairedInput_ = requestInput_;
  int layers = 0;
  int heads = 0;
  for (const Side& s : sides_) {
    layers = std::max(layers, s.shown->numLayers);
    heads = std::max(heads, s.shown->numHeads);
  }
  {
    const QSignalBlocker blockLayer(layer_);
    const QSignalBlocker blockHead(head_);
    const QSignalBlocker blockMassive(massiveLayer_);
    layer_->setRange(0, std::max(0, layers - 1));
    massiveLayer_->setRange(0, std::max(0, layers - 1));
    const int head = head_->currentData().isValid() ? head_->currentData().toInt() : -1;
    head_->clear();
    head_->addItem(tr("mean of heads"), -1);
    for (int h = 0; h < heads; ++h) head_->addItem(tr("head %1").arg(h), h);
    head_->setCurrentIndex(std::max(0, head_->findData(head)));
  }
  for (Side& s : sides_) s.transcript->setTrace(s.shown);
  selection_->clear();
  redraw();
  emit pairShown();
}

void CompareWindow::setTeachingMode(bool on) { note_->setVisible(on); }

void CompareWindow::setLayer(int layer) { layer_->setValue(layer); }

void CompareWindow::setHead(int head) { head_->setCurrentIndex(std::max(0, head_->findData(head))); }

void CompareWindow::redraw() {
  if (!sides_[0].shown || !sides_[1].shown) return;
  const int head = head_->currentData().isValid() ? head_->currentData().toInt() : -1;
  try {
    std::array<AttentionMapData, kSides> attention;
    std::array<MassiveActivationData, kSides> massive;
    std::array<BosCosineData, kSides> cosine;
    for (int i = 0; i < kSides; ++i) {
      const Trace& trace = *sides_[i].shown;
      // A side with fewer layers shows its own last one.
      attention[i] = AttentionMapData::fromTrace(trace, std::min(layer_->value(), trace.numLayers - 1), head);
      massive[i] = MassiveActivationData::fromTrace(trace, std::min(massiveLayer_->value(), trace.numLayers - 1));
      cosine[i] = BosCosineData::fromTrace(trace);
    }
    Range attentionRange = attention[0].naturalColorRange();
    Range colorRange = massive[0].naturalColorRange();
    Range peakRange = massive[0].naturalPeakRange();
    Range cosineRange = cosine[0].naturalValueRange();
    for (int i = 1; i < kSides; ++i) {
      attentionRange = unite(attentionRange, attention[i].naturalColorRange());
      colorRange = unite(colorRange, massive[i].naturalColorRange());
      peakRange = unite(peakRange, massive[i].naturalPeakRange());
      cosineRange = unite(cosineRange, cosine[i].naturalValueRange());
    }
    inputLabel_->setText(tr("Both models on %1 \u2014 shared scales: attention %2\u2013%3, |h| %4\u2013%5, "
                            "cosine axis %6\u2013%7")
                             .arg(pairedInput_)
                             .arg(attentionRange.first, 0, 'g', 2)
                             .arg(attentionRange.second, 0, 'g', 2)
                             .arg(colorRange.first, 0, 'g', 2)
                             .arg(colorRange.second, 0, 'g', 2)
                             .arg(cosineRange.first, 0, 'f', 2)
                             .arg(cosineRange.second, 0, 'f', 2));
    for (int i = 0; i < kSides; ++i) {
      attention[i].colorRange = attentionRange;
      massive[i].colorRange = colorRange;
      massive[i].peakRange = peakRange;
      cosine[i].valueRange = cosineRange;
      sides_[i].attention->setData(std::move(attention[i]));
      sides_[i].massive->setData(std::move(massive[i]));
      sides_[i].cosine->setData(std::move(cosine[i]));
    }
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
  }
}

}  // namespace sinkscope::ui
