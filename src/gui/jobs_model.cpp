#include "gui/jobs_model.h"

#include <QBrush>
#include <QRegularExpression>
#include <algorithm>

namespace cue::gui {

DisplayState jobDisplayState(const core::JobView& v) {
  if (v.job.state == core::JobState::kFinished) return DisplayState::kSucceeded;
  if (v.job.paused) return DisplayState::kPaused;
  if (v.counts.dead > 0) return DisplayState::kDead;
  if (v.counts.running > 0) return DisplayState::kRunning;
  if (v.counts.depend > 0 && v.counts.waiting == 0) return DisplayState::kDepend;
  return DisplayState::kWaiting;
}

QString formatMemoryKb(int64_t kb) {
  if (kb <= 0) return QStringLiteral("0");
  if (kb < 1024) return QStringLiteral("%1K").arg(kb);
  if (kb < 1024 * 1024) return QStringLiteral("%1M").arg(kb / 1024);
  return QStringLiteral("%1G").arg(static_cast<double>(kb) / (1024.0 * 1024.0), 0, 'f', 1);
}

QString formatAge(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  return QStringLiteral("%1:%2")
      .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
      .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'));
}

JobsModel::JobsModel(QObject* parent) : MergingTableModel(parent) {}

int JobsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(jobs_.size());
}

int JobsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  static const char* const kTitles[kColumnCount] = {"Job",  "State",   "Done/Total", "Running",
                                                    "Dead", "Eaten",   "Waiting",    "Max RSS",
                                                    "Age",  "Progress"};
  static const char* const kTips[kColumnCount] = {
      "the job's full name: show-shot-user_name",
      "finished, paused, failing (dead frames), running, depend or waiting",
      "frames succeeded / frames in the job",
      "frames running now",
      "frames that failed every retry",
      "frames given up on (eaten)",
      "frames ready to run",
      "the highest memory any frame of the job used",
      "hours:minutes since the job was submitted",
      "succeeded, running, dead and waiting frames"};
  if (section < 0 || section >= kColumnCount) return {};
  if (role == Qt::DisplayRole) return QString::fromLatin1(kTitles[section]);
  if (role == Qt::ToolTipRole) return QString::fromLatin1(kTips[section]);
  return {};
}

QVariant JobsModel::data(const QModelIndex& index, int role) const {
  const core::JobView* v = index.isValid() ? job(index.row()) : nullptr;
  if (v == nullptr) return {};
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      return display(*v, column);
    case Qt::ToolTipRole:
      return column == kName ? QString::fromStdString(v->job.name) : display(*v, column);
    case kSortRole:
      return sortValue(*v, column);
    case kJobIdRole:
      return QString::fromStdString(v->job.id);
    case kStateRole:
      return static_cast<int>(jobDisplayState(*v));
    case kCountsRole: {
      const auto& c = v->counts;
      return QVariantList{c.succeeded, c.running, c.dead, c.waiting, c.depend, c.eaten, c.total};
    }
    case Qt::BackgroundRole:
      if (column == kState) return QBrush(stateColor(jobDisplayState(*v)));
      return {};
    case Qt::ForegroundRole:
      if (column == kState) return QBrush(stateTextColor(jobDisplayState(*v)));
      return {};
    case Qt::TextAlignmentRole:
      if (column == kName || column == kState) return {};
      return (Qt::AlignRight | Qt::AlignVCenter).toInt();
    default:
      return {};
  }
}

QVariant JobsModel::display(const core::JobView& v, int column) const {
  const auto& c = v.counts;
  switch (column) {
    case kName:
      return QString::fromStdString(v.job.name);
    case kState:
      return jobStateName(jobDisplayState(v));
    case kDoneTotal:
      return QStringLiteral("%1 of %2").arg(c.succeeded).arg(c.total);
    case kRunning:
      return c.running;
    case kDead:
      return c.dead;
    case kEaten:
      return c.eaten;
    case kWaiting:
      return c.waiting;
    case kMaxRss:
      return formatMemoryKb(c.max_rss);
    case kAge:
      return formatAge(now_ - v.job.start_time);
    case kProgress:
      return {};  // drawn by the progress delegate from kCountsRole
    default:
      return {};
  }
}

QVariant JobsModel::sortValue(const core::JobView& v, int column) const {
  const auto& c = v.counts;
  switch (column) {
    case kName:
      return QString::fromStdString(v.job.name);
    case kState:
      return static_cast<int>(jobDisplayState(v));
    case kDoneTotal:
      return c.succeeded;
    case kRunning:
      return c.running;
    case kDead:
      return c.dead;
    case kEaten:
      return c.eaten;
    case kWaiting:
      return c.waiting;
    case kMaxRss:
      return static_cast<qlonglong>(c.max_rss);
    case kAge:
      return static_cast<qlonglong>(now_ - v.job.start_time);
    case kProgress:
      return c.total > 0 ? static_cast<double>(c.succeeded) / c.total : 0.0;
    default:
      return {};
  }
}

const core::JobView* JobsModel::job(int row) const {
  if (row < 0 || row >= static_cast<int>(jobs_.size())) return nullptr;
  return &jobs_[row];
}

int JobsModel::rowOf(const std::string& id) const {
  auto it = row_of_.find(id);
  return it == row_of_.end() ? -1 : it->second;
}

void JobsModel::setJobs(std::vector<core::JobView> jobs, int64_t now) {
  const bool aged = now != now_;
  now_ = now;
  mergeRows(
      jobs_, std::move(jobs), [](const core::JobView& v) -> const std::string& { return v.job.id; },
      [](const core::JobView& a, const core::JobView& b) {
        return a.counts == b.counts && a.job.state == b.job.state && a.job.paused == b.job.paused &&
               a.job.name == b.job.name;
      },
      row_of_, hooks_);
  // Age is counted from each job's start: its column, alone, whenever time has moved.
  if (aged && !jobs_.empty()) {
    Q_EMIT dataChanged(index(0, kAge), index(static_cast<int>(jobs_.size()) - 1, kAge));
  }
}

JobsFilter::JobsFilter(QObject* parent) : QSortFilterProxyModel(parent) {
  setFilterKeyColumn(JobsModel::kName);
  setSortRole(JobsModel::kSortRole);
  setDynamicSortFilter(true);
}

bool JobsFilter::setSearch(const QString& text, bool regex) {
  QRegularExpression re(regex ? text : QRegularExpression::escape(text),
                        QRegularExpression::CaseInsensitiveOption);
  if (!re.isValid()) return false;
  setFilterRegularExpression(re);
  return true;
}

}  // namespace cue::gui
