// cuegui's admin view, OpenCue's "CueCommander": a window with a tab per view of the farm.
//
//   Hosts: search by name, filters by allocation and hardware state, the hosts table and,
//     below it, the procs of the selected host. Host actions (context menu and shortcuts):
//     lock, unlock, reboot when idle, repair / clear repair, set allocation, add and remove
//     tags, thread mode; proc actions: kill, unbook. Destructive ones ask first.
//   Allocations, Subscriptions (a usage bar per subscription; edit size and burst), Shows,
//   Services, Limits; Monitor Cue (monitor_cue_view.h): the tree of shows, groups and jobs.
//
// A red banner while any of its monitors gets no answer from the cuebot, and a status line
// with the current tab's rows, the last refresh and the last action's outcome. Widgets and
// actions have object names for tests and style sheets: "tabs", "banner", "status",
// "hostSearch", "allocFilter", "stateFilter", "hosts", "procs", "allocations",
// "subscriptions", "shows", "services", "limits"; actions "lockHosts", "unlockHosts",
// "rebootHosts", "repairHosts", "clearRepair", "setAllocation", "addTags", "removeTags",
// "threadMode", "killProcs", "unbookProcs", "subscriptionSize", "subscriptionBurst", "refresh".
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <functional>

#include "gui/dialogs.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QAbstractItemModel;

namespace cue::gui {

class Commander;
class HostsFilter;
class MonitorCueView;
class PollingMonitor;

class CueCommanderWindow : public QMainWindow {
  Q_OBJECT

 public:
  enum Tab {
    kHostsTab,
    kAllocationsTab,
    kSubscriptionsTab,
    kShowsTab,
    kServicesTab,
    kLimitsTab,
    kMonitorCueTab
  };

  // `commander` is not owned and must outlive the window; the window does not start it.
  explicit CueCommanderWindow(Commander* commander, QWidget* parent = nullptr);

  // Ids of the selected hosts and procs, in view order.
  // Opens the filters editor of show `name` (the Shows tab's "Filters..."), started; nullptr
  // for a show not listed.
  class FiltersDialog* openFilters(const QString& name);

  QStringList selectedHostIds() const;
  QStringList selectedProcIds() const;
  QStringList selectedSubscriptionIds() const;

  // The questions asked (dialogs.h); tests answer for the user here.
  void setConfirm(Confirm confirm);
  void setChoose(Choose choose) { choose_ = std::move(choose); }
  void setAskText(AskText ask) { ask_text_ = std::move(ask); }
  void setAskNumber(AskNumber ask);
  MonitorCueView* monitorCue() const { return monitor_cue_; }

  // The window's geometry, the current tab, the hosts/procs split and each table's columns
  // (order, widths, visibility, sort), under "cueCommander/" in `settings`.
  void saveLayout(QSettings& settings) const;
  void restoreLayout(const QSettings& settings);

 private:
  QWidget* buildHostsTab();
  QTableView* makeTable(const QString& name, QAbstractItemModel* model, QWidget* parent);
  void buildActions();
  void fillAllocationFilter();
  void applyHostFilters();
  void showHostMenu(const QPoint& pos);
  void showProcMenu(const QPoint& pos);
  void showColumnMenu(QTableView* view, const QPoint& pos);
  void rebootSelected();
  void setAllocationOfSelected();
  void editTagsOfSelected(bool add);
  void setThreadModeOfSelected();
  void killSelectedProcs();
  void unbookSelectedProcs();
  void showSubscriptionMenu(const QPoint& pos);
  // Asks for a number of cores and sets the selected subscriptions' size or burst to it.
  void editSelectedSubscriptions(bool burst);
  QStringList selectedHostNames() const;
  void refreshCurrent();
  void showConnection();
  void updateStatus();

  Commander* commander_;
  Confirm confirm_;
  Choose choose_;
  AskText ask_text_;
  AskNumber ask_number_;
  HostsFilter* hosts_filter_;
  QTabWidget* tabs_;
  QLabel* banner_;
  QLabel* status_;
  QLineEdit* host_search_;
  QComboBox* alloc_filter_;
  QComboBox* state_filter_;
  QSplitter* host_split_;
  QTableView* hosts_;
  QTableView* procs_;
  QTableView* subscriptions_;
  MonitorCueView* monitor_cue_;
  QList<QTableView*> tables_;  // every table, for the layout
  QString last_action_;
  QAction* lock_;
  QAction* unlock_;
  QAction* reboot_;
  QAction* repair_;
  QAction* clear_repair_;
  QAction* set_alloc_;
  QAction* add_tags_;
  QAction* remove_tags_;
  QAction* thread_mode_;
  QAction* kill_procs_;
  QAction* unbook_procs_;
  QAction* sub_size_;
  QAction* sub_burst_;
};

}  // namespace cue::gui
