// What cuegui's monitors share (JobMonitor, JobDetailsMonitor): a refresh on a QTimer with
// every RPC on an AsyncClient worker thread, results handed back to this object's thread as
// queued calls; a refresh asked for while one is in flight runs once, after it; a failed
// refresh leaves the models as they were and marks the monitor disconnected (the window's
// banner) until one succeeds, the next tick being the reconnection.
//
// A subclass implements fetch(): it calls run() with the RPCs to make and, on the UI
// thread, fills its models and calls refreshDone() with the outcome.
//
// Lives on the UI thread. Destruction drops the calls not started and waits for the one running.
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/client.h"

namespace cue::gui {

class PollingMonitor : public QObject {
  Q_OBJECT

 public:
  PollingMonitor(client::Client client, int refresh_ms, QObject* parent = nullptr);
  ~PollingMonitor() override;

  // False after a refresh failed, until one succeeds; lastError() says why.
  bool connected() const { return connected_; }
  const QString& lastError() const { return last_error_; }
  // Refreshes finished (either way) since construction; whether one is in flight or asked for.
  int refreshCount() const { return refresh_count_; }
  bool refreshing() const { return refreshing_ || refresh_again_; }
  int refreshInterval() const { return refresh_ms_; }

  // The cuebots this monitor's client talks to: for the windows it opens (logs, details).
  const client::CuebotConfig& config() const { return config_; }

  // Runs `work` on the worker thread, then `done` with its result on this object's thread.
  template <class R>
  void run(std::function<R(client::Client&)> work, std::function<void(R)> done) {
    async_->post([this, work = std::move(work), done = std::move(done)](client::Client& c) {
      auto result = std::make_shared<R>(work(c));
      QMetaObject::invokeMethod(
          this, [result, done] { done(std::move(*result)); }, Qt::QueuedConnection);
    });
  }

  // Starts the timer and refreshes now; stop() ends the timer (refresh() still works).
  void start();
  void stop() { timer_.stop(); }
  bool running() const { return timer_.isActive(); }
  void setRefreshInterval(int ms);

 public Q_SLOTS:
  void refresh();

 Q_SIGNALS:
  void refreshed();
  // When connected() or lastError() changes.
  void connectionChanged(bool connected, const QString& message);
  void actionDone(const QString& message);
  void actionFailed(const QString& message);

 protected:
  // Starts one refresh's RPCs (through run) and ends it with refreshDone.
  virtual void fetch() = 0;
  // On the UI thread, once the models have the answer (or it failed).
  void refreshDone(const absl::Status& status);

  // `op` once on the worker thread, then actionDone(verb) or actionFailed naming the error,
  // and a refresh.
  void runOnce(const QString& verb, std::function<absl::Status(client::Client&)> op);

  static int64_t nowEpochSec();
  static QString message(const absl::Status& status);

 private:
  void setConnected(bool connected, const QString& error);

  client::CuebotConfig config_;
  int refresh_ms_;
  QTimer timer_;
  bool refreshing_ = false;
  bool refresh_again_ = false;
  bool connected_ = true;
  QString last_error_;
  int refresh_count_ = 0;
  std::unique_ptr<client::AsyncClient> async_;  // last member: joined first
};

// A PollingMonitor that runs an operation on each of several things (jobs, hosts, procs,
// subscriptions) on its worker thread, then reports once (actionDone, or actionFailed naming
// each failure) and refreshes.
class ActionMonitor : public PollingMonitor {
  Q_OBJECT

 public:
  using PollingMonitor::PollingMonitor;

 protected:
  using Op = std::function<absl::Status(client::Client&, const std::string&)>;
  // `what` names the things ("host", "proc") in the messages; names[i] is ids[i]'s.
  void runAction(const QString& verb, const QString& what, const QStringList& ids,
                 const std::vector<std::string>& names, Op op);
};

}  // namespace cue::gui
