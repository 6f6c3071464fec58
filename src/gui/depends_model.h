// A job's depends and comments, as cuegui's Depends and Comments dialogs show them: the
// tables (DependsModel: what the job waits on and what waits on it, each depend's type as
// OpenCue names it, the other side's job, layer and frame, active or satisfied;
// CommentsModel: subject, user, time, message) and the monitors that fill them off the UI
// thread (PollingMonitor) and run the dialogs' actions (satisfy, add a depend, add or delete
// a comment), refreshing after each. Not thread-safe: UI thread.
#pragma once

#include <QString>
#include <functional>
#include <string>
#include <vector>

#include "core/views.h"
#include "gui/polling_monitor.h"
#include "gui/table_model.h"

namespace cue::gui {

// One depend from the dialog's job's side: `waits_on` when the job waits on it (its
// GetWhatThisDependsOn), false when it waits on the job (GetWhatDependsOnThis).
struct DependRow {
  bool waits_on = true;
  core::DependView depend;
};

class DependsModel : public KeyedTableModel<DependRow> {
  Q_OBJECT

 public:
  // kHere: this job's layer or frame that waits (or is waited on); kJob, kLayer, kFrame: the
  // other side's.
  enum Column { kDirection, kType, kHere, kJob, kLayer, kFrame, kState, kColumnCount };
  explicit DependsModel(QObject* parent = nullptr);

  // What the job waits on, then what waits on it.
  void setDepends(std::vector<core::DependView> waits_on, std::vector<core::DependView> waited_by);
  // The depend id of `row` ("" when none).
  std::string dependId(int row) const;

 protected:
  std::string key(const DependRow& r) const override;
  QVariant display(const DependRow& r, int column) const override;
  QVariant extra(const DependRow& r, int column, int role) const override;
};

class CommentsModel : public KeyedTableModel<core::Comment> {
  Q_OBJECT

 public:
  enum Column { kSubject, kUser, kTime, kMessage, kColumnCount };
  explicit CommentsModel(QObject* parent = nullptr);
  void setComments(std::vector<core::Comment> comments) { setItems(std::move(comments), 0); }

 protected:
  std::string key(const core::Comment& c) const override { return c.id; }
  QVariant display(const core::Comment& c, int column) const override;
  QVariant sortValue(const core::Comment& c, int column) const override;
};

// Both monitors: a refresh reads one job's depends (or comments); runOnce runs an action on
// the worker thread, reports it (actionDone / actionFailed) and refreshes.
class JobItemsMonitor : public PollingMonitor {
  Q_OBJECT

 public:
  JobItemsMonitor(client::Client client, std::string job_id, int refresh_ms, QObject* parent)
      : PollingMonitor(std::move(client), refresh_ms, parent), job_id_(std::move(job_id)) {}
  const std::string& jobId() const { return job_id_; }
  using PollingMonitor::runOnce;

 protected:
  std::string job_id_;
};

class DependsMonitor : public JobItemsMonitor {
  Q_OBJECT

 public:
  DependsMonitor(client::Client client, std::string job_id, int refresh_ms = 10000,
                 QObject* parent = nullptr);
  DependsModel* model() { return &model_; }

  void satisfy(const std::vector<std::string>& depend_ids);
  // This job waits on job `on_job_id` (JOB_ON_JOB); layer `layer_id` on `on_layer_id`.
  void addJobOnJob(const std::string& on_job_id, const QString& on_job_name);
  void addLayerOnLayer(const std::string& layer_id, const std::string& on_layer_id,
                       const QString& what);

 protected:
  void fetch() override;

 private:
  DependsModel model_;
};

class CommentsMonitor : public JobItemsMonitor {
  Q_OBJECT

 public:
  CommentsMonitor(client::Client client, std::string job_id, int refresh_ms = 10000,
                  QObject* parent = nullptr);
  CommentsModel* model() { return &model_; }

  void add(const QString& subject, const QString& message);
  void remove(const std::vector<std::string>& comment_ids);

 protected:
  void fetch() override;

 private:
  CommentsModel model_;
};

}  // namespace cue::gui
