#include "gui/job_monitor.h"

#include <utility>
#include <vector>

namespace cue::gui {

JobMonitor::JobMonitor(client::Client client, JobMonitorOptions options, QObject* parent)
    : ActionMonitor(std::move(client), options.refresh_ms, parent),
      query_(std::move(options.query)) {}

void JobMonitor::setQuery(client::JobQuery query) {
  query_ = std::move(query);
  refresh();
}

void JobMonitor::fetch() {
  using Jobs = absl::StatusOr<std::vector<core::JobView>>;
  run<Jobs>([query = query_](client::Client& c) { return c.getJobs(query); },
            [this](Jobs jobs) {
              if (jobs.ok()) model_.setJobs(std::move(*jobs), nowEpochSec());
              refreshDone(jobs.status());
            });
}

void JobMonitor::runOnJobs(const QString& verb, const QStringList& ids, Op op) {
  // Names for the messages, from the model as the user saw it.
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const core::JobView* v = model_.job(model_.rowOf(id.toStdString()));
    names.push_back(v != nullptr ? v->job.name : id.toStdString());
  }
  runAction(verb, QStringLiteral("job"), ids, names, std::move(op));
}

void JobMonitor::pauseJobs(const QStringList& ids) {
  runOnJobs(QStringLiteral("Pause"), ids,
            [](client::Client& c, const std::string& id) { return c.pauseJob(id); });
}

void JobMonitor::resumeJobs(const QStringList& ids) {
  runOnJobs(QStringLiteral("Resume"), ids,
            [](client::Client& c, const std::string& id) { return c.resumeJob(id); });
}

void JobMonitor::killJobs(const QStringList& ids, const QString& reason) {
  std::string why = reason.toStdString();
  runOnJobs(QStringLiteral("Kill"), ids,
            [why](client::Client& c, const std::string& id) { return c.killJob(id, why); });
}

namespace {

client::FrameQuery deadFrames() {
  client::FrameQuery q;
  q.states = {core::FrameState::kDead};
  return q;
}

}  // namespace

void JobMonitor::retryDeadFrames(const QStringList& ids) {
  runOnJobs(QStringLiteral("Retry dead frames"), ids, [](client::Client& c, const std::string& id) {
    return c.retryFrames(id, deadFrames());
  });
}

void JobMonitor::eatDeadFrames(const QStringList& ids) {
  runOnJobs(QStringLiteral("Eat dead frames"), ids, [](client::Client& c, const std::string& id) {
    return c.eatFrames(id, deadFrames());
  });
}

void JobMonitor::setPriority(const QStringList& ids, int priority) {
  runOnJobs(QStringLiteral("Priority %1").arg(priority), ids,
            [priority](client::Client& c, const std::string& id) {
              return c.setJobPriority(id, priority);
            });
}

void JobMonitor::setMinCores(const QStringList& ids, double cores) {
  runOnJobs(QStringLiteral("Minimum cores %1").arg(cores), ids,
            [cores](client::Client& c, const std::string& id) { return c.setJobMinCores(id, cores); });
}

void JobMonitor::setMaxCores(const QStringList& ids, double cores) {
  runOnJobs(QStringLiteral("Maximum cores %1").arg(cores), ids,
            [cores](client::Client& c, const std::string& id) { return c.setJobMaxCores(id, cores); });
}

void JobMonitor::setMaxRetries(const QStringList& ids, int retries) {
  runOnJobs(QStringLiteral("Maximum retries %1").arg(retries), ids,
            [retries](client::Client& c, const std::string& id) {
              return c.setJobMaxRetries(id, retries);
            });
}

void JobMonitor::dropDepends(const QStringList& ids) {
  runOnJobs(QStringLiteral("Drop depends"), ids, [](client::Client& c, const std::string& id) {
    return c.dropJobDepends(id).status();
  });
}

}  // namespace cue::gui
