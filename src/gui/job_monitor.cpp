#include "gui/job_monitor.h"

#include <utility>
#include <vector>

namespace cue::gui {

JobMonitor::JobMonitor(client::Client client, JobMonitorOptions options, QObject* parent)
    : PollingMonitor(std::move(client), options.refresh_ms, parent),
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

void JobMonitor::runAction(const QString& verb, const QStringList& ids, JobOp op) {
  if (ids.isEmpty()) return;
  std::vector<std::string> job_ids;
  for (const auto& id : ids) job_ids.push_back(id.toStdString());
  // Names for the messages, from the model as the user saw it.
  std::vector<std::string> names;
  for (const auto& id : job_ids) {
    const core::JobView* v = model_.job(model_.rowOf(id));
    names.push_back(v != nullptr ? v->job.name : id);
  }
  using Failures = std::vector<std::string>;
  run<Failures>(
      [job_ids, names, op](client::Client& c) {
        Failures failures;
        for (size_t i = 0; i < job_ids.size(); ++i) {
          absl::Status st = op(c, job_ids[i]);
          if (!st.ok()) failures.push_back(names[i] + ": " + std::string(st.message()));
        }
        return failures;
      },
      [this, verb, count = ids.size()](Failures failures) {
        if (failures.empty()) {
          Q_EMIT actionDone(QStringLiteral("%1: %2 job(s)").arg(verb).arg(count));
        } else {
          QStringList lines;
          for (const auto& f : failures) lines << QString::fromStdString(f);
          Q_EMIT actionFailed(QStringLiteral("%1 failed for %2 of %3 job(s): %4")
                                  .arg(verb)
                                  .arg(failures.size())
                                  .arg(count)
                                  .arg(lines.join(QStringLiteral("; "))));
        }
        refresh();
      });
}

void JobMonitor::pauseJobs(const QStringList& ids) {
  runAction(QStringLiteral("Pause"), ids,
            [](client::Client& c, const std::string& id) { return c.pauseJob(id); });
}

void JobMonitor::resumeJobs(const QStringList& ids) {
  runAction(QStringLiteral("Resume"), ids,
            [](client::Client& c, const std::string& id) { return c.resumeJob(id); });
}

void JobMonitor::killJobs(const QStringList& ids, const QString& reason) {
  std::string why = reason.toStdString();
  runAction(QStringLiteral("Kill"), ids,
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
  runAction(QStringLiteral("Retry dead frames"), ids, [](client::Client& c, const std::string& id) {
    return c.retryFrames(id, deadFrames());
  });
}

void JobMonitor::eatDeadFrames(const QStringList& ids) {
  runAction(QStringLiteral("Eat dead frames"), ids, [](client::Client& c, const std::string& id) {
    return c.eatFrames(id, deadFrames());
  });
}

void JobMonitor::setPriority(const QStringList& ids, int priority) {
  runAction(QStringLiteral("Priority %1").arg(priority), ids,
            [priority](client::Client& c, const std::string& id) {
              return c.setJobPriority(id, priority);
            });
}

void JobMonitor::setMinCores(const QStringList& ids, double cores) {
  runAction(QStringLiteral("Minimum cores %1").arg(cores), ids,
            [cores](client::Client& c, const std::string& id) { return c.setJobMinCores(id, cores); });
}

void JobMonitor::setMaxCores(const QStringList& ids, double cores) {
  runAction(QStringLiteral("Maximum cores %1").arg(cores), ids,
            [cores](client::Client& c, const std::string& id) { return c.setJobMaxCores(id, cores); });
}

void JobMonitor::setMaxRetries(const QStringList& ids, int retries) {
  runAction(QStringLiteral("Maximum retries %1").arg(retries), ids,
            [retries](client::Client& c, const std::string& id) {
              return c.setJobMaxRetries(id, retries);
            });
}

void JobMonitor::dropDepends(const QStringList& ids) {
  runAction(QStringLiteral("Drop depends"), ids, [](client::Client& c, const std::string& id) {
    return c.dropJobDepends(id).status();
  });
}

}  // namespace cue::gui
