#include "ui/views/TranscriptView.h"

#include <cmath>

#include "ui/main/TokenSelection.h"

namespace sinkscope::ui {

TranscriptView::TranscriptView(TokenSelection* selection, QWidget* parent)
    : QTextBrowser(parent), selection_(selection) {
  setOpenLinks(false);
  setPlaceholderText(tr("The transcript appears here."));
  connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    bool ok = false;
    const int step = url.path().toInt(&ok);
    if (ok && url.scheme() == QLatin1String("step")) selection_->select(positionOfStep(step));
  });
  connect(selection_, &TokenSelection::changed, this, [this](int) { render(); });
}

void TranscriptView::setTrace(TracePtr trace) {
  trace_ = std::move(trace);
  render();
}

int TranscriptView::positionOfStep(int step) const {
  if (!trace_) return -1;
  return trace_->numTokens() - static_cast<int>(trace_->steps.size()) + step;
}

void TranscriptView::render() {
  if (!trace_) {
    clear();
    return;
  }
  QString html = QStringLiteral("<div style='font-size:15pt; line-height:150%'>");
  for (int i = 0; i < static_cast<int>(trace_->steps.size()); ++i) {
    const TraceStep& step = trace_->steps[static_cast<std::size_t>(i)];
    const double p = std::exp(static_cast<double>(step.logProb));
    // Confident tokens plain; doubtful ones on an increasingly strong amber.
    const int alpha = static_cast<int>(std::round(200.0 * (1.0 - p)));
    const bool selected = positionOfStep(i) == selection_->current();
    QString text = QString::fromStdString(step.text).toHtmlEscaped();
    if (text.isEmpty()) text = QStringLiteral("\u2205");
    html += QStringLiteral("<a href='step:%1' title='p = %2' style='text-decoration:none; color:%3; "
                           "background-color: rgba(240,160,40,%4);%5'>%6</a>")
                .arg(i)
                .arg(p, 0, 'f', 3)
                .arg(palette().color(QPalette::Text).name())
                .arg(alpha)
                .arg(selected ? QStringLiteral(" border-bottom: 3px solid; font-weight:bold;") : QString())
                .arg(text);
  }
  html += QStringLiteral("</div>");
  if (trace_->steps.empty()) html = tr("<i>No tokens were generated (teacher-forced pass).</i>");
  setHtml(html);
}

}  // namespace sinkscope::ui
