// CueCommander's monitors: hosts and procs with their actions, and the farm's lists.
#include "gui/commander_monitor.h"

#include <utility>

namespace cue::gui {

HostMonitor::HostMonitor(client::Client client, int refresh_ms, QObject* parent)
    : ActionMonitor(std::move(client), refresh_ms, parent) {}

void HostMonitor::setProcHost(const QString& name) {
  if (name == proc_host_) return;
  proc_host_ = name;
  procs_.setItems({}, nowEpochSec());
  refresh();
}

void HostMonitor::fetch() {
  struct Answer {
    absl::StatusOr<std::vector<core::Host>> hosts;
    absl::StatusOr<std::vector<core::ProcView>> procs;
    std::string proc_host;
  };
  run<Answer>(
      [proc_host = proc_host_.toStdString()](client::Client& c) {
        Answer a{c.getHosts({}), std::vector<core::ProcView>{}, proc_host};
        if (a.hosts.ok() && !proc_host.empty()) {
          client::ProcQuery q;
          q.hosts = {proc_host};
          a.procs = c.getProcs(q);
        }
        return a;
      },
      [this](Answer a) {
        const int64_t now = nowEpochSec();
        if (a.hosts.ok()) hosts_.setItems(std::move(*a.hosts), now);
        // Procs of a host chosen since the call went out are left for the next refresh.
        if (a.procs.ok() && a.proc_host == proc_host_.toStdString()) {
          procs_.setItems(std::move(*a.procs), now);
        }
        refreshDone(!a.hosts.ok() ? a.hosts.status() : a.procs.status());
      });
}

void HostMonitor::runOnHosts(const QString& verb, const QStringList& ids, Op op) {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const core::Host* h = hosts_.item(hosts_.rowOf(id.toStdString()));
    names.push_back(h != nullptr ? h->name : id.toStdString());
  }
  runAction(verb, QStringLiteral("host"), ids, names, std::move(op));
}

void HostMonitor::runOnProcs(const QString& verb, const QStringList& ids, Op op) {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const core::ProcView* p = procs_.item(procs_.rowOf(id.toStdString()));
    names.push_back(p != nullptr ? p->job_name + "/" + p->frame_name : id.toStdString());
  }
  runAction(verb, QStringLiteral("proc"), ids, names, std::move(op));
}

void HostMonitor::lockHosts(const QStringList& ids) {
  runOnHosts(QStringLiteral("Lock"), ids,
             [](client::Client& c, const std::string& id) { return c.lockHost(id); });
}

void HostMonitor::unlockHosts(const QStringList& ids) {
  runOnHosts(QStringLiteral("Unlock"), ids,
             [](client::Client& c, const std::string& id) { return c.unlockHost(id); });
}

void HostMonitor::rebootHostsWhenIdle(const QStringList& ids) {
  runOnHosts(QStringLiteral("Reboot when idle"), ids,
             [](client::Client& c, const std::string& id) { return c.rebootHostWhenIdle(id); });
}

void HostMonitor::setHardwareState(const QStringList& ids, core::HardwareState state) {
  runOnHosts(
      QStringLiteral("Set state %1").arg(hardwareStateName(state)), ids,
      [state](client::Client& c, const std::string& id) { return c.setHardwareState(id, state); });
}

void HostMonitor::setAllocation(const QStringList& ids, const QString& alloc_id) {
  runOnHosts(QStringLiteral("Set allocation"), ids,
             [alloc = alloc_id.toStdString()](client::Client& c, const std::string& id) {
               return c.setHostAllocation(id, alloc);
             });
}

namespace {
std::vector<std::string> toStd(const QStringList& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (!v.trimmed().isEmpty()) out.push_back(v.trimmed().toStdString());
  }
  return out;
}
}  // namespace

void HostMonitor::addTags(const QStringList& ids, const QStringList& tags) {
  runOnHosts(QStringLiteral("Add tags"), ids,
             [tags = toStd(tags)](client::Client& c, const std::string& id) {
               return c.addHostTags(id, tags);
             });
}

void HostMonitor::removeTags(const QStringList& ids, const QStringList& tags) {
  runOnHosts(QStringLiteral("Remove tags"), ids,
             [tags = toStd(tags)](client::Client& c, const std::string& id) {
               return c.removeHostTags(id, tags);
             });
}

void HostMonitor::setThreadMode(const QStringList& ids, core::ThreadMode mode) {
  runOnHosts(
      QStringLiteral("Thread mode %1").arg(threadModeName(mode)), ids,
      [mode](client::Client& c, const std::string& id) { return c.setThreadMode(id, mode); });
}

void HostMonitor::killProcs(const QStringList& ids) {
  runOnProcs(QStringLiteral("Kill"), ids,
             [](client::Client& c, const std::string& id) { return c.killProc(id); });
}

void HostMonitor::unbookProcs(const QStringList& ids, bool kill) {
  runOnProcs(kill ? QStringLiteral("Unbook and kill") : QStringLiteral("Unbook"), ids,
             [kill](client::Client& c, const std::string& id) { return c.unbookProc(id, kill); });
}

absl::StatusOr<std::vector<core::SubscriptionView>> allSubscriptions(client::Client& client) {
  auto allocs = client.getAllocations();
  if (!allocs.ok()) return allocs.status();
  std::vector<core::SubscriptionView> out;
  for (const auto& a : *allocs) {
    auto subs = client.getAllocationSubscriptions(a.alloc.id);
    if (!subs.ok()) return subs.status();
    for (auto& s : *subs) out.push_back(std::move(s));
  }
  return out;
}

SubscriptionMonitor::SubscriptionMonitor(client::Client client, int refresh_ms, QObject* parent)
    : ListMonitor(std::move(client), refresh_ms, &allSubscriptions, parent) {}

void SubscriptionMonitor::runOnSubscriptions(const QString& verb, const QStringList& ids, Op op) {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const core::SubscriptionView* s = model()->item(model()->rowOf(id.toStdString()));
    names.push_back(s != nullptr ? s->sub.alloc_name + "." + s->sub.show_name : id.toStdString());
  }
  runAction(verb, QStringLiteral("subscription"), ids, names, std::move(op));
}

void SubscriptionMonitor::setSize(const QStringList& ids, core::CoreUnits cores) {
  runOnSubscriptions(QStringLiteral("Size %1").arg(formatCoresShort(cores)), ids,
                     [cores](client::Client& c, const std::string& id) {
                       return c.setSubscriptionSize(id, cores);
                     });
}

void SubscriptionMonitor::setBurst(const QStringList& ids, core::CoreUnits cores) {
  runOnSubscriptions(QStringLiteral("Burst %1").arg(formatCoresShort(cores)), ids,
                     [cores](client::Client& c, const std::string& id) {
                       return c.setSubscriptionBurst(id, cores);
                     });
}

Commander::Commander(const client::CuebotConfig& config, CommanderOptions options) {
  const int ms = options.farm_refresh_ms;
  hosts_ = std::make_unique<HostMonitor>(client::Client(config), options.hosts_refresh_ms);
  allocations_ = std::make_unique<AllocationMonitor>(
      client::Client(config), ms, [](client::Client& c) { return c.getAllocations(); });
  subscriptions_ = std::make_unique<SubscriptionMonitor>(client::Client(config), ms);
  shows_ = std::make_unique<ShowMonitor>(client::Client(config), ms,
                                         [](client::Client& c) { return c.getShows(); });
  services_ = std::make_unique<ServiceMonitor>(
      client::Client(config), ms, [](client::Client& c) { return c.getDefaultServices(); });
  limits_ = std::make_unique<LimitMonitor>(client::Client(config), ms,
                                           [](client::Client& c) { return c.getLimits(); });
  cue_ = std::make_unique<CueMonitor>(client::Client(config), options.cue_refresh_ms);
}

std::vector<PollingMonitor*> Commander::all() {
  return {hosts_.get(), allocations_.get(), subscriptions_.get(),
          shows_.get(), services_.get(),    limits_.get(),
          cue_.get()};
}

void Commander::start() {
  for (PollingMonitor* m : all()) m->start();
}

}  // namespace cue::gui
