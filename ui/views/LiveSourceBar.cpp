#include "ui/views/LiveSourceBar.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>

#include "core/capture/CaptureDevices.h"

namespace sinkscope::ui {

namespace {

const QString kClipPrefix = QStringLiteral("clip:");

// Keeps the selection by id across a refresh; else the system default.
void fill(QComboBox* box, const std::vector<CaptureDeviceInfo>& devices, const QString& none,
          const QStringList& extra = {}) {
  const QString previous = box->currentData().toString();
  const QSignalBlocker block(box);
  box->clear();
  int preferred = -1;
  for (const CaptureDeviceInfo& device : devices) {
    const QString id = QString::fromStdString(device.id);
    box->addItem(QString::fromStdString(device.description), id);
    if (id == previous || (preferred < 0 && device.isDefault)) preferred = box->count() - 1;
  }
  for (const QString& path : extra) {
    box->addItem(QObject::tr("clip: %1").arg(QFileInfo(path).fileName()), kClipPrefix + path);
    box->setItemData(box->count() - 1, path, Qt::ToolTipRole);
    if (kClipPrefix + path == previous) preferred = box->count() - 1;
  }
  if (box->count() == 0) box->addItem(none, QString());
  box->setCurrentIndex(std::max(0, preferred));
}

}  // namespace

LiveSourceBar::LiveSourceBar(QWidget* parent)
    : QToolBar(tr("Live"), parent), devices_(new CaptureDevices(1000, this)) {
  setObjectName(QStringLiteral("liveToolBar"));
  addWidget(new QLabel(tr(" Live: "), this));
  cameras_ = new QComboBox(this);
  cameras_->setToolTip(tr("The camera, or a clip played at real-time pace in its place"));
  cameras_->setMinimumContentsLength(16);
  cameras_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  addWidget(cameras_);
  clip_ = addAction(tr("Clip as camera\u2026"));
  clip_->setToolTip(tr("Play a clip in a loop as if it were the camera"));
  microphones_ = new QComboBox(this);
  microphones_->setToolTip(tr("The microphone: speech is cut into utterances where it pauses"));
  microphones_->setMinimumContentsLength(16);
  microphones_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  addWidget(microphones_);
  start_ = addAction(tr("Start live"));
  start_->setShortcut(QKeySequence(tr("F5")));
  stop_ = addAction(tr("Stop"));
  stop_->setShortcut(QKeySequence(tr("Shift+F5")));
  connect(devices_, &CaptureDevices::camerasChanged, this, &LiveSourceBar::refreshCameras);
  connect(devices_, &CaptureDevices::microphonesChanged, this, &LiveSourceBar::refreshMicrophones);
  refreshCameras();
  refreshMicrophones();
  setRunning(false);
}

LiveSourceBar::~LiveSourceBar() = default;

bool LiveSourceBar::clipChosen() const { return cameras_->currentData().toString().startsWith(kClipPrefix); }

QString LiveSourceBar::cameraId() const { return clipChosen() ? QString() : cameras_->currentData().toString(); }

QString LiveSourceBar::clipPath() const {
  return clipChosen() ? cameras_->currentData().toString().mid(kClipPrefix.size()) : QString();
}

QString LiveSourceBar::microphoneId() const { return microphones_->currentData().toString(); }

void LiveSourceBar::chooseClip(const QString& path) {
  clips_.removeAll(path);
  clips_.append(path);
  fill(cameras_, CaptureDevices::cameras(), tr("no camera found"), clips_);
  cameras_->setCurrentIndex(cameras_->findData(kClipPrefix + path));
}

void LiveSourceBar::setRunning(bool running) {
  start_->setEnabled(!running);
  stop_->setEnabled(running);
  cameras_->setEnabled(!running);
  microphones_->setEnabled(!running);
  clip_->setEnabled(!running);
}

void LiveSourceBar::refreshCameras() { fill(cameras_, CaptureDevices::cameras(), tr("no camera found"), clips_); }

void LiveSourceBar::refreshMicrophones() {
  fill(microphones_, CaptureDevices::microphones(), tr("no microphone found"));
}

}  // namespace sinkscope::ui
