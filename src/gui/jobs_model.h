// The jobs table of Monitor Jobs, with OpenCue CueGUI's columns, and the search over it.
//
// JobsModel holds core::JobView values (from the client library; no protobuf here). Each
// refresh hands it the whole new list, which it merges by job id (row_merge.h): rows of jobs
// still there change in place (only those that changed are signalled, and the Age column
// when time has moved), rows of jobs gone are removed and new jobs are appended, so
// selections, persistent indexes and the scroll position survive refreshes. Not thread-safe: UI thread.
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QString>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/views.h"
#include "gui/row_merge.h"
#include "gui/theme.h"

namespace cue::gui {

DisplayState jobDisplayState(const core::JobView& job);

// "512K", "900M", "1.5G", as CueGUI writes memory; "0" for none.
QString formatMemoryKb(int64_t kb);
// Elapsed time as "HH:MM" (hours may pass 24), as CueGUI's Age column.
QString formatAge(int64_t seconds);

class JobsModel : public MergingTableModel {
  Q_OBJECT

 public:
  enum Column {
    kName,
    kState,
    kDoneTotal,
    kRunning,
    kDead,
    kEaten,
    kWaiting,
    kMaxRss,
    kAge,
    kProgress,
    kColumnCount
  };
  enum Role {
    kJobIdRole = Qt::UserRole + 1,  // QString: the job's id
    kSortRole,                      // the column's value for sorting (numbers as numbers)
    kCountsRole,                    // QVariantList: succeeded, running, dead, waiting, depend,
                                    // eaten, total (the progress bar's parts)
    kStateRole,                     // int: DisplayState
  };

  explicit JobsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  // Merges `jobs` by id (see above); `now` (epoch seconds) dates the Age column.
  void setJobs(std::vector<core::JobView> jobs, int64_t now);

  // The job in `row`, or nullptr; the row of job `id`, or -1.
  const core::JobView* job(int row) const;
  int rowOf(const std::string& id) const;

 private:
  QVariant display(const core::JobView& v, int column) const;
  QVariant sortValue(const core::JobView& v, int column) const;

  std::vector<core::JobView> jobs_;
  std::unordered_map<std::string, int> row_of_;
  int64_t now_ = 0;
  RowHooks hooks_ = rowHooks();
};

// The search field's filter over JobsModel: case-insensitive, on the job's name, as a
// substring or a regular expression. Sorts by kSortRole.
class JobsFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit JobsFilter(QObject* parent = nullptr);
  // Empty text shows every job. Returns false, changing nothing, for an invalid regex.
  bool setSearch(const QString& text, bool regex);
};

}  // namespace cue::gui
