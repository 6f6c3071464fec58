// The Monitor Cue view's monitor: the farm's tree fetched off the UI thread, and its actions.
#include "gui/cue_monitor.h"

#include <utility>

namespace cue::gui {

absl::StatusOr<CueTree> fetchCueTree(client::Client& client) {
  CueTree tree;
  auto shows = client.getShows();
  if (!shows.ok()) return shows.status();
  tree.shows = std::move(*shows);
  for (const auto& s : tree.shows) {
    auto groups = client.getShowGroups(s.show.id);
    if (!groups.ok()) return groups.status();
    for (auto& g : *groups) {
      auto jobs = client.getGroupJobs(g.id);
      if (!jobs.ok()) return jobs.status();
      for (auto& j : *jobs) tree.jobs.push_back(std::move(j));
      tree.groups.push_back(std::move(g));
    }
  }
  return tree;
}

CueMonitor::CueMonitor(client::Client client, int refresh_ms, QObject* parent)
    : ActionMonitor(std::move(client), refresh_ms, parent) {}

void CueMonitor::fetch() {
  using Answer = absl::StatusOr<CueTree>;
  run<Answer>(&fetchCueTree, [this](Answer tree) {
    if (tree.ok()) model_.setTree(*tree);
    refreshDone(tree.status());
  });
}

void CueMonitor::runOn(const QString& verb, const QString& what, const QStringList& ids, Op op) {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const CueRow* r = model_.row(model_.indexOf(id.toStdString()));
    names.push_back(r != nullptr ? r->name : id.toStdString());
  }
  runAction(verb, what, ids, names, std::move(op));
}

void CueMonitor::pauseJobs(const QStringList& ids) {
  runOn(QStringLiteral("Pause"), QStringLiteral("job"), ids,
        [](client::Client& c, const std::string& id) { return c.pauseJob(id); });
}

void CueMonitor::resumeJobs(const QStringList& ids) {
  runOn(QStringLiteral("Resume"), QStringLiteral("job"), ids,
        [](client::Client& c, const std::string& id) { return c.resumeJob(id); });
}

void CueMonitor::killJobs(const QStringList& ids) {
  runOn(QStringLiteral("Kill"), QStringLiteral("job"), ids,
        [](client::Client& c, const std::string& id) {
          return c.killJob(id, "killed from cuegui's Monitor Cue");
        });
}

void CueMonitor::setJobPriority(const QStringList& ids, int priority) {
  runOn(QStringLiteral("Priority %1").arg(priority), QStringLiteral("job"), ids,
        [priority](client::Client& c, const std::string& id) {
          return c.setJobPriority(id, priority);
        });
}

void CueMonitor::setJobMinCores(const QStringList& ids, double cores) {
  runOn(QStringLiteral("Min cores %1").arg(cores), QStringLiteral("job"), ids,
        [cores](client::Client& c, const std::string& id) { return c.setJobMinCores(id, cores); });
}

void CueMonitor::setJobMaxCores(const QStringList& ids, double cores) {
  runOn(QStringLiteral("Max cores %1").arg(cores), QStringLiteral("job"), ids,
        [cores](client::Client& c, const std::string& id) { return c.setJobMaxCores(id, cores); });
}

void CueMonitor::setGroupMinCores(const QStringList& ids, double cores) {
  runOn(QStringLiteral("Min cores %1").arg(cores), QStringLiteral("group"), ids,
        [cores](client::Client& c, const std::string& id) {
          return c.setGroupMinCores(id, cores);
        });
}

void CueMonitor::setGroupMaxCores(const QStringList& ids, double cores) {
  runOn(cores < 0 ? QStringLiteral("No max cores") : QStringLiteral("Max cores %1").arg(cores),
        QStringLiteral("group"), ids, [cores](client::Client& c, const std::string& id) {
          return c.setGroupMaxCores(id, cores);
        });
}

void CueMonitor::setGroupDefaultJobPriority(const QStringList& ids, int priority) {
  runOn(QStringLiteral("Default job priority %1").arg(priority), QStringLiteral("group"), ids,
        [priority](client::Client& c, const std::string& id) {
          return c.setGroupDefaultJobPriority(id, priority);
        });
}

}  // namespace cue::gui
