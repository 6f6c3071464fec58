// Monitor Jobs without its widgets: keeps a JobsModel filled from cuebot on a timer and runs
// the job actions (pause, resume, kill, dead frames, priority, cores, retries, depends) through the client library. Refreshing, threading
// and the connection state are PollingMonitor's.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "client/client.h"
#include "gui/jobs_model.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

struct JobMonitorOptions {
  int refresh_ms = 10000;  // OpenCue's CueGUI refreshes jobs every 10 s
  client::JobQuery query;  // which jobs; default: every pending job
};

class JobMonitor : public ActionMonitor {
 public:
  JobMonitor(client::Client client, JobMonitorOptions options, QObject* parent = nullptr);

  JobsModel* model() { return &model_; }
  const client::JobQuery& query() const { return query_; }
  // Takes effect at the next refresh, which it asks for.
  void setQuery(client::JobQuery query);

  // Each runs on every job given (ids), then refreshes; ends with actionDone or actionFailed.
  void pauseJobs(const QStringList& ids);
  void resumeJobs(const QStringList& ids);
  void killJobs(const QStringList& ids, const QString& reason);
  // Their dead frames: retried, or eaten (they will not run).
  void retryDeadFrames(const QStringList& ids);
  void eatDeadFrames(const QStringList& ids);
  void setPriority(const QStringList& ids, int priority);
  void setMinCores(const QStringList& ids, double cores);
  void setMaxCores(const QStringList& ids, double cores);
  void setMaxRetries(const QStringList& ids, int retries);
  // Satisfies every depend the jobs wait on, so their frames may run now.
  void dropDepends(const QStringList& ids);

 protected:
  void fetch() override;

 private:
  // ActionMonitor::runAction on jobs, named as the model shows them.
  void runOnJobs(const QString& verb, const QStringList& ids, Op op);

  client::JobQuery query_;
  JobsModel model_;
};

}  // namespace cue::gui
