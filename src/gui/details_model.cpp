#include "gui/details_model.h"

#include <QBrush>
#include <QStringList>
#include <algorithm>

#include "gui/row_merge.h"

namespace cue::gui {

namespace {

QString joined(const std::vector<std::string>& items, const char* sep) {
  QStringList list;
  for (const auto& s : items) list << QString::fromStdString(s);
  return list.join(QString::fromLatin1(sep));
}

DisplayState layerDisplayState(const core::LayerView& v) {
  const auto& c = v.counts;
  if (c.total > 0 && c.succeeded + c.eaten == c.total) return DisplayState::kSucceeded;
  if (c.dead > 0) return DisplayState::kDead;
  if (c.running > 0) return DisplayState::kRunning;
  if (c.depend > 0 && c.waiting == 0) return DisplayState::kDepend;
  return DisplayState::kWaiting;
}

QVariant rightAligned() { return (Qt::AlignRight | Qt::AlignVCenter).toInt(); }

}  // namespace

DisplayState frameDisplayState(core::FrameState state) {
  switch (state) {
    case core::FrameState::kSetup:
    case core::FrameState::kRunning:
    case core::FrameState::kCheckpoint:
      return DisplayState::kRunning;
    case core::FrameState::kSucceeded:
      return DisplayState::kSucceeded;
    case core::FrameState::kDepend:
      return DisplayState::kDepend;
    case core::FrameState::kDead:
      return DisplayState::kDead;
    case core::FrameState::kEaten:
      return DisplayState::kEaten;
    case core::FrameState::kWaiting:
    default:
      return DisplayState::kWaiting;
  }
}

QString frameStateName(core::FrameState state) {
  return QString::fromStdString(std::string(core::toString(state)));
}

QString formatDuration(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  return QStringLiteral("%1:%2:%3")
      .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
      .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
      .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QString formatCores(core::CoreUnits units) {
  return QString::number(static_cast<double>(units) / core::kCoreUnitsPerCore, 'f', 2);
}

int64_t frameRuntime(const core::Frame& f, int64_t now) {
  if (f.start_time <= 0) return 0;
  const int64_t end = f.stop_time >= f.start_time ? f.stop_time : now;
  return std::max<int64_t>(end - f.start_time, 0);
}

QString frameHost(const core::Frame& f) {
  const auto slash = f.last_resource.find('/');
  return QString::fromStdString(f.last_resource.substr(0, slash));
}

// ---- LayersModel ----

LayersModel::LayersModel(QObject* parent) : MergingTableModel(parent) {}

int LayersModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(layers_.size());
}

int LayersModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant LayersModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  static const char* const kTitles[kColumnCount] = {"Name",    "Services",   "Cores",   "Memory",
                                                    "Tags",    "Done/Total", "Running", "Dead",
                                                    "Waiting", "Progress"};
  static const char* const kTips[kColumnCount] = {"the layer's name",
                                                  "the services its frames run under",
                                                  "cores each frame reserves",
                                                  "memory each frame reserves",
                                                  "host tags its frames run on",
                                                  "frames succeeded / frames in the layer",
                                                  "frames running now",
                                                  "frames that failed every retry",
                                                  "frames ready to run",
                                                  "succeeded, running, dead and waiting frames"};
  if (role == Qt::DisplayRole) return QString::fromLatin1(kTitles[section]);
  if (role == Qt::ToolTipRole) return QString::fromLatin1(kTips[section]);
  return {};
}

QVariant LayersModel::data(const QModelIndex& index, int role) const {
  const core::LayerView* v = index.isValid() ? layer(index.row()) : nullptr;
  if (v == nullptr) return {};
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      return display(*v, column);
    case kSortRole:
      return sortValue(*v, column);
    case kIdRole:
      return QString::fromStdString(v->layer.id);
    case kStateRole:
      return static_cast<int>(layerDisplayState(*v));
    case kCountsRole: {
      const auto& c = v->counts;
      return QVariantList{c.succeeded, c.running, c.dead, c.waiting, c.depend, c.eaten, c.total};
    }
    case Qt::TextAlignmentRole:
      if (column == kName || column == kServices || column == kTags) return {};
      return rightAligned();
    default:
      return {};
  }
}

QVariant LayersModel::display(const core::LayerView& v, int column) const {
  const auto& c = v.counts;
  switch (column) {
    case kName:
      return QString::fromStdString(v.layer.name);
    case kServices:
      return joined(v.layer.services, ",");
    case kCores:
      return formatCores(v.layer.min_cores);
    case kMemory:
      return formatMemoryKb(v.layer.min_memory);
    case kTags:
      return joined(v.layer.tags, " | ");
    case kDoneTotal:
      return QStringLiteral("%1 of %2").arg(c.succeeded).arg(c.total);
    case kRunning:
      return c.running;
    case kDead:
      return c.dead;
    case kWaiting:
      return c.waiting;
    default:
      return {};  // kProgress: drawn by the progress delegate
  }
}

QVariant LayersModel::sortValue(const core::LayerView& v, int column) const {
  const auto& c = v.counts;
  switch (column) {
    case kCores:
      return v.layer.min_cores;
    case kMemory:
      return static_cast<qlonglong>(v.layer.min_memory);
    case kDoneTotal:
      return c.succeeded;
    case kProgress:
      return c.total > 0 ? static_cast<double>(c.succeeded) / c.total : 0.0;
    default:
      return display(v, column);
  }
}

void LayersModel::setLayers(std::vector<core::LayerView> layers) {
  // A handful of rows: each is reported changed.
  mergeRows(
      layers_, std::move(layers),
      [](const core::LayerView& v) -> const std::string& { return v.layer.id; },
      [](const core::LayerView&, const core::LayerView&) { return false; }, row_of_, hooks_);
}

const core::LayerView* LayersModel::layer(int row) const {
  if (row < 0 || row >= static_cast<int>(layers_.size())) return nullptr;
  return &layers_[row];
}

int LayersModel::rowOf(const std::string& id) const {
  auto it = row_of_.find(id);
  return it == row_of_.end() ? -1 : it->second;
}

// ---- FramesModel ----

FramesModel::FramesModel(QObject* parent) : MergingTableModel(parent) {}

int FramesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(frames_.size());
}

int FramesModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant FramesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  static const char* const kTitles[kColumnCount] = {"Name/#",  "Layer",   "State",  "Host",
                                                    "Retries", "Runtime", "Max RSS"};
  static const char* const kTips[kColumnCount] = {
      "the frame's number",        "the layer it belongs to", "the frame's state",
      "the host of its last run",  "failed attempts so far",  "hours:minutes:seconds run",
      "the highest memory it used"};
  if (role == Qt::DisplayRole) return QString::fromLatin1(kTitles[section]);
  if (role == Qt::ToolTipRole) return QString::fromLatin1(kTips[section]);
  return {};
}

QVariant FramesModel::data(const QModelIndex& index, int role) const {
  const core::Frame* f = index.isValid() ? frame(index.row()) : nullptr;
  if (f == nullptr) return {};
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      return display(*f, column);
    case kSortRole:
      return sortValue(*f, column);
    case kIdRole:
      return QString::fromStdString(f->id);
    case kFrameNameRole:
      return QString::fromStdString(f->name);
    case kStateRole:
      return static_cast<int>(frameDisplayState(f->state));
    case Qt::BackgroundRole:
      if (column == kState) return QBrush(stateColor(frameDisplayState(f->state)));
      return {};
    case Qt::ForegroundRole:
      if (column == kState) return QBrush(stateTextColor(frameDisplayState(f->state)));
      return {};
    case Qt::TextAlignmentRole:
      if (column == kLayer || column == kState || column == kHost) return {};
      return rightAligned();
    default:
      return {};
  }
}

QVariant FramesModel::display(const core::Frame& f, int column) const {
  switch (column) {
    case kName:
      return f.number;
    case kLayer:
      return QString::fromStdString(f.layer_name);
    case kState:
      return frameStateName(f.state);
    case kHost:
      return frameHost(f);
    case kRetries:
      return f.retry_count;
    case kRuntime:
      return formatDuration(frameRuntime(f, now_));
    case kMaxRss:
      return formatMemoryKb(f.max_rss);
    default:
      return {};
  }
}

QVariant FramesModel::sortValue(const core::Frame& f, int column) const {
  switch (column) {
    case kState:
      return static_cast<int>(f.state);
    case kRuntime:
      return static_cast<qlonglong>(frameRuntime(f, now_));
    case kMaxRss:
      return static_cast<qlonglong>(f.max_rss);
    default:
      return display(f, column);
  }
}

void FramesModel::setFrames(std::vector<core::Frame> frames, int64_t now) {
  now_ = now;
  mergeRows(
      frames_, std::move(frames), [](const core::Frame& f) -> const std::string& { return f.id; },
      [](const core::Frame& a, const core::Frame& b) {
        // What the columns show; a running frame's Runtime moves with `now`.
        return frameDisplayState(a.state) != DisplayState::kRunning && a.state == b.state &&
               a.version == b.version && a.retry_count == b.retry_count &&
               a.max_rss == b.max_rss && a.start_time == b.start_time &&
               a.stop_time == b.stop_time && a.last_resource == b.last_resource;
      },
      row_of_, hooks_);
}

bool FramesModel::updateFrames(const std::vector<core::Frame>& changes, int64_t now) {
  std::vector<int> rows;
  rows.reserve(changes.size());
  for (const core::Frame& c : changes) {
    const int row = rowOf(c.id);
    if (row < 0) return false;
    rows.push_back(row);
  }
  now_ = now;
  for (size_t k = 0; k < changes.size(); ++k) {
    const core::Frame& c = changes[k];
    core::Frame& f = frames_[rows[k]];
    f.state = c.state;
    f.retry_count = c.retry_count;
    f.exit_status = c.exit_status;
    f.start_time = c.start_time;
    f.stop_time = c.stop_time;
    f.max_rss = c.max_rss;
    f.used_memory = c.used_memory;
    f.max_pss = c.max_pss;
    f.max_gpu_memory = c.max_gpu_memory;
    f.used_gpu_memory = c.used_gpu_memory;
    f.last_resource = c.last_resource;
  }
  for (size_t r = 0; r < frames_.size(); ++r) {
    if (frameDisplayState(frames_[r].state) == DisplayState::kRunning) rows.push_back(static_cast<int>(r));
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  signalChangedRows(rows, hooks_);
  return true;
}

const core::Frame* FramesModel::frame(int row) const {
  if (row < 0 || row >= static_cast<int>(frames_.size())) return nullptr;
  return &frames_[row];
}

int FramesModel::rowOf(const std::string& id) const {
  auto it = row_of_.find(id);
  return it == row_of_.end() ? -1 : it->second;
}

}  // namespace cue::gui
