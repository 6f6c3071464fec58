#include "gui/job_monitor.h"

#include <QMetaObject>
#include <chrono>
#include <utility>
#include <vector>

namespace cue::gui {

namespace {

int64_t nowEpochSec() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

QString message(const absl::Status& status) {
  return QString::fromStdString(std::string(status.message()));
}

}  // namespace

JobMonitor::JobMonitor(client::Client client, JobMonitorOptions options, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      async_(std::make_unique<client::AsyncClient>(std::move(client))) {
  connect(&timer_, &QTimer::timeout, this, &JobMonitor::refresh);
}

JobMonitor::~JobMonitor() {
  timer_.stop();
  // Finishes the queued calls; their results, posted to this object, are dropped with it.
  async_.reset();
}

template <class R>
void JobMonitor::run(std::function<R(client::Client&)> work, std::function<void(R)> done) {
  async_->post([this, work = std::move(work), done = std::move(done)](client::Client& c) {
    auto result = std::make_shared<R>(work(c));
    QMetaObject::invokeMethod(
        this, [result, done] { done(std::move(*result)); }, Qt::QueuedConnection);
  });
}

void JobMonitor::start() {
  timer_.start(options_.refresh_ms);
  refresh();
}

void JobMonitor::setRefreshInterval(int ms) {
  options_.refresh_ms = ms;
  if (timer_.isActive()) timer_.start(ms);
}

void JobMonitor::setQuery(client::JobQuery query) {
  options_.query = std::move(query);
  refresh();
}

void JobMonitor::refresh() {
  if (refreshing_) {
    refresh_again_ = true;
    return;
  }
  refreshing_ = true;
  using Jobs = absl::StatusOr<std::vector<core::JobView>>;
  client::JobQuery query = options_.query;
  run<Jobs>([query](client::Client& c) { return c.getJobs(query); },
            [this](Jobs jobs) {
              refreshing_ = false;
              if (jobs.ok()) {
                model_.setJobs(std::move(*jobs), nowEpochSec());
                setConnected(true, {});
              } else {
                setConnected(false, message(jobs.status()));
              }
              ++refresh_count_;
              Q_EMIT refreshed();
              if (refresh_again_) {
                refresh_again_ = false;
                refresh();
              }
            });
}

void JobMonitor::setConnected(bool connected, const QString& error) {
  if (connected == connected_ && error == last_error_) return;
  connected_ = connected;
  last_error_ = error;
  Q_EMIT connectionChanged(connected, error);
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

}  // namespace cue::gui
