// CueCommander (cuegui's admin view) without its widgets: one PollingMonitor per view, each
// with its own client and worker thread, filling its models off the UI thread.
//
//   HostMonitor: the hosts (HostsModel) and the procs of one chosen host (ProcsModel); runs
//     the host actions (lock, unlock, reboot when idle, hardware state, allocation, tags,
//     thread mode) and the proc actions (kill, unbook).
//   ListMonitor<Model>: one list fetched whole at each refresh (allocations, subscriptions,
//     shows, services, limits); SubscriptionMonitor also edits sizes and bursts.
//   CueMonitor (cue_monitor.h): the Monitor Cue tree of shows, groups and jobs.
//   Commander: all of them, made from one cuebot configuration.
//
// Actions end with actionDone or actionFailed, then a refresh. UI thread only.
#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client.h"
#include "gui/cue_monitor.h"
#include "gui/farm_models.h"
#include "gui/hosts_model.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

class HostMonitor : public ActionMonitor {
  Q_OBJECT

 public:
  HostMonitor(client::Client client, int refresh_ms, QObject* parent = nullptr);

  HostsModel* hosts() { return &hosts_; }
  ProcsModel* procs() { return &procs_; }

  // The host whose procs ProcsModel shows (by name; empty: none). Clears the procs when it
  // changes and asks for a refresh.
  void setProcHost(const QString& name);
  const QString& procHost() const { return proc_host_; }

  // Each runs on every host given (ids), then refreshes.
  void lockHosts(const QStringList& ids);
  void unlockHosts(const QStringList& ids);
  void rebootHostsWhenIdle(const QStringList& ids);
  void setHardwareState(const QStringList& ids, core::HardwareState state);
  void setAllocation(const QStringList& ids, const QString& alloc_id);
  void addTags(const QStringList& ids, const QStringList& tags);
  void removeTags(const QStringList& ids, const QStringList& tags);
  void setThreadMode(const QStringList& ids, core::ThreadMode mode);
  // Each runs on every proc given (ids).
  void killProcs(const QStringList& ids);
  void unbookProcs(const QStringList& ids, bool kill);

 protected:
  void fetch() override;

 private:
  void runOnHosts(const QString& verb, const QStringList& ids, Op op);
  void runOnProcs(const QString& verb, const QStringList& ids, Op op);

  QString proc_host_;
  HostsModel hosts_;
  ProcsModel procs_;
};

// Keeps `Model` (a KeyedTableModel) filled with what `fetch` returns, on a timer.
template <class Model>
class ListMonitor : public ActionMonitor {
 public:
  using Item = std::remove_cv_t<std::remove_reference_t<decltype(*std::declval<Model>().item(0))>>;
  using Items = absl::StatusOr<std::vector<Item>>;
  using Fetch = std::function<Items(client::Client&)>;

  ListMonitor(client::Client client, int refresh_ms, Fetch fetch, QObject* parent = nullptr)
      : ActionMonitor(std::move(client), refresh_ms, parent), fetch_(std::move(fetch)) {}

  Model* model() { return &model_; }

 protected:
  void fetch() override {
    run<Items>(fetch_, [this](Items items) {
      if (items.ok()) model_.setItems(std::move(*items), nowEpochSec());
      refreshDone(items.status());
    });
  }

 private:
  Fetch fetch_;
  Model model_;
};

using AllocationMonitor = ListMonitor<AllocationsModel>;
using ShowMonitor = ListMonitor<ShowsModel>;
using ServiceMonitor = ListMonitor<ServicesModel>;
using LimitMonitor = ListMonitor<LimitsModel>;

// Every subscription of the farm: those of each allocation, in the allocations' order.
absl::StatusOr<std::vector<core::SubscriptionView>> allSubscriptions(client::Client& client);

// Every subscription (allSubscriptions), and their size and burst to edit.
class SubscriptionMonitor : public ListMonitor<SubscriptionsModel> {
 public:
  SubscriptionMonitor(client::Client client, int refresh_ms, QObject* parent = nullptr);
  // Sets each subscription's (ids) size or burst to `cores` (core units), then refreshes.
  void setSize(const QStringList& ids, core::CoreUnits cores);
  void setBurst(const QStringList& ids, core::CoreUnits cores);

 private:
  void runOnSubscriptions(const QString& verb, const QStringList& ids, Op op);
};

struct CommanderOptions {
  int hosts_refresh_ms = 20000;  // OpenCue's CueCommander refreshes hosts every 20 s
  int farm_refresh_ms = 30000;   // allocations, subscriptions, shows, services, limits
  int cue_refresh_ms = 15000;    // Monitor Cue's tree of shows, groups and jobs
};

// The monitors of CueCommander's tabs, each on its own Client of `config`. Not started.
class Commander {
 public:
  Commander(const client::CuebotConfig& config, CommanderOptions options);

  HostMonitor* hosts() { return hosts_.get(); }
  AllocationMonitor* allocations() { return allocations_.get(); }
  SubscriptionMonitor* subscriptions() { return subscriptions_.get(); }
  ShowMonitor* shows() { return shows_.get(); }
  ServiceMonitor* services() { return services_.get(); }
  LimitMonitor* limits() { return limits_.get(); }
  CueMonitor* cue() { return cue_.get(); }
  // In tab order: hosts, allocations, subscriptions, shows, services, limits, Monitor Cue.
  std::vector<PollingMonitor*> all();

  void start();

 private:
  std::unique_ptr<HostMonitor> hosts_;
  std::unique_ptr<AllocationMonitor> allocations_;
  std::unique_ptr<SubscriptionMonitor> subscriptions_;
  std::unique_ptr<ShowMonitor> shows_;
  std::unique_ptr<ServiceMonitor> services_;
  std::unique_ptr<LimitMonitor> limits_;
  std::unique_ptr<CueMonitor> cue_;
};

}  // namespace cue::gui
