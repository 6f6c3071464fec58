// Monitor Job Details without its widgets: keeps one job's LayersModel and FramesModel filled
// from cuebot on a timer (default 10 s, as CueGUI) and runs the frame actions (retry, kill,
// eat, mark done) on frames given by name, through the client library.
//
// Refreshing, threading and the connection state are PollingMonitor's.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "client/client.h"
#include "gui/details_model.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

class JobDetailsMonitor : public PollingMonitor {
 public:
  JobDetailsMonitor(client::Client client, std::string job_id, int refresh_ms = 10000,
                    QObject* parent = nullptr);

  const std::string& jobId() const { return job_id_; }
  LayersModel* layers() { return &layers_; }
  FramesModel* frames() { return &frames_; }

  // On the frames named ("0001-render"), then a refresh; ends with actionDone or actionFailed.
  void retryFrames(const QStringList& names);
  void killFrames(const QStringList& names, const QString& reason);
  void eatFrames(const QStringList& names);
  void markDoneFrames(const QStringList& names);

 protected:
  void fetch() override;

 private:
  using FrameOp =
      std::function<absl::Status(client::Client&, const std::string&, const client::FrameQuery&)>;
  void runAction(const QString& verb, const QStringList& names, FrameOp op);

  std::string job_id_;
  LayersModel layers_;
  FramesModel frames_;
};

}  // namespace cue::gui
