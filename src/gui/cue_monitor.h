// CueCommander's "Monitor Cue" view without its widgets: CueMonitor keeps a CueTreeModel
// filled with every show, its groups and their pending jobs (off the UI thread, on a timer,
// as the other CueCommander monitors), and runs the actions on jobs (pause, resume, kill,
// priority, min and max cores) and on groups (min and max cores, default job priority).
// Actions end with actionDone or actionFailed, then a refresh. UI thread only.
#pragma once

#include <QString>
#include <QStringList>

#include "absl/status/statusor.h"
#include "client/client.h"
#include "gui/cue_tree_model.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

// Every show, each show's groups and the pending jobs of each group: what one refresh fetches
// (one call for the shows, one per show for its groups, one per group for its jobs).
absl::StatusOr<CueTree> fetchCueTree(client::Client& client);

class CueMonitor : public ActionMonitor {
  Q_OBJECT

 public:
  CueMonitor(client::Client client, int refresh_ms, QObject* parent = nullptr);

  CueTreeModel* model() { return &model_; }

  // Each runs on every job given (ids), then refreshes.
  void pauseJobs(const QStringList& ids);
  void resumeJobs(const QStringList& ids);
  void killJobs(const QStringList& ids);
  void setJobPriority(const QStringList& ids, int priority);
  void setJobMinCores(const QStringList& ids, double cores);
  void setJobMaxCores(const QStringList& ids, double cores);
  // Each runs on every group given (ids: groups' or shows' rows), then refreshes.
  void setGroupMinCores(const QStringList& ids, double cores);
  void setGroupMaxCores(const QStringList& ids, double cores);  // < 0: no cap
  void setGroupDefaultJobPriority(const QStringList& ids, int priority);  // -1: unset

 protected:
  void fetch() override;

 private:
  void runOn(const QString& verb, const QString& what, const QStringList& ids, Op op);

  CueTreeModel model_;
};

}  // namespace cue::gui
