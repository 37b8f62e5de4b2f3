#include "ui/panels/InterventionPanel.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/base/Error.h"
#include "ui/controllers/InferenceController.h"
#include "ui/plots/TraceTaps.h"

namespace sinkscope::ui {

namespace {

constexpr float kSinkEpsilon = 0.3f;
constexpr float kSinkFraction = 0.25f;

std::vector<int> parseList(const QString& text, const QString& field) {
  std::vector<int> values;
  for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
    bool ok = false;
    const int value = part.toInt(&ok);
    if (!ok || value < 0) {
      throw ConfigError(QStringLiteral("%1: \"%2\" is not a non-negative integer").arg(field, part).toStdString());
    }
    values.push_back(value);
  }
  return values;
}

QString joinList(const std::vector<int>& values) {
  QStringList parts;
  for (int v : values) parts << QString::number(v);
  return parts.join(QStringLiteral(", "));
}

}  // namespace

InterventionPanel::InterventionPanel(InferenceController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(6, 4, 6, 4);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

  auto* dimsRow = new QHBoxLayout;
  dimsEnabled_ = new QCheckBox(tr("set"), this);
  dimsMode_ = new QComboBox(this);
  dimsMode_->addItem(tr("to zero"), static_cast<int>(DimIntervention::Mode::Zero));
  dimsMode_->addItem(tr("to their mean"), static_cast<int>(DimIntervention::Mode::Mean));
  dims_ = new QLineEdit(this);
  dims_->setPlaceholderText(tr("feature dims, e.g. 12, 40"));
  dimsRow->addWidget(dimsEnabled_);
  dimsRow->addWidget(dims_, 1);
  dimsRow->addWidget(dimsMode_);
  form->addRow(tr("Massive dims"), dimsRow);
  dimsNote_ = new QLabel(this);
  dimsNote_->setWordWrap(true);
  dimsNote_->setStyleSheet(QStringLiteral("QLabel { color: gray; }"));
  form->addRow(QString(), dimsNote_);
  positions_ = new QLineEdit(this);
  positions_->setPlaceholderText(tr("token positions; empty: every token"));
  form->addRow(tr("  at tokens"), positions_);

  auto* keysRow = new QHBoxLayout;
  attentionEnabled_ = new QCheckBox(tr("ablate"), this);
  keys_ = new QLineEdit(this);
  keys_->setPlaceholderText(tr("sink token positions, e.g. 0"));
  keysRow->addWidget(attentionEnabled_);
  keysRow->addWidget(keys_, 1);
  form->addRow(tr("Attention to"), keysRow);

  auto* layersRow = new QHBoxLayout;
  firstLayer_ = new QSpinBox(this);
  lastLayer_ = new QSpinBox(this);
  layersRow->addWidget(firstLayer_);
  layersRow->addWidget(new QLabel(tr("to"), this));
  layersRow->addWidget(lastLayer_);
  layersRow->addStretch(1);
  form->addRow(tr("Layers"), layersRow);
  column->addLayout(form);

  auto* buttons = new QHBoxLayout;
  run_ = new QPushButton(tr("Run with interventions"), this);
  run_->setToolTip(tr("Run the current clip or prompt again with these edits"));
  reset_ = new QPushButton(tr("Run unmodified"), this);
  buttons->addWidget(run_);
  buttons->addWidget(reset_);
  buttons->addStretch(1);
  column->addLayout(buttons);
  summary_ = new QLabel(tr("Run a clip or a prompt first: it becomes the unmodified baseline."), this);
  summary_->setWordWrap(true);
  column->addWidget(summary_);
  diffView_ = new QTextBrowser(this);
  diffView_->setPlaceholderText(tr("The transcript diff against the unmodified run appears here."));
  column->addWidget(diffView_, 1);

  connect(run_, &QPushButton::clicked, this, &InterventionPanel::run);
  connect(reset_, &QPushButton::clicked, this, &InterventionPanel::runUnmodified);
  connect(controller_, &InferenceController::traceReady, this, &InterventionPanel::onTrace);
  connect(controller_, &InferenceController::busyChanged, this, [this](bool busy) {
    run_->setEnabled(!busy);
    reset_->setEnabled(!busy);
  });
}

InterventionSpec InterventionPanel::spec() const {
  InterventionSpec spec;
  if (firstLayer_->value() > lastLayer_->value()) throw ConfigError("layers: the first layer is after the last");
  std::vector<int> layers;
  for (int l = firstLayer_->value(); l <= lastLayer_->value(); ++l) layers.push_back(l);
  if (dimsEnabled_->isChecked()) {
    DimIntervention edit;
    edit.mode = static_cast<DimIntervention::Mode>(dimsMode_->currentData().toInt());
    edit.layers = layers;
    edit.dims = parseList(dims_->text(), tr("massive dims"));
    edit.positions = parseList(positions_->text(), tr("tokens"));
    if (edit.dims.empty()) throw ConfigError("massive dims: give at least one feature dim");
    spec.dims.push_back(std::move(edit));
  }
  if (attentionEnabled_->isChecked()) {
    AttentionIntervention edit;
    edit.layers = layers;
    edit.keys = parseList(keys_->text(), tr("attention to"));
    if (edit.keys.empty()) throw ConfigError("attention to: give at least one token position");
    spec.attention.push_back(std::move(edit));
  }
  return spec;
}

void InterventionPanel::run() {
  InterventionSpec edits;
  try {
    edits = spec();
  } catch (const std::exception& e) {
    emit failed(QString::fromStdString(e.what()));
    return;
  }
  if (edits.empty()) {
    emit failed(tr("Choose an intervention first: tick \u201cset\u201d massive dims or \u201cablate\u201d attention."));
    return;
  }
  controller_->rerun(edits);
}

void InterventionPanel::runUnmodified() { controller_->rerun({}); }

QString InterventionPanel::diffSummary() const {
  if (!intervened_) return {};
  if (diff_.identical()) return tr("The transcript did not change.");
  return tr("%1 word(s) added, %2 removed, %3 changed against the unmodified run.")
      .arg(diff_.added())
      .arg(diff_.removed())
      .arg(diff_.changed());
}

void InterventionPanel::onTrace(sinkscope::TracePtr trace) {
  if (controller_->traceInterventions().empty()) {
    baseline_ = std::move(trace);
    intervened_.reset();
    diff_ = {};
    fillDefaults();
    summary_->setText(tr("Baseline: \u201c%1\u201d").arg(QString::fromStdString(baseline_->transcript)));
    diffView_->clear();
    return;
  }
  intervened_ = std::move(trace);
  diff_ = TranscriptDiff::of(baseline_ ? baseline_->transcript : std::string(), intervened_->transcript);
  summary_->setText(diffSummary());
  renderDiff();
}

void InterventionPanel::fillDefaults() {
  const Trace& trace = *baseline_;
  const int last = std::max(0, trace.numLayers - 1);
  firstLayer_->setRange(0, last);
  lastLayer_->setRange(0, last);
  firstLayer_->setValue(0);
  lastLayer_->setValue(last);

  std::vector<int> sinks{0};
  try {
    for (int t : TraceTaps::intermediateSinks(trace, kSinkEpsilon, kSinkFraction)) sinks.push_back(t);
  } catch (const std::exception&) {
    // No attention taps: BOS alone is the sink to offer.
  }
  keys_->setText(joinList(sinks));
  positions_->setText(joinList(sinks));

  // The fixed dims by DESIGN §2 (massive in two or more tokens of some layer); a
  // small random-initialised model has none, so then the largest |h| dims at BOS in
  // the middle layer are offered instead, and the note says so.
  std::set<int> fixed;
  for (int l : TraceTaps::residualLayers(trace)) {
    for (int d : TraceTaps::massiveDims(TraceTaps::residual(trace, l), 100.0f, 1000.0f)) fixed.insert(d);
  }
  std::vector<int> dims(fixed.begin(), fixed.end());
  if (!dims.empty()) {
    dimsNote_->setText(tr("fixed massive dims of this run (|h| > 100 and > 1000 \u00d7 median)"));
  } else if (const std::vector<int> layers = TraceTaps::residualLayers(trace); !layers.empty()) {
    const HostTensor& hidden = TraceTaps::residual(trace, layers[layers.size() / 2]);
    std::vector<int> order(static_cast<std::size_t>(hidden.size(1)));
    for (std::size_t d = 0; d < order.size(); ++d) order[d] = static_cast<int>(d);
    const auto magnitude = [&hidden](int d) { return std::fabs(hidden.at(0, d)); };
    const std::size_t keep = std::min<std::size_t>(2, order.size());
    std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                      [&](int a, int b) { return magnitude(a) > magnitude(b); });
    dims.assign(order.begin(), order.begin() + keep);
    std::sort(dims.begin(), dims.end());
    dimsNote_->setText(tr("no massive dims in this run; offered: the largest |h| at BOS in layer %1")
                           .arg(layers[layers.size() / 2]));
  }
  dims_->setText(joinList(dims));
}

void InterventionPanel::renderDiff() {
  const QString text = palette().color(QPalette::Text).name();
  QString html = QStringLiteral("<div style='font-size:14pt; line-height:150%; color:%1'>").arg(text);
  for (const WordEdit& e : diff_.edits()) {
    const QString before = QString::fromStdString(e.before).toHtmlEscaped();
    const QString after = QString::fromStdString(e.after).toHtmlEscaped();
    switch (e.kind) {
      case WordEdit::Kind::Same:
        html += after + QLatin1Char(' ');
        break;
      case WordEdit::Kind::Added:
        html += QStringLiteral("<span title='added' style='background-color:#b7e4c7; color:#0b3d1f'>%1</span> ").arg(after);
        break;
      case WordEdit::Kind::Removed:
        html += QStringLiteral("<span title='removed' style='background-color:#f4c2c2; color:#5c0a0a;"
                               " text-decoration:line-through'>%1</span> ")
                    .arg(before);
        break;
      case WordEdit::Kind::Changed:
        html += QStringLiteral("<span title='changed from \u201c%1\u201d' style='background-color:#ffe29a;"
                               " color:#4a3500'><s>%1</s>\u2192%2</span> ")
                    .arg(before, after);
        break;
    }
  }
  html += QStringLiteral("</div>");
  if (diff_.edits().empty()) html = tr("<i>Both runs produced no words.</i>");
  diffView_->setHtml(html);
}

}  // namespace sinkscope::ui
