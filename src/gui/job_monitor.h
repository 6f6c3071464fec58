// Monitor Jobs without its widgets: keeps a JobsModel filled from cuebot on a timer and runs
// the job actions (pause, resume, kill) through the client library.
//
// Every RPC runs on the AsyncClient's worker thread, never on the UI thread; its result comes
// back to this object's thread as a queued call, where the model changes and the signals are
// emitted. A refresh asked for while one is in flight runs once, after it. A failed refresh
// (cuebot down, slow or refusing) leaves the model as it was, marks the monitor disconnected
// (for the window's banner) and the next timer tick tries again, which is the reconnection.
//
// Thread-compatible; lives on the UI thread. Destruction waits for the calls already queued.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "client/client.h"
#include "gui/jobs_model.h"

namespace cue::gui {

struct JobMonitorOptions {
  int refresh_ms = 10000;  // OpenCue's CueGUI refreshes jobs every 10 s
  client::JobQuery query;  // which jobs; default: every pending job
};

class JobMonitor : public QObject {
  Q_OBJECT

 public:
  JobMonitor(client::Client client, JobMonitorOptions options, QObject* parent = nullptr);
  ~JobMonitor() override;

  JobsModel* model() { return &model_; }
  // False after a refresh failed, until one succeeds; lastError() says why.
  bool connected() const { return connected_; }
  const QString& lastError() const { return last_error_; }
  // Refreshes finished (either way) since construction; whether one is in flight or asked for.
  int refreshCount() const { return refresh_count_; }
  bool refreshing() const { return refreshing_ || refresh_again_; }
  const client::JobQuery& query() const { return options_.query; }
  int refreshInterval() const { return options_.refresh_ms; }

  // Starts the timer and refreshes now.
  void start();
  void setRefreshInterval(int ms);
  // Takes effect at the next refresh, which it asks for.
  void setQuery(client::JobQuery query);

  // Each runs on every job given (ids), then refreshes; ends with actionDone or actionFailed.
  void pauseJobs(const QStringList& ids);
  void resumeJobs(const QStringList& ids);
  void killJobs(const QStringList& ids, const QString& reason);

 public Q_SLOTS:
  void refresh();

 Q_SIGNALS:
  void refreshed();
  // When connected() or lastError() changes.
  void connectionChanged(bool connected, const QString& message);
  void actionDone(const QString& message);
  void actionFailed(const QString& message);

 private:
  using JobOp = std::function<absl::Status(client::Client&, const std::string&)>;
  // Runs `work` on the worker thread, then `done` with its result on this object's thread.
  template <class R>
  void run(std::function<R(client::Client&)> work, std::function<void(R)> done);
  void runAction(const QString& verb, const QStringList& ids, JobOp op);
  void setConnected(bool connected, const QString& error);

  JobMonitorOptions options_;
  JobsModel model_;
  QTimer timer_;
  bool refreshing_ = false;
  bool refresh_again_ = false;
  bool connected_ = true;
  QString last_error_;
  int refresh_count_ = 0;
  std::unique_ptr<client::AsyncClient> async_;  // last member: joined first
};

}  // namespace cue::gui
