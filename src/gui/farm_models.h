// CueCommander's farm tables besides hosts: allocations, subscriptions (with the values of
// their usage bar), shows, services and limits, with OpenCue CueCommander's columns. Models
// of table_model.h: merged by id at each refresh. UI thread only.
#pragma once

#include "core/types.h"
#include "core/views.h"
#include "gui/table_model.h"

namespace cue::gui {

class AllocationsModel : public KeyedTableModel<core::AllocationView> {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kTag,
    kCores,
    kIdle,
    kRunning,
    kHosts,
    kLockedHosts,
    kDownHosts,
    kBillable,
    kColumnCount
  };
  explicit AllocationsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::AllocationView& a) const override { return a.alloc.id; }
  QVariant display(const core::AllocationView& a, int column) const override;
  QVariant sortValue(const core::AllocationView& a, int column) const override;
};

// One row per show's subscription to an allocation. The Usage column's kItemBarRole holds
// QVariantList{used, size, burst} in core units, drawn by SubscriptionBarDelegate.
class SubscriptionsModel : public KeyedTableModel<core::SubscriptionView> {
  Q_OBJECT

 public:
  enum Column { kShow, kAllocation, kSize, kBurst, kUsed, kUsage, kColumnCount };
  explicit SubscriptionsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::SubscriptionView& s) const override { return s.sub.id; }
  QVariant display(const core::SubscriptionView& s, int column) const override;
  QVariant sortValue(const core::SubscriptionView& s, int column) const override;
  QVariant extra(const core::SubscriptionView& s, int column, int role) const override;
};

class ShowsModel : public KeyedTableModel<core::ShowView> {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kActive,
    kBooking,
    kDispatching,
    kMinCores,
    kMaxCores,
    kRunningFrames,
    kRunningCores,
    kPendingFrames,
    kPendingJobs,
    kColumnCount
  };
  explicit ShowsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::ShowView& s) const override { return s.show.id; }
  QVariant display(const core::ShowView& s, int column) const override;
  QVariant sortValue(const core::ShowView& s, int column) const override;
};

class ServicesModel : public KeyedTableModel<core::Service> {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kThreadable,
    kMinCores,
    kMaxCores,
    kMinMemory,
    kMinGpus,
    kMinGpuMemory,
    kTimeout,
    kTimeoutLlu,
    kTags,
    kColumnCount
  };
  explicit ServicesModel(QObject* parent = nullptr);

 protected:
  // Services are unique by name; the name stands in when a service has no id.
  std::string key(const core::Service& s) const override { return s.id.empty() ? s.name : s.id; }
  QVariant display(const core::Service& s, int column) const override;
  QVariant sortValue(const core::Service& s, int column) const override;
};

class LimitsModel : public KeyedTableModel<core::LimitView> {
  Q_OBJECT

 public:
  enum Column { kName, kMax, kRunning, kColumnCount };
  explicit LimitsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::LimitView& l) const override { return l.limit.id; }
  QVariant display(const core::LimitView& l, int column) const override;
};

}  // namespace cue::gui
