// Monitor Job Details without its widgets: keeps one job's LayersModel and FramesModel filled
// from cuebot on a timer (default 10 s, as CueGUI) and runs the frame actions (retry, kill,
// eat) on frames given by name, through the client library.
//
// As JobMonitor: every RPC runs on the AsyncClient's worker thread, its result comes back to
// this object's thread as a queued call; a refresh asked for while one is in flight runs
// once, after it; a failed refresh leaves the models as they were and marks the monitor
// disconnected until one succeeds. Lives on the UI thread; destruction waits for queued calls.
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
#include "gui/details_model.h"

namespace cue::gui {

class JobDetailsMonitor : public QObject {
  Q_OBJECT

 public:
  JobDetailsMonitor(client::Client client, std::string job_id, int refresh_ms = 10000,
                    QObject* parent = nullptr);
  ~JobDetailsMonitor() override;

  const std::string& jobId() const { return job_id_; }
  LayersModel* layers() { return &layers_; }
  FramesModel* frames() { return &frames_; }
  bool connected() const { return connected_; }
  const QString& lastError() const { return last_error_; }
  int refreshCount() const { return refresh_count_; }
  bool refreshing() const { return refreshing_ || refresh_again_; }
  int refreshInterval() const { return refresh_ms_; }

  // Starts the timer and refreshes now.
  void start();
  void setRefreshInterval(int ms);

  // On the frames named ("0001-render"), then a refresh; ends with actionDone or actionFailed.
  void retryFrames(const QStringList& names);
  void killFrames(const QStringList& names, const QString& reason);
  void eatFrames(const QStringList& names);

 public Q_SLOTS:
  void refresh();

 Q_SIGNALS:
  void refreshed();
  void connectionChanged(bool connected, const QString& message);
  void actionDone(const QString& message);
  void actionFailed(const QString& message);

 private:
  using FrameOp =
      std::function<absl::Status(client::Client&, const std::string&, const client::FrameQuery&)>;
  template <class R>
  void run(std::function<R(client::Client&)> work, std::function<void(R)> done);
  void runAction(const QString& verb, const QStringList& names, FrameOp op);
  void setConnected(bool connected, const QString& error);

  std::string job_id_;
  int refresh_ms_;
  LayersModel layers_;
  FramesModel frames_;
  QTimer timer_;
  bool refreshing_ = false;
  bool refresh_again_ = false;
  bool connected_ = true;
  QString last_error_;
  int refresh_count_ = 0;
  std::unique_ptr<client::AsyncClient> async_;  // last member: joined first
};

}  // namespace cue::gui
