// CueCommander's Monitor Hosts tables: the hosts (core::Host, OpenCue CueCommander's
// columns), the procs of the selected host (core::ProcView), and the filter of the hosts
// table (name substring, allocation, hardware state). Models of table_model.h: merged by id
// at each refresh. UI thread only.
#pragma once

#include <QSortFilterProxyModel>
#include <QString>
#include <optional>

#include "core/types.h"
#include "core/views.h"
#include "gui/table_model.h"

namespace cue::gui {

// "Up", "Down", "Rebooting", "RebootWhenIdle", "Repair": OpenCue's words for a host's state.
QString hardwareStateName(core::HardwareState state);
// "Open", "Locked", "NimbyLocked".
QString lockStateName(core::LockState state);
// "Auto", "All", "Variable".
QString threadModeName(core::ThreadMode mode);
// Seconds since a report, as "12s", "4m 05s", "3h 02m".
QString formatPingAge(int64_t seconds);

class HostsModel : public KeyedTableModel<core::Host> {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kLoad,
    kMemory,
    kCores,
    kGpus,
    kState,
    kLock,
    kNimby,
    kAllocation,
    kTags,
    kPing,
    kThreadMode,
    kColumnCount
  };
  // More roles, beyond table_model.h's.
  enum Role {
    kHardwareStateRole = kItemBarRole + 10,  // int: core::HardwareState
    kAllocNameRole,                          // QString: the host's allocation
  };

  explicit HostsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::Host& h) const override { return h.id; }
  QVariant display(const core::Host& h, int column) const override;
  QVariant sortValue(const core::Host& h, int column) const override;
  QVariant extra(const core::Host& h, int column, int role) const override;
};

// The procs of one host (core::ProcView): what runs there and what it holds.
class ProcsModel : public KeyedTableModel<core::ProcView> {
  Q_OBJECT

 public:
  enum Column {
    kJob,
    kLayer,
    kFrame,
    kCores,
    kMemoryReserved,
    kMemoryUsed,
    kRunTime,
    kUnbooked,
    kColumnCount
  };

  explicit ProcsModel(QObject* parent = nullptr);

 protected:
  std::string key(const core::ProcView& p) const override { return p.proc.id; }
  QVariant display(const core::ProcView& p, int column) const override;
  QVariant sortValue(const core::ProcView& p, int column) const override;
};

// Monitor Hosts' search and filters over HostsModel: the name contains the search text
// (case-insensitive), the allocation is the one chosen (empty: any), the state is the one
// chosen (none: any). Sorts by kItemSortRole.
class HostsFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit HostsFilter(QObject* parent = nullptr);
  void setNameSearch(const QString& text);
  void setAllocation(const QString& alloc_name);
  void setState(std::optional<core::HardwareState> state);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  QString name_;
  QString alloc_;
  std::optional<core::HardwareState> state_;
};

}  // namespace cue::gui
