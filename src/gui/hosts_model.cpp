// Monitor Hosts' models: hosts, the selected host's procs, and the hosts filter.
#include "gui/hosts_model.h"

#include <QBrush>
#include <QColor>
#include <QStringList>
#include <algorithm>

#include "gui/jobs_model.h"  // formatMemoryKb, formatAge

namespace cue::gui {

QString hardwareStateName(core::HardwareState state) {
  switch (state) {
    case core::HardwareState::kUp:
      return QStringLiteral("Up");
    case core::HardwareState::kDown:
      return QStringLiteral("Down");
    case core::HardwareState::kRebooting:
      return QStringLiteral("Rebooting");
    case core::HardwareState::kRebootWhenIdle:
      return QStringLiteral("RebootWhenIdle");
    case core::HardwareState::kRepair:
      return QStringLiteral("Repair");
  }
  return {};
}

QString lockStateName(core::LockState state) {
  switch (state) {
    case core::LockState::kOpen:
      return QStringLiteral("Open");
    case core::LockState::kLocked:
      return QStringLiteral("Locked");
    case core::LockState::kNimbyLocked:
      return QStringLiteral("NimbyLocked");
  }
  return {};
}

QString threadModeName(core::ThreadMode mode) {
  switch (mode) {
    case core::ThreadMode::kAuto:
      return QStringLiteral("Auto");
    case core::ThreadMode::kAll:
      return QStringLiteral("All");
    case core::ThreadMode::kVariable:
      return QStringLiteral("Variable");
  }
  return {};
}

QString formatPingAge(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  if (seconds < 60) return QStringLiteral("%1s").arg(seconds);
  if (seconds < 3600) {
    return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
  }
  return QStringLiteral("%1h %2m")
      .arg(seconds / 3600)
      .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'));
}

namespace {

// Colours of the State and Lock cells that need attention (OpenCue CueCommander's idea:
// a host that is down or in repair stands out; a locked host reads greyed).
std::optional<QColor> hardwareStateColor(core::HardwareState state) {
  switch (state) {
    case core::HardwareState::kDown:
      return QColor(255, 0, 0);
    case core::HardwareState::kRepair:
      return QColor(160, 32, 240);
    case core::HardwareState::kRebooting:
    case core::HardwareState::kRebootWhenIdle:
      return QColor(200, 200, 55);
    case core::HardwareState::kUp:
      return std::nullopt;
  }
  return std::nullopt;
}

core::MemoryKb usedMemory(const core::Host& h) {
  return std::max<core::MemoryKb>(h.total_memory - h.free_memory, 0);
}

}  // namespace

HostsModel::HostsModel(QObject* parent)
    : KeyedTableModel(
          {{"Name", "the host's name", false},
           {"Load", "load average (all cores)", true},
           {"Memory", "memory in use / physical memory", true},
           {"Cores", "idle cores / bookable cores", true},
           {"GPUs", "idle GPUs / GPUs", true},
           {"State", "hardware state: Up, Down, Rebooting, RebootWhenIdle, Repair", false},
           {"Lock", "Open, Locked (by an admin) or NimbyLocked (by its user)", false},
           {"NIMBY", "whether rqd locks the host while its user is active", false},
           {"Allocation", "the allocation the host belongs to", false},
           {"Tags", "the host's tags, matched against layers' tags", false},
           {"Ping", "time since the host's last report", true},
           {"Threads", "thread mode: Auto, All or Variable", false}},
          parent) {}

QVariant HostsModel::display(const core::Host& h, int column) const {
  switch (column) {
    case kName:
      return QString::fromStdString(h.name);
    case kLoad:
      return QString::number(h.load / 100.0, 'f', 2);
    case kMemory:
      return QStringLiteral("%1 / %2").arg(formatMemoryKb(usedMemory(h)),
                                           formatMemoryKb(h.total_memory));
    case kCores:
      return QStringLiteral("%1 / %2").arg(formatCoresShort(h.idle_cores), formatCoresShort(h.cores));
    case kGpus:
      return QStringLiteral("%1 / %2").arg(h.idle_gpus).arg(h.gpus);
    case kState:
      return hardwareStateName(h.state);
    case kLock:
      return lockStateName(h.lock_state);
    case kNimby:
      return h.nimby_enabled ? QStringLiteral("Yes") : QStringLiteral("No");
    case kAllocation:
      return QString::fromStdString(h.alloc_name);
    case kTags: {
      QStringList tags;
      for (const auto& t : h.tags) tags << QString::fromStdString(t);
      return tags.join(QStringLiteral(" "));
    }
    case kPing:
      return h.ping_time > 0 ? formatPingAge(now() - h.ping_time) : QStringLiteral("never");
    case kThreadMode:
      return threadModeName(h.thread_mode);
    default:
      return {};
  }
}

QVariant HostsModel::sortValue(const core::Host& h, int column) const {
  switch (column) {
    case kLoad:
      return h.load;
    case kMemory:
      return static_cast<qlonglong>(usedMemory(h));
    case kCores:
      return h.idle_cores;
    case kGpus:
      return h.idle_gpus;
    case kState:
      return static_cast<int>(h.state);
    case kLock:
      return static_cast<int>(h.lock_state);
    case kPing:
      return static_cast<qlonglong>(h.ping_time > 0 ? now() - h.ping_time : INT64_MAX);
    default:
      return {};
  }
}

QVariant HostsModel::extra(const core::Host& h, int column, int role) const {
  switch (role) {
    case kHardwareStateRole:
      return static_cast<int>(h.state);
    case kAllocNameRole:
      return QString::fromStdString(h.alloc_name);
    case Qt::BackgroundRole:
      if (column == kState) {
        if (auto c = hardwareStateColor(h.state)) return QBrush(*c);
      }
      return {};
    case Qt::ForegroundRole:
      if (column == kState && hardwareStateColor(h.state)) {
        return QBrush(h.state == core::HardwareState::kRebooting ||
                              h.state == core::HardwareState::kRebootWhenIdle
                          ? Qt::black
                          : Qt::white);
      }
      if (column == kLock && h.lock_state != core::LockState::kOpen) {
        return QBrush(QColor(150, 150, 150));
      }
      return {};
    default:
      return {};
  }
}

ProcsModel::ProcsModel(QObject* parent)
    : KeyedTableModel({{"Job", "the job the proc runs a frame of", false},
                       {"Layer", "the frame's layer", false},
                       {"Frame", "the frame running", false},
                       {"Cores", "cores reserved", true},
                       {"Reserved", "memory reserved", true},
                       {"Used", "memory in use now", true},
                       {"Run Time", "hours:minutes since the frame started", true},
                       {"Unbooked", "leaves its job when the frame ends", false}},
                      parent) {}

QVariant ProcsModel::display(const core::ProcView& p, int column) const {
  switch (column) {
    case kJob:
      return QString::fromStdString(p.job_name);
    case kLayer: {
      // Frame names are "<number>-<layer>".
      const auto dash = p.frame_name.find('-');
      return dash == std::string::npos ? QString()
                                       : QString::fromStdString(p.frame_name.substr(dash + 1));
    }
    case kFrame:
      return QString::fromStdString(p.frame_name);
    case kCores:
      return formatCoresShort(p.proc.reserved_cores);
    case kMemoryReserved:
      return formatMemoryKb(p.proc.reserved_memory);
    case kMemoryUsed:
      return formatMemoryKb(p.proc.used_memory);
    case kRunTime:
      return p.proc.booked_time > 0 ? formatAge(now() - p.proc.booked_time) : QString();
    case kUnbooked:
      return p.proc.unbooked ? QStringLiteral("Yes") : QString();
    default:
      return {};
  }
}

QVariant ProcsModel::sortValue(const core::ProcView& p, int column) const {
  switch (column) {
    case kCores:
      return p.proc.reserved_cores;
    case kMemoryReserved:
      return static_cast<qlonglong>(p.proc.reserved_memory);
    case kMemoryUsed:
      return static_cast<qlonglong>(p.proc.used_memory);
    case kRunTime:
      return static_cast<qlonglong>(p.proc.booked_time > 0 ? now() - p.proc.booked_time : 0);
    default:
      return {};
  }
}

HostsFilter::HostsFilter(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(kItemSortRole);
  setDynamicSortFilter(true);
}

void HostsFilter::setNameSearch(const QString& text) {
  name_ = text.trimmed();
  invalidateFilter();
}

void HostsFilter::setAllocation(const QString& alloc_name) {
  alloc_ = alloc_name;
  invalidateFilter();
}

void HostsFilter::setState(std::optional<core::HardwareState> state) {
  state_ = state;
  invalidateFilter();
}

bool HostsFilter::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  const QModelIndex name = sourceModel()->index(source_row, HostsModel::kName, source_parent);
  if (!name_.isEmpty() && !name.data().toString().contains(name_, Qt::CaseInsensitive)) {
    return false;
  }
  if (!alloc_.isEmpty() && name.data(HostsModel::kAllocNameRole).toString() != alloc_) {
    return false;
  }
  if (state_ && name.data(HostsModel::kHardwareStateRole).toInt() != static_cast<int>(*state_)) {
    return false;
  }
  return true;
}

}  // namespace cue::gui
