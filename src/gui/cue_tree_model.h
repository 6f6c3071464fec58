// CueCommander's "Monitor Cue" tree (OpenCue's Monitor Cue): shows, their groups (nested as
// on the cuebot) and the pending jobs of each group, with OpenCue's columns. A show's row is
// its root group (its id is the root group's, so group actions apply to it); a group's
// figures (reserved cores, waiting, running and dead frames) are the sums over the jobs of
// it and of its subgroups.
//
// Each refresh hands the whole farm (CueTree) to setTree, which merges it into the tree shown
// by id, level by level as row_merge.h does for tables: rows whose id stays keep their place
// (and their persistent indexes, so expansion and selection survive) and change in place;
// rows whose id is gone are removed; new ones are appended under their parent. A job that
// moves to another group is removed from the old one and appended to the new one.
//
// Not thread-safe: UI thread.
#pragma once

#include <QAbstractItemModel>
#include <QString>
#include <QVariant>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"
#include "core/views.h"
#include "gui/table_model.h"
#include "gui/theme.h"

namespace cue::gui {

// What one refresh fetched: the shows, every group of them (parent_id empty for each show's
// root group) and the pending jobs with their group_id set.
struct CueTree {
  std::vector<core::ShowView> shows;
  std::vector<core::Group> groups;
  std::vector<core::JobView> jobs;
};

// One row of the tree, as it shows.
struct CueRow {
  enum Kind { kShow, kGroup, kJob };
  Kind kind = kJob;
  std::string id;  // show: its root group's id (the show's own when it has none)
  std::string name;
  core::CoreUnits reserved_cores = 0;
  int32_t waiting = 0;
  int32_t running = 0;
  int32_t dead = 0;
  core::CoreUnits min_cores = 0;
  core::CoreUnits max_cores = -1;  // -1: no cap
  int32_t priority = -1;           // jobs: their priority; groups: default job priority (-1 unset)
  DisplayState state = DisplayState::kWaiting;  // jobs only
  bool operator==(const CueRow&) const = default;
};

class CueTreeModel : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column { kName, kRun, kWaiting, kMinCores, kMaxCores, kPriority, kRunning, kDead, kState,
                kColumnCount };
  enum Role {
    kKindRole = kItemBarRole + 1,  // int: CueRow::Kind
  };

  explicit CueTreeModel(QObject* parent = nullptr);
  ~CueTreeModel() override;

  // Merges the farm into the tree shown (see above).
  void setTree(const CueTree& tree);

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  // The row at `index` (nullptr when invalid); the index of the row with id `id` in `column`
  // (invalid when none).
  const CueRow* row(const QModelIndex& index) const;
  QModelIndex indexOf(const std::string& id, int column = 0) const;
  // Rows shown, all levels together.
  int size() const { return static_cast<int>(by_id_.size()); }

  // The tree wanted for `tree`: what setTree merges. Public for tests.
  struct Node {
    CueRow row;
    Node* parent = nullptr;
    int pos = 0;  // row under its parent
    std::vector<std::unique_ptr<Node>> children;
  };
  static std::vector<std::unique_ptr<Node>> build(const CueTree& tree);

 private:
  QModelIndex indexOfNode(const Node* node, int column = 0) const;
  void merge(Node* into, std::vector<std::unique_ptr<Node>> fresh);
  void reindex();

  Node root_;
  std::unordered_map<std::string, Node*> by_id_;
};

}  // namespace cue::gui
