// CueCommander's allocations, subscriptions, shows, services and limits models.
#include "gui/farm_models.h"

#include <QStringList>

#include "gui/jobs_model.h"  // formatMemoryKb

namespace cue::gui {

namespace {

QString yesNo(bool on) { return on ? QStringLiteral("Yes") : QStringLiteral("No"); }

QString minutes(int32_t m) { return m > 0 ? QStringLiteral("%1 min").arg(m) : QString(); }

}  // namespace

// ---- allocations ----

AllocationsModel::AllocationsModel(QObject* parent)
    : KeyedTableModel({{"Name", "facility.allocation", false},
                       {"Tag", "hosts with this tag join the allocation", false},
                       {"Cores", "bookable cores of its hosts", true},
                       {"Idle", "cores not running frames", true},
                       {"Running", "cores running frames", true},
                       {"Hosts", "hosts in the allocation", true},
                       {"Locked", "hosts locked", true},
                       {"Down", "hosts down", true},
                       {"Billable", "whether its use is billed", false}},
                      parent) {}

QVariant AllocationsModel::display(const core::AllocationView& a, int column) const {
  switch (column) {
    case kName:
      return QString::fromStdString(a.alloc.name);
    case kTag:
      return QString::fromStdString(a.alloc.tag);
    case kCores:
      return formatCoresShort(a.cores);
    case kIdle:
      return formatCoresShort(a.idle_cores);
    case kRunning:
      return formatCoresShort(a.running_cores);
    case kHosts:
      return a.hosts;
    case kLockedHosts:
      return a.locked_hosts;
    case kDownHosts:
      return a.down_hosts;
    case kBillable:
      return yesNo(a.alloc.billable);
    default:
      return {};
  }
}

QVariant AllocationsModel::sortValue(const core::AllocationView& a, int column) const {
  switch (column) {
    case kCores:
      return a.cores;
    case kIdle:
      return a.idle_cores;
    case kRunning:
      return a.running_cores;
    default:
      return {};
  }
}

// ---- subscriptions ----

SubscriptionsModel::SubscriptionsModel(QObject* parent)
    : KeyedTableModel(
          {{"Show", "the show subscribed", false},
           {"Allocation", "the allocation subscribed to", false},
           {"Size", "cores guaranteed to the show", true},
           {"Burst", "the most cores the show may use there", true},
           {"Used", "cores the show's frames hold there now", true},
           {"Usage", "used cores against size (the mark) and burst (the bar's end)", false}},
          parent) {}

QVariant SubscriptionsModel::display(const core::SubscriptionView& s, int column) const {
  switch (column) {
    case kShow:
      return QString::fromStdString(s.sub.show_name);
    case kAllocation:
      return QString::fromStdString(s.sub.alloc_name);
    case kSize:
      return formatCoresShort(s.sub.size);
    case kBurst:
      return formatCoresShort(s.sub.burst);
    case kUsed:
      return formatCoresShort(s.reserved_cores);
    case kUsage:
      return {};  // drawn by SubscriptionBarDelegate from kItemBarRole
    default:
      return {};
  }
}

QVariant SubscriptionsModel::sortValue(const core::SubscriptionView& s, int column) const {
  switch (column) {
    case kSize:
      return s.sub.size;
    case kBurst:
      return s.sub.burst;
    case kUsed:
      return s.reserved_cores;
    case kUsage:
      return s.sub.size > 0 ? static_cast<double>(s.reserved_cores) / s.sub.size
                            : static_cast<double>(s.reserved_cores);
    default:
      return {};
  }
}

QVariant SubscriptionsModel::extra(const core::SubscriptionView& s, int, int role) const {
  if (role == kItemBarRole) return QVariantList{s.reserved_cores, s.sub.size, s.sub.burst};
  return {};
}

// ---- shows ----

ShowsModel::ShowsModel(QObject* parent)
    : KeyedTableModel({{"Name", "the show", false},
                       {"Active", "inactive shows take no new jobs", false},
                       {"Booking", "whether new frames of the show are booked", false},
                       {"Dispatching", "whether the show's frames are dispatched", false},
                       {"Min Cores", "default minimum cores of its jobs", true},
                       {"Max Cores", "default maximum cores of its jobs", true},
                       {"Running", "frames running now", true},
                       {"Cores", "cores its running frames hold", true},
                       {"Pending", "frames waiting to run", true},
                       {"Jobs", "pending jobs", true}},
                      parent) {}

QVariant ShowsModel::display(const core::ShowView& s, int column) const {
  switch (column) {
    case kName:
      return QString::fromStdString(s.show.name);
    case kActive:
      return yesNo(s.show.active);
    case kBooking:
      return yesNo(s.show.booking_enabled);
    case kDispatching:
      return yesNo(s.show.dispatch_enabled);
    case kMinCores:
      return formatCoresShort(s.show.default_min_cores);
    case kMaxCores:
      return formatCoresShort(s.show.default_max_cores);
    case kRunningFrames:
      return s.running_frames;
    case kRunningCores:
      return formatCoresShort(s.reserved_cores);
    case kPendingFrames:
      return s.pending_frames;
    case kPendingJobs:
      return s.pending_jobs;
    default:
      return {};
  }
}

QVariant ShowsModel::sortValue(const core::ShowView& s, int column) const {
  switch (column) {
    case kMinCores:
      return s.show.default_min_cores;
    case kMaxCores:
      return s.show.default_max_cores;
    case kRunningCores:
      return s.reserved_cores;
    default:
      return {};
  }
}

// ---- services ----

ServicesModel::ServicesModel(QObject* parent)
    : KeyedTableModel(
          {{"Name", "the service layers name", false},
           {"Threadable", "whether its frames may use more cores than the minimum", false},
           {"Min Cores", "cores a frame gets at least", true},
           {"Max Cores", "cores a frame gets at most (0: no maximum)", true},
           {"Min Memory", "memory reserved per frame", true},
           {"Min GPUs", "GPUs a frame gets at least", true},
           {"GPU Memory", "GPU memory reserved per frame", true},
           {"Timeout", "a frame running longer is killed", true},
           {"LLU Timeout", "a frame whose log is silent longer is killed", true},
           {"Tags", "host tags its frames need", false}},
          parent) {}

QVariant ServicesModel::display(const core::Service& s, int column) const {
  switch (column) {
    case kName:
      return QString::fromStdString(s.name);
    case kThreadable:
      return yesNo(s.threadable);
    case kMinCores:
      return formatCoresShort(s.min_cores);
    case kMaxCores:
      return formatCoresShort(s.max_cores);
    case kMinMemory:
      return formatMemoryKb(s.min_memory);
    case kMinGpus:
      return s.min_gpus;
    case kMinGpuMemory:
      return formatMemoryKb(s.min_gpu_memory);
    case kTimeout:
      return minutes(s.timeout_min);
    case kTimeoutLlu:
      return minutes(s.timeout_llu_min);
    case kTags: {
      QStringList tags;
      for (const auto& t : s.tags) tags << QString::fromStdString(t);
      return tags.join(QStringLiteral(" | "));
    }
    default:
      return {};
  }
}

QVariant ServicesModel::sortValue(const core::Service& s, int column) const {
  switch (column) {
    case kMinCores:
      return s.min_cores;
    case kMaxCores:
      return s.max_cores;
    case kMinMemory:
      return static_cast<qlonglong>(s.min_memory);
    case kMinGpuMemory:
      return static_cast<qlonglong>(s.min_gpu_memory);
    case kTimeout:
      return s.timeout_min;
    case kTimeoutLlu:
      return s.timeout_llu_min;
    default:
      return {};
  }
}

// ---- limits ----

LimitsModel::LimitsModel(QObject* parent)
    : KeyedTableModel({{"Name", "the limit layers name", false},
                       {"Max", "frames that may run at once", true},
                       {"Running", "frames counting against it now", true}},
                      parent) {}

QVariant LimitsModel::display(const core::LimitView& l, int column) const {
  switch (column) {
    case kName:
      return QString::fromStdString(l.limit.name);
    case kMax:
      return l.limit.max_value;
    case kRunning:
      return l.running;
    default:
      return {};
  }
}

}  // namespace cue::gui
