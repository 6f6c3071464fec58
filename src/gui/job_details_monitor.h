// Monitor Job Details without its widgets: keeps one job's LayersModel and FramesModel filled
// from cuebot on a timer (default 10 s, as CueGUI) and runs the frame actions (retry, kill,
// eat, mark done) on frames given by name, and the layer actions (dead frames, reorder,
// stagger), through the client library.
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
  // On the layers given by name: their dead frames retried, or eaten.
  void retryDeadLayerFrames(const QStringList& layers);
  void eatDeadLayerFrames(const QStringList& layers);
  // The layer's frames (its whole range) dispatched first, last or in reverse; or staggered
  // (every `increment`th frame first, OpenCue's stagger).
  void reorderLayer(const QString& layer_id, const QString& range, client::FrameOrder order);
  void staggerLayer(const QString& layer_id, const QString& range, int increment);

 protected:
  void fetch() override;

 private:
  using FrameOp =
      std::function<absl::Status(client::Client&, const std::string&, const client::FrameQuery&)>;
  void runAction(const QString& verb, const QStringList& names, FrameOp op);
  // `op` once on the worker, then actionDone or actionFailed and a refresh.
  void runOnce(const QString& verb, std::function<absl::Status(client::Client&)> op);

  std::string job_id_;
  LayersModel layers_;
  FramesModel frames_;
};

}  // namespace cue::gui
