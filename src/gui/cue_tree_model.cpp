// The Monitor Cue tree: built from one refresh, merged by id into the tree shown.
#include "gui/cue_tree_model.h"

#include <utility>

#include "gui/jobs_model.h"

namespace cue::gui {

namespace {

struct ColumnInfo {
  const char* title;
  const char* tip;
};

const ColumnInfo kColumns[CueTreeModel::kColumnCount] = {
    {"Name", "Show, group or job"},
    {"Run", "Cores reserved by running frames"},
    {"Waiting", "Frames waiting to run"},
    {"Min Cores", "Cores guaranteed (groups: to their jobs together)"},
    {"Max Cores", "Most cores at once (groups: for their jobs together)"},
    {"Priority", "Jobs: their priority; groups: the default priority of jobs entering them"},
    {"Running", "Frames running"},
    {"Dead", "Frames that failed every retry"},
    {"State", "The job's state"},
};

using Node = CueTreeModel::Node;

std::unique_ptr<Node> groupNode(const core::Group& g, CueRow::Kind kind, const std::string& name) {
  auto n = std::make_unique<Node>();
  n->row.kind = kind;
  n->row.id = g.id;
  n->row.name = name;
  n->row.min_cores = g.min_cores;
  n->row.max_cores = g.max_cores;
  n->row.priority = g.default_job_priority;
  return n;
}

// Sums the figures of the jobs below each group into it; sets parents and positions.
void finish(Node* node) {
  for (size_t i = 0; i < node->children.size(); ++i) {
    Node* c = node->children[i].get();
    c->parent = node;
    c->pos = static_cast<int>(i);
    finish(c);
    if (node->row.kind == CueRow::kJob) continue;
    node->row.reserved_cores += c->row.reserved_cores;
    node->row.waiting += c->row.waiting;
    node->row.running += c->row.running;
    node->row.dead += c->row.dead;
  }
}

QString coresText(core::CoreUnits units) {
  return units < 0 ? QStringLiteral("-") : formatCoresShort(units);
}

}  // namespace

CueTreeModel::CueTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

CueTreeModel::~CueTreeModel() = default;

std::vector<std::unique_ptr<Node>> CueTreeModel::build(const CueTree& tree) {
  std::vector<std::unique_ptr<Node>> shows;
  std::unordered_map<std::string, Node*> group_nodes;
  std::unordered_map<std::string, Node*> show_nodes;  // by show id
  for (const auto& s : tree.shows) {
    const core::Group* root = nullptr;
    for (const auto& g : tree.groups) {
      if (g.show_id == s.show.id && g.parent_id.empty()) root = &g;
    }
    std::unique_ptr<Node> n;
    if (root != nullptr) {
      n = groupNode(*root, CueRow::kShow, s.show.name);
    } else {
      n = std::make_unique<Node>();
      n->row.kind = CueRow::kShow;
      n->row.id = s.show.id;
      n->row.name = s.show.name;
    }
    if (group_nodes.count(n->row.id) || show_nodes.count(s.show.id)) continue;  // repeated
    group_nodes[n->row.id] = n.get();
    show_nodes[s.show.id] = n.get();
    shows.push_back(std::move(n));
  }
  // Groups first made, then hung under their parents (a parent may come after its child).
  std::vector<std::pair<const core::Group*, std::unique_ptr<Node>>> pending;
  for (const auto& g : tree.groups) {
    if (g.parent_id.empty() || group_nodes.count(g.id) || !show_nodes.count(g.show_id)) continue;
    auto n = groupNode(g, CueRow::kGroup, g.name);
    group_nodes[g.id] = n.get();
    pending.emplace_back(&g, std::move(n));
  }
  for (auto& [g, n] : pending) {
    auto parent = group_nodes.find(g->parent_id);
    // A parent the cuebot did not list (or the group itself): under the show.
    Node* under = parent == group_nodes.end() || parent->second == n.get()
                      ? show_nodes.at(g->show_id)
                      : parent->second;
    under->children.push_back(std::move(n));
  }
  std::unordered_map<std::string, bool> seen;
  for (const auto& v : tree.jobs) {
    auto at = group_nodes.find(v.job.group_id);
    if (at == group_nodes.end() || !seen.emplace(v.job.id, true).second) continue;
    auto n = std::make_unique<Node>();
    n->row.kind = CueRow::kJob;
    n->row.id = v.job.id;
    n->row.name = v.job.name;
    n->row.reserved_cores = v.reserved_cores;
    n->row.waiting = v.counts.waiting;
    n->row.running = v.counts.running;
    n->row.dead = v.counts.dead;
    n->row.min_cores = v.job.min_cores;
    n->row.max_cores = v.job.max_cores;
    n->row.priority = v.job.priority;
    n->row.state = jobDisplayState(v);
    at->second->children.push_back(std::move(n));
  }
  for (size_t i = 0; i < shows.size(); ++i) {
    shows[i]->pos = static_cast<int>(i);
    finish(shows[i].get());
  }
  return shows;
}

void CueTreeModel::setTree(const CueTree& tree) {
  merge(&root_, build(tree));
  reindex();
}

void CueTreeModel::merge(Node* into, std::vector<std::unique_ptr<Node>> fresh) {
  const QModelIndex parent = indexOfNode(into);
  auto& rows = into->children;
  std::unordered_map<std::string, size_t> at;
  for (size_t i = 0; i < fresh.size(); ++i) at.emplace(fresh[i]->row.id, i);
  // Gone: removed in contiguous runs, from the end.
  for (int last = static_cast<int>(rows.size()) - 1; last >= 0;) {
    if (at.count(rows[last]->row.id)) {
      --last;
      continue;
    }
    int first = last;
    while (first > 0 && !at.count(rows[first - 1]->row.id)) --first;
    beginRemoveRows(parent, first, last);
    rows.erase(rows.begin() + first, rows.begin() + last + 1);
    for (size_t i = first; i < rows.size(); ++i) rows[i]->pos = static_cast<int>(i);
    endRemoveRows();
    last = first - 1;
  }
  // Staying: new values in place, then their children merged.
  std::vector<bool> used(fresh.size(), false);
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (at.at(fresh[i]->row.id) != i) used[i] = true;  // a repeated id: shown once
  }
  for (auto& child : rows) {
    const size_t i = at.at(child->row.id);
    used[i] = true;
    if (!(child->row == fresh[i]->row)) {
      child->row = fresh[i]->row;
      Q_EMIT dataChanged(indexOfNode(child.get(), 0), indexOfNode(child.get(), kColumnCount - 1));
    }
    merge(child.get(), std::move(fresh[i]->children));
  }
  // New: appended, with their subtrees.
  std::vector<size_t> add;
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (!used[i]) add.push_back(i);
  }
  if (add.empty()) return;
  const int first = static_cast<int>(rows.size());
  beginInsertRows(parent, first, first + static_cast<int>(add.size()) - 1);
  for (size_t i : add) {
    fresh[i]->parent = into;
    fresh[i]->pos = static_cast<int>(rows.size());
    rows.push_back(std::move(fresh[i]));
  }
  endInsertRows();
}

void CueTreeModel::reindex() {
  by_id_.clear();
  std::vector<Node*> stack{&root_};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (auto& c : n->children) {
      by_id_.emplace(c->row.id, c.get());
      stack.push_back(c.get());
    }
  }
}

QModelIndex CueTreeModel::indexOfNode(const Node* node, int column) const {
  if (node == nullptr || node == &root_) return {};
  return createIndex(node->pos, column, const_cast<Node*>(node));
}

QModelIndex CueTreeModel::index(int row, int column, const QModelIndex& parent) const {
  const Node* p = parent.isValid() ? static_cast<const Node*>(parent.internalPointer()) : &root_;
  if (row < 0 || column < 0 || column >= kColumnCount ||
      row >= static_cast<int>(p->children.size())) {
    return {};
  }
  return createIndex(row, column, p->children[row].get());
}

QModelIndex CueTreeModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return {};
  return indexOfNode(static_cast<const Node*>(child.internalPointer())->parent);
}

int CueTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  const Node* p = parent.isValid() ? static_cast<const Node*>(parent.internalPointer()) : &root_;
  return static_cast<int>(p->children.size());
}

int CueTreeModel::columnCount(const QModelIndex&) const { return kColumnCount; }

const CueRow* CueTreeModel::row(const QModelIndex& index) const {
  if (!index.isValid() || index.model() != this) return nullptr;
  return &static_cast<const Node*>(index.internalPointer())->row;
}

QModelIndex CueTreeModel::indexOf(const std::string& id, int column) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? QModelIndex() : indexOfNode(it->second, column);
}

QVariant CueTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  if (role == Qt::DisplayRole) return QString::fromLatin1(kColumns[section].title);
  if (role == Qt::ToolTipRole) return QString::fromLatin1(kColumns[section].tip);
  return {};
}

QVariant CueTreeModel::data(const QModelIndex& index, int role) const {
  const CueRow* r = row(index);
  if (r == nullptr) return {};
  const int column = index.column();
  const bool job = r->kind == CueRow::kJob;
  switch (role) {
    case kItemIdRole:
      return QString::fromStdString(r->id);
    case kKindRole:
      return static_cast<int>(r->kind);
    case Qt::TextAlignmentRole:
      if (column == kName || column == kState) return {};
      return (Qt::AlignRight | Qt::AlignVCenter).toInt();
    case Qt::BackgroundRole:
      if (column == kState && job) return stateColor(r->state);
      return {};
    case Qt::ForegroundRole:
      if (column == kState && job) return stateTextColor(r->state);
      return {};
    case kItemSortRole:
      switch (column) {
        case kName:
          return QString::fromStdString(r->name).toLower();
        case kRun:
          return static_cast<qlonglong>(r->reserved_cores);
        case kWaiting:
          return r->waiting;
        case kMinCores:
          return static_cast<qlonglong>(r->min_cores);
        case kMaxCores:
          return static_cast<qlonglong>(r->max_cores);
        case kPriority:
          return r->priority;
        case kRunning:
          return r->running;
        case kDead:
          return r->dead;
        case kState:
          return job ? static_cast<int>(r->state) : -1;
        default:
          return {};
      }
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      switch (column) {
        case kName:
          return QString::fromStdString(r->name);
        case kRun:
          return formatCoresShort(r->reserved_cores);
        case kWaiting:
          return r->waiting;
        case kMinCores:
          return coresText(r->min_cores);
        case kMaxCores:
          return coresText(r->max_cores);
        case kPriority:
          return r->priority < 0 ? QStringLiteral("-") : QString::number(r->priority);
        case kRunning:
          return r->running;
        case kDead:
          return r->dead;
        case kState:
          return job ? jobStateName(r->state) : QString();
        default:
          return {};
      }
    default:
      return {};
  }
}

}  // namespace cue::gui
