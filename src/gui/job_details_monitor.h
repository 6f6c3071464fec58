// Monitor Job Details without its widgets: keeps one job's LayersModel and FramesModel filled
// from cuebot on a timer (default 10 s, as CueGUI): the first refresh reads every frame, the
// next ones only the frames changed since (GetUpdatedFrames, with a few seconds' overlap); a
// full read again after a failed refresh, when a change names a frame not shown, and every
// kFullEvery refreshes. Layers are read whole each time (a handful). and runs the frame actions (retry, kill,
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
  // Refreshes that read only the changed frames, since construction.
  int deltaRefreshes() const { return delta_refreshes_; }
  static constexpr int kFullEvery = 30;
  static constexpr int64_t kOverlapSeconds = 5;

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


  std::string job_id_;
  LayersModel layers_;
  FramesModel frames_;
  int64_t since_ = 0;  // cuebot's time before the last read of frames; 0: read them all next
  int since_full_ = 0;  // refreshes since the last full read
  int delta_refreshes_ = 0;
};

}  // namespace cue::gui
