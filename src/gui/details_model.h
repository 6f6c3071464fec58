// The two tables of Monitor Job Details, with OpenCue CueGUI's main columns: the job's layers
// (LayersModel, core::LayerView) and its frames (FramesModel, core::Frame). Like JobsModel,
// each refresh hands a model the whole new list, merged by id (row_merge.h): rows still there
// change in place (only those that changed are signalled), rows gone are removed, new ones
// appended, so selections and the scroll position survive refreshes. No protobuf here. Not thread-safe: UI thread.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"
#include "core/views.h"
#include "gui/jobs_model.h"
#include "gui/row_merge.h"
#include "gui/theme.h"

namespace cue::gui {

// Waiting, running (setup and checkpoint too), depend, dead, eaten, succeeded.
DisplayState frameDisplayState(core::FrameState state);
// "WAITING", "RUNNING", "SUCCEEDED"...: the frame state as CueGUI writes it.
QString frameStateName(core::FrameState state);
// Elapsed time as "HH:MM:SS" (hours may pass 24), as CueGUI's Runtime column.
QString formatDuration(int64_t seconds);
// Cores as "1.00" from hundredths.
QString formatCores(core::CoreUnits units);
// A frame's run time: from its start to its stop, or to `now` while it runs; 0 if never run.
int64_t frameRuntime(const core::Frame& frame, int64_t now);
// The host of a frame's last run, from last_resource "host/cores/gpus"; empty if none.
QString frameHost(const core::Frame& frame);

class LayersModel : public MergingTableModel {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kServices,
    kCores,
    kMemory,
    kTags,
    kDoneTotal,
    kRunning,
    kDead,
    kWaiting,
    kProgress,
    kColumnCount
  };
  // Numbered as JobsModel's, so the ProgressDelegate draws either.
  enum Role {
    kIdRole = JobsModel::kJobIdRole,  // QString: the layer's id
    kSortRole = JobsModel::kSortRole,
    kCountsRole = JobsModel::kCountsRole,
    kStateRole = JobsModel::kStateRole,
  };

  explicit LayersModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  void setLayers(std::vector<core::LayerView> layers);
  const core::LayerView* layer(int row) const;
  int rowOf(const std::string& id) const;

 private:
  QVariant display(const core::LayerView& v, int column) const;
  QVariant sortValue(const core::LayerView& v, int column) const;

  std::vector<core::LayerView> layers_;
  std::unordered_map<std::string, int> row_of_;
  RowHooks hooks_ = rowHooks();
};

class FramesModel : public MergingTableModel {
  Q_OBJECT

 public:
  enum Column { kName, kLayer, kState, kHost, kRetries, kRuntime, kMaxRss, kColumnCount };
  enum Role {
    kIdRole = JobsModel::kJobIdRole,  // QString: the frame's id
    kSortRole = JobsModel::kSortRole,
    kStateRole = JobsModel::kStateRole,          // int: DisplayState
    kFrameNameRole = JobsModel::kStateRole + 1,  // QString: "0001-render"
  };

  explicit FramesModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  // Merges by frame id; `now` (epoch seconds) times the running frames' Runtime.
  void setFrames(std::vector<core::Frame> frames, int64_t now);
  // Applies GetUpdatedFrames' changes (core::FrameUpdates: only the fields it carries) to the
  // frames shown; returns false, changing nothing, when one is not shown (a full refresh is
  // then due). Rows that changed and running frames (their Runtime) are signalled.
  bool updateFrames(const std::vector<core::Frame>& changes, int64_t now);
  const core::Frame* frame(int row) const;
  int rowOf(const std::string& id) const;

 private:
  QVariant display(const core::Frame& f, int column) const;
  QVariant sortValue(const core::Frame& f, int column) const;

  std::vector<core::Frame> frames_;
  std::unordered_map<std::string, int> row_of_;
  RowHooks hooks_ = rowHooks();
  int64_t now_ = 0;
};

}  // namespace cue::gui
