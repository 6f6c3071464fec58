// The Monitor Cue tab: the tree, its context menu and the questions its actions ask.
#include "gui/monitor_cue_view.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/cue_monitor.h"

namespace cue::gui {

MonitorCueView::MonitorCueView(CueMonitor* monitor, QWidget* parent)
    : QWidget(parent), monitor_(monitor) {
  confirm_ = defaultConfirm();
  ask_number_ = defaultAskNumber();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 6, 0, 0);
  auto* bar = new QHBoxLayout;
  auto* expand = new QPushButton(tr("Expand All"), this);
  expand->setObjectName(QStringLiteral("expandAll"));
  auto* collapse = new QPushButton(tr("Collapse All"), this);
  collapse->setObjectName(QStringLiteral("collapseAll"));
  auto* refresh = new QPushButton(tr("Refresh"), this);
  refresh->setToolTip(tr("Refresh now (F5)"));
  bar->addWidget(expand);
  bar->addWidget(collapse);
  bar->addStretch(1);
  bar->addWidget(refresh);
  layout->addLayout(bar);

  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(monitor_->model());
  proxy_->setSortRole(kItemSortRole);
  proxy_->setDynamicSortFilter(true);
  tree_ = new QTreeView(this);
  tree_->setObjectName(QStringLiteral("cueTree"));
  tree_->setModel(proxy_);
  tree_->setSortingEnabled(true);
  tree_->sortByColumn(CueTreeModel::kName, Qt::AscendingOrder);
  tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->setAlternatingRowColors(true);
  tree_->setUniformRowHeights(true);
  tree_->header()->setDefaultSectionSize(80);
  tree_->header()->setSectionsMovable(true);
  tree_->setColumnWidth(CueTreeModel::kName, 360);
  tree_->setContextMenuPolicy(Qt::CustomContextMenu);
  layout->addWidget(tree_, 1);

  auto make = [this](const char* name, const QString& text) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    a->setShortcutContext(Qt::WidgetShortcut);
    tree_->addAction(a);
    return a;
  };
  pause_ = make("pauseJobs", tr("&Pause"));
  resume_ = make("resumeJobs", tr("&Resume"));
  kill_ = make("killJobs", tr("&Kill..."));
  priority_ = make("jobPriority", tr("Set &Priority..."));
  min_cores_ = make("jobMinCores", tr("Set M&in Cores..."));
  max_cores_ = make("jobMaxCores", tr("Set M&ax Cores..."));
  group_min_ = make("groupMinCores", tr("Set Group Min Cores..."));
  group_max_ = make("groupMaxCores", tr("Set Group Max Cores..."));
  group_priority_ = make("groupPriority", tr("Set Default Job Priority..."));

  connect(expand, &QPushButton::clicked, tree_, &QTreeView::expandAll);
  connect(collapse, &QPushButton::clicked, tree_, &QTreeView::collapseAll);
  connect(refresh, &QPushButton::clicked, monitor_, &PollingMonitor::refresh);
  connect(tree_, &QWidget::customContextMenuRequested, this, &MonitorCueView::showMenu);
  // Shows come expanded the first time they appear, as OpenCue's Monitor Cue opens.
  connect(proxy_, &QAbstractItemModel::rowsInserted, this,
          [this](const QModelIndex& parent, int first, int last) {
            if (parent.isValid()) return;
            for (int r = first; r <= last; ++r) tree_->expand(proxy_->index(r, 0));
          });
  connect(pause_, &QAction::triggered, this, [this] { monitor_->pauseJobs(selectedJobIds()); });
  connect(resume_, &QAction::triggered, this, [this] { monitor_->resumeJobs(selectedJobIds()); });
  connect(kill_, &QAction::triggered, this, &MonitorCueView::killSelected);
  auto cores = [](core::CoreUnits units) {
    return units < 0 ? -1.0 : units / static_cast<double>(core::kCoreUnitsPerCore);
  };
  connect(priority_, &QAction::triggered, this, [this] {
    askThen(
        true, {tr("Job priority"), tr("Priority of %n job(s):"), 100, 0, 1e6, 0},
        [](const CueRow& r) { return r.priority; },
        [this](QStringList ids, double v) { monitor_->setJobPriority(ids, static_cast<int>(v)); });
  });
  connect(min_cores_, &QAction::triggered, this, [this, cores] {
    askThen(
        true, {tr("Job min cores"), tr("Cores guaranteed to %n job(s):"), 1, 0, 1e5, 2},
        [cores](const CueRow& r) { return cores(r.min_cores); },
        [this](QStringList ids, double v) { monitor_->setJobMinCores(ids, v); });
  });
  connect(max_cores_, &QAction::triggered, this, [this, cores] {
    askThen(
        true, {tr("Job max cores"), tr("Most cores for %n job(s):"), 100, 0, 1e5, 2},
        [cores](const CueRow& r) { return cores(r.max_cores); },
        [this](QStringList ids, double v) { monitor_->setJobMaxCores(ids, v); });
  });
  connect(group_min_, &QAction::triggered, this, [this, cores] {
    askThen(
        false, {tr("Group min cores"), tr("Cores guaranteed to the jobs of %n group(s):"), 0, 0, 1e5, 2},
        [cores](const CueRow& r) { return cores(r.min_cores); },
        [this](QStringList ids, double v) { monitor_->setGroupMinCores(ids, v); });
  });
  connect(group_max_, &QAction::triggered, this, [this, cores] {
    askThen(
        false,
        {tr("Group max cores"),
         tr("Most cores for the jobs of %n group(s) together (-1: no cap):"), -1, -1, 1e5, 2},
        [cores](const CueRow& r) { return cores(r.max_cores); },
        [this](QStringList ids, double v) { monitor_->setGroupMaxCores(ids, v); });
  });
  connect(group_priority_, &QAction::triggered, this, [this] {
    askThen(
        false,
        {tr("Default job priority"), tr("Priority given to jobs entering %n group(s) (-1: none):"),
         -1, -1, 1e6, 0},
        [](const CueRow& r) { return r.priority; },
        [this](QStringList ids, double v) {
          monitor_->setGroupDefaultJobPriority(ids, static_cast<int>(v));
        });
  });
}

QStringList MonitorCueView::selected(bool jobs, QStringList* names) const {
  QStringList ids;
  for (const QModelIndex& row : tree_->selectionModel()->selectedRows()) {
    const bool job = row.data(CueTreeModel::kKindRole).toInt() == CueRow::kJob;
    if (job != jobs) continue;
    ids << row.data(kItemIdRole).toString();
    if (names != nullptr) *names << row.data().toString();
  }
  return ids;
}

QStringList MonitorCueView::selectedJobIds() const { return selected(true); }

QStringList MonitorCueView::selectedGroupIds() const { return selected(false); }

void MonitorCueView::showMenu(const QPoint& pos) {
  const bool jobs = !selectedJobIds().isEmpty();
  const bool groups = !selectedGroupIds().isEmpty();
  if (!jobs && !groups) return;
  QMenu menu(this);
  if (jobs) {
    menu.addActions({pause_, resume_});
    menu.addSeparator();
    menu.addActions({priority_, min_cores_, max_cores_});
    menu.addSeparator();
    menu.addAction(kill_);
  }
  if (jobs && groups) menu.addSeparator();
  if (groups) menu.addActions({group_min_, group_max_, group_priority_});
  menu.exec(tree_->viewport()->mapToGlobal(pos));
}

void MonitorCueView::killSelected() {
  QStringList names;
  const QStringList ids = selected(true, &names);
  if (ids.isEmpty()) return;
  if (!confirmItems(confirm_, this, tr("Kill jobs"),
                    tr("Kill %n job(s)? Their running frames are killed and the jobs end.",
                       nullptr, ids.size()),
                    names)) {
    return;
  }
  monitor_->killJobs(ids);
}

void MonitorCueView::askThen(bool jobs, NumberQuestion question,
                             const std::function<double(const CueRow&)>& current,
                             const std::function<void(QStringList, double)>& apply) {
  const QStringList ids = selected(jobs);
  if (ids.isEmpty()) return;
  question.label.replace(QStringLiteral("%n"), QString::number(ids.size()));
  // One row selected: its current value is offered.
  if (ids.size() == 1) {
    if (const CueRow* r = monitor_->model()->row(monitor_->model()->indexOf(ids.front().toStdString()))) {
      question.value = std::clamp(current(*r), question.min, question.max);
    }
  }
  const std::optional<double> v = ask_number_(this, question);
  if (v) apply(ids, *v);
}

}  // namespace cue::gui
