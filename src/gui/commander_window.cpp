// The CueCommander window: tabs, the hosts tab's filters and menus, layout persistence.
#include "gui/commander_window.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTime>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "gui/commander_monitor.h"
#include "gui/filter_monitor.h"
#include "gui/filters_dialog.h"
#include "gui/monitor_cue_view.h"
#include "gui/subscription_delegate.h"
#include "gui/dialogs.h"
#include "gui/theme.h"

namespace cue::gui {

namespace {

const QString kPrefix = QStringLiteral("cueCommander/");

// Sorts a CueCommander table by kItemSortRole.
QSortFilterProxyModel* sorter(QAbstractItemModel* model, QObject* parent) {
  auto* proxy = new QSortFilterProxyModel(parent);
  proxy->setSourceModel(model);
  proxy->setSortRole(kItemSortRole);
  proxy->setDynamicSortFilter(true);
  return proxy;
}

QStringList idsOf(const QTableView* view) {
  QStringList ids;
  for (const QModelIndex& row : view->selectionModel()->selectedRows()) {
    ids << row.data(kItemIdRole).toString();
  }
  return ids;
}

}  // namespace

CueCommanderWindow::CueCommanderWindow(Commander* commander, QWidget* parent)
    : QMainWindow(parent), commander_(commander), hosts_filter_(new HostsFilter(this)) {
  confirm_ = defaultConfirm();
  choose_ = defaultChoose();
  ask_text_ = defaultAskText();
  ask_number_ = defaultAskNumber();
  setWindowTitle(tr("Cue - CueCommander"));

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);
  banner_ = makeErrorBanner(central);
  layout->addWidget(banner_);

  tabs_ = new QTabWidget(central);
  tabs_->setObjectName(QStringLiteral("tabs"));
  tabs_->addTab(buildHostsTab(), tr("Hosts"));
  tabs_->addTab(makeTable(QStringLiteral("allocations"), commander_->allocations()->model(), tabs_),
                tr("Allocations"));
  subscriptions_ =
      makeTable(QStringLiteral("subscriptions"), commander_->subscriptions()->model(), tabs_);
  subscriptions_->setItemDelegateForColumn(SubscriptionsModel::kUsage,
                                           new SubscriptionBarDelegate(subscriptions_));
  subscriptions_->setColumnWidth(SubscriptionsModel::kUsage, 220);
  subscriptions_->setContextMenuPolicy(Qt::CustomContextMenu);
  tabs_->addTab(subscriptions_, tr("Subscriptions"));
  QTableView* shows = makeTable(QStringLiteral("shows"), commander_->shows()->model(), tabs_);
  tabs_->addTab(shows, tr("Shows"));
  // The Shows tab's context menu: the show's filters.
  shows->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(shows, &QWidget::customContextMenuRequested, this, [this, shows](const QPoint& pos) {
    const QModelIndexList rows = shows->selectionModel()->selectedRows(0);
    if (rows.size() != 1) return;
    QMenu menu(this);
    QAction* filters = menu.addAction(tr("Filters..."));
    const QString name = rows.front().data().toString();
    connect(filters, &QAction::triggered, this, [this, name] { openFilters(name); });
    menu.exec(shows->viewport()->mapToGlobal(pos));
  });
  tabs_->addTab(makeTable(QStringLiteral("services"), commander_->services()->model(), tabs_),
                tr("Services"));
  tabs_->addTab(makeTable(QStringLiteral("limits"), commander_->limits()->model(), tabs_),
                tr("Limits"));
  monitor_cue_ = new MonitorCueView(commander_->cue(), tabs_);
  tabs_->addTab(monitor_cue_, tr("Monitor Cue"));
  layout->addWidget(tabs_, 1);
  setCentralWidget(central);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  statusBar()->addWidget(status_, 1);
  resize(1280, 720);

  buildActions();
  connect(tabs_, &QTabWidget::currentChanged, this, &CueCommanderWindow::updateStatus);
  for (PollingMonitor* m : commander_->all()) {
    connect(m, &PollingMonitor::connectionChanged, this, &CueCommanderWindow::showConnection);
    connect(m, &PollingMonitor::refreshed, this, &CueCommanderWindow::updateStatus);
  }
  connect(commander_->allocations(), &PollingMonitor::refreshed, this,
          &CueCommanderWindow::fillAllocationFilter);
  for (PollingMonitor* m : {static_cast<PollingMonitor*>(commander_->hosts()),
                            static_cast<PollingMonitor*>(commander_->subscriptions()),
                            static_cast<PollingMonitor*>(commander_->cue())}) {
    connect(m, &PollingMonitor::actionDone, this, [this](const QString& message) {
      last_action_ = message;
      updateStatus();
    });
    connect(m, &PollingMonitor::actionFailed, this, [this](const QString& message) {
      last_action_ = message;
      updateStatus();
      showError(this, tr("Action failed"), message);
    });
  }
  connect(subscriptions_, &QWidget::customContextMenuRequested, this,
          &CueCommanderWindow::showSubscriptionMenu);
  updateStatus();
}

FiltersDialog* CueCommanderWindow::openFilters(const QString& name) {
  for (const core::ShowView& v : commander_->shows()->model()->items()) {
    if (QString::fromStdString(v.show.name) != name) continue;
    auto monitor = std::make_unique<FilterMonitor>(client::Client(commander_->shows()->config()),
                                                   v.show.id);
    monitor->start();
    auto* dialog = new FiltersDialog(std::move(monitor), name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
  }
  return nullptr;
}

void CueCommanderWindow::setConfirm(Confirm confirm) {
  monitor_cue_->setConfirm(confirm);
  confirm_ = std::move(confirm);
}

void CueCommanderWindow::setAskNumber(AskNumber ask) {
  monitor_cue_->setAskNumber(ask);
  ask_number_ = std::move(ask);
}

QTableView* CueCommanderWindow::makeTable(const QString& name, QAbstractItemModel* model,
                                          QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setObjectName(name);
  view->setModel(qobject_cast<QSortFilterProxyModel*>(model) != nullptr ? model
                                                                        : sorter(model, view));
  view->setSortingEnabled(true);
  view->sortByColumn(0, Qt::AscendingOrder);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view->setAlternatingRowColors(true);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
  view->horizontalHeader()->setDefaultSectionSize(90);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setSectionsMovable(true);
  view->horizontalHeader()->setStretchLastSection(true);
  view->setColumnWidth(0, 180);
  view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(view->horizontalHeader(), &QWidget::customContextMenuRequested, this,
          [this, view](const QPoint& pos) { showColumnMenu(view, pos); });
  tables_ << view;
  return view;
}

QWidget* CueCommanderWindow::buildHostsTab() {
  auto* page = new QWidget(this);
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(0, 6, 0, 0);
  auto* bar = new QHBoxLayout;
  host_search_ = new QLineEdit(page);
  host_search_->setObjectName(QStringLiteral("hostSearch"));
  host_search_->setPlaceholderText(tr("Search hosts by name"));
  host_search_->setClearButtonEnabled(true);
  alloc_filter_ = new QComboBox(page);
  alloc_filter_->setObjectName(QStringLiteral("allocFilter"));
  alloc_filter_->addItem(tr("All allocations"), QString());
  alloc_filter_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  state_filter_ = new QComboBox(page);
  state_filter_->setObjectName(QStringLiteral("stateFilter"));
  state_filter_->addItem(tr("All states"), -1);
  for (auto s :
       {core::HardwareState::kUp, core::HardwareState::kDown, core::HardwareState::kRebooting,
        core::HardwareState::kRebootWhenIdle, core::HardwareState::kRepair}) {
    state_filter_->addItem(hardwareStateName(s), static_cast<int>(s));
  }
  auto* refresh = new QPushButton(tr("Refresh"), page);
  refresh->setToolTip(tr("Refresh now (F5)"));
  bar->addWidget(host_search_, 1);
  bar->addWidget(alloc_filter_);
  bar->addWidget(state_filter_);
  bar->addWidget(refresh);
  layout->addLayout(bar);

  hosts_filter_->setSourceModel(commander_->hosts()->hosts());
  host_split_ = new QSplitter(Qt::Vertical, page);
  host_split_->setObjectName(QStringLiteral("hostSplit"));
  hosts_ = makeTable(QStringLiteral("hosts"), hosts_filter_, host_split_);
  hosts_->setContextMenuPolicy(Qt::CustomContextMenu);
  procs_ = makeTable(QStringLiteral("procs"), commander_->hosts()->procs(), host_split_);
  procs_->setContextMenuPolicy(Qt::CustomContextMenu);
  host_split_->addWidget(hosts_);
  host_split_->addWidget(procs_);
  host_split_->setStretchFactor(0, 3);
  host_split_->setStretchFactor(1, 2);
  procs_->setColumnWidth(ProcsModel::kJob, 300);
  procs_->setColumnWidth(ProcsModel::kFrame, 120);
  layout->addWidget(host_split_, 1);

  connect(host_search_, &QLineEdit::textChanged, this, &CueCommanderWindow::applyHostFilters);
  connect(alloc_filter_, &QComboBox::currentIndexChanged, this,
          &CueCommanderWindow::applyHostFilters);
  connect(state_filter_, &QComboBox::currentIndexChanged, this,
          &CueCommanderWindow::applyHostFilters);
  connect(refresh, &QPushButton::clicked, this, &CueCommanderWindow::refreshCurrent);
  connect(hosts_, &QWidget::customContextMenuRequested, this, &CueCommanderWindow::showHostMenu);
  connect(procs_, &QWidget::customContextMenuRequested, this, &CueCommanderWindow::showProcMenu);
  // The procs shown are those of the current host (the last one clicked or moved to).
  connect(hosts_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            commander_->hosts()->setProcHost(
                current.sibling(current.row(), HostsModel::kName).data().toString());
          });
  return page;
}

void CueCommanderWindow::buildActions() {
  auto make = [this](const QString& name, const QString& text, QKeySequence key, QWidget* on) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    if (!key.isEmpty()) a->setShortcut(key);
    a->setShortcutContext(Qt::WidgetShortcut);
    on->addAction(a);
    return a;
  };
  lock_ =
      make(QStringLiteral("lockHosts"), tr("&Lock"), QKeySequence(Qt::CTRL | Qt::Key_L), hosts_);
  unlock_ = make(QStringLiteral("unlockHosts"), tr("&Unlock"),
                 QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), hosts_);
  reboot_ = make(QStringLiteral("rebootHosts"), tr("&Reboot When Idle..."), {}, hosts_);
  repair_ = make(QStringLiteral("repairHosts"), tr("Set &Repair State..."), {}, hosts_);
  clear_repair_ = make(QStringLiteral("clearRepair"), tr("&Clear Repair State"), {}, hosts_);
  set_alloc_ = make(QStringLiteral("setAllocation"), tr("Change &Allocation..."),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), hosts_);
  add_tags_ = make(QStringLiteral("addTags"), tr("Add &Tags..."),
                   QKeySequence(Qt::CTRL | Qt::Key_T), hosts_);
  remove_tags_ = make(QStringLiteral("removeTags"), tr("Re&move Tags..."),
                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), hosts_);
  thread_mode_ = make(QStringLiteral("threadMode"), tr("&Thread Mode..."), {}, hosts_);
  kill_procs_ =
      make(QStringLiteral("killProcs"), tr("&Kill..."), QKeySequence(Qt::CTRL | Qt::Key_K), procs_);
  unbook_procs_ = make(QStringLiteral("unbookProcs"), tr("&Unbook..."),
                       QKeySequence(Qt::CTRL | Qt::Key_U), procs_);
  sub_size_ = make(QStringLiteral("subscriptionSize"), tr("Edit &Size..."), {}, subscriptions_);
  sub_burst_ = make(QStringLiteral("subscriptionBurst"), tr("Edit &Burst..."), {}, subscriptions_);
  auto* refresh = new QAction(tr("Refresh"), this);
  refresh->setObjectName(QStringLiteral("refresh"));
  refresh->setShortcut(QKeySequence::Refresh);
  addAction(refresh);
  auto* find = new QAction(tr("Search hosts"), this);
  find->setShortcut(QKeySequence::Find);
  addAction(find);

  HostMonitor* m = commander_->hosts();
  connect(lock_, &QAction::triggered, this, [this, m] { m->lockHosts(selectedHostIds()); });
  connect(unlock_, &QAction::triggered, this, [this, m] { m->unlockHosts(selectedHostIds()); });
  connect(reboot_, &QAction::triggered, this, &CueCommanderWindow::rebootSelected);
  connect(repair_, &QAction::triggered, this, [this, m] {
    const QStringList ids = selectedHostIds();
    if (ids.isEmpty()) return;
    if (!confirmItems(confirm_, this, tr("Repair hosts"),
                      tr("Set %n host(s) to Repair? No frames are booked on them until the "
                         "state is cleared.",
                         nullptr, ids.size()),
                      selectedHostNames())) {
      return;
    }
    m->setHardwareState(ids, core::HardwareState::kRepair);
  });
  connect(clear_repair_, &QAction::triggered, this,
          [this, m] { m->setHardwareState(selectedHostIds(), core::HardwareState::kUp); });
  connect(set_alloc_, &QAction::triggered, this, &CueCommanderWindow::setAllocationOfSelected);
  connect(add_tags_, &QAction::triggered, this, [this] { editTagsOfSelected(true); });
  connect(remove_tags_, &QAction::triggered, this, [this] { editTagsOfSelected(false); });
  connect(thread_mode_, &QAction::triggered, this, &CueCommanderWindow::setThreadModeOfSelected);
  connect(kill_procs_, &QAction::triggered, this, &CueCommanderWindow::killSelectedProcs);
  connect(unbook_procs_, &QAction::triggered, this, &CueCommanderWindow::unbookSelectedProcs);
  connect(sub_size_, &QAction::triggered, this, [this] { editSelectedSubscriptions(false); });
  connect(sub_burst_, &QAction::triggered, this, [this] { editSelectedSubscriptions(true); });
  connect(refresh, &QAction::triggered, this, &CueCommanderWindow::refreshCurrent);
  connect(find, &QAction::triggered, this, [this] {
    tabs_->setCurrentIndex(kHostsTab);
    host_search_->setFocus();
    host_search_->selectAll();
  });
}

QStringList CueCommanderWindow::selectedHostIds() const { return idsOf(hosts_); }

QStringList CueCommanderWindow::selectedProcIds() const { return idsOf(procs_); }

QStringList CueCommanderWindow::selectedSubscriptionIds() const { return idsOf(subscriptions_); }

QStringList CueCommanderWindow::selectedHostNames() const {
  QStringList names;
  for (const QModelIndex& row : hosts_->selectionModel()->selectedRows(HostsModel::kName)) {
    names << row.data().toString();
  }
  return names;
}

void CueCommanderWindow::fillAllocationFilter() {
  const QString current = alloc_filter_->currentData().toString();
  std::set<QString> names;
  for (const auto& a : commander_->allocations()->model()->items()) {
    names.insert(QString::fromStdString(a.alloc.name));
  }
  for (const auto& h : commander_->hosts()->hosts()->items()) {
    if (!h.alloc_name.empty()) names.insert(QString::fromStdString(h.alloc_name));
  }
  QStringList have;
  for (int i = 1; i < alloc_filter_->count(); ++i) have << alloc_filter_->itemData(i).toString();
  QStringList want(names.begin(), names.end());
  if (have == want) return;
  const QSignalBlocker block(alloc_filter_);
  while (alloc_filter_->count() > 1) alloc_filter_->removeItem(1);
  for (const QString& n : want) alloc_filter_->addItem(n, n);
  const int keep = alloc_filter_->findData(current);
  alloc_filter_->setCurrentIndex(keep < 0 ? 0 : keep);
  if (keep < 0 && !current.isEmpty()) applyHostFilters();
}

void CueCommanderWindow::applyHostFilters() {
  hosts_filter_->setNameSearch(host_search_->text());
  hosts_filter_->setAllocation(alloc_filter_->currentData().toString());
  const int state = state_filter_->currentData().toInt();
  hosts_filter_->setState(state < 0 ? std::nullopt
                                    : std::optional(static_cast<core::HardwareState>(state)));
  updateStatus();
}

void CueCommanderWindow::showHostMenu(const QPoint& pos) {
  if (selectedHostIds().isEmpty()) return;
  QMenu menu(this);
  menu.addActions({lock_, unlock_});
  menu.addSeparator();
  menu.addActions({set_alloc_, add_tags_, remove_tags_, thread_mode_});
  menu.addSeparator();
  menu.addActions({repair_, clear_repair_, reboot_});
  menu.exec(hosts_->viewport()->mapToGlobal(pos));
}

void CueCommanderWindow::showProcMenu(const QPoint& pos) {
  if (selectedProcIds().isEmpty()) return;
  QMenu menu(this);
  menu.addActions({unbook_procs_, kill_procs_});
  menu.exec(procs_->viewport()->mapToGlobal(pos));
}

void CueCommanderWindow::showColumnMenu(QTableView* view, const QPoint& pos) {
  QHeaderView* header = view->horizontalHeader();
  QMenu menu(this);
  for (int c = 0; c < view->model()->columnCount(); ++c) {
    QAction* a = menu.addAction(view->model()->headerData(c, Qt::Horizontal).toString());
    a->setCheckable(true);
    a->setChecked(!header->isSectionHidden(c));
    a->setEnabled(c != 0);  // the first column (the name) always shows
    connect(a, &QAction::toggled, header,
            [header, c](bool on) { header->setSectionHidden(c, !on); });
  }
  menu.exec(header->mapToGlobal(pos));
}

void CueCommanderWindow::rebootSelected() {
  const QStringList ids = selectedHostIds();
  if (ids.isEmpty()) return;
  if (!confirmItems(confirm_, this, tr("Reboot hosts"),
                    tr("Reboot %n host(s) once their running frames end? No new frames are "
                       "booked on them meanwhile.",
                       nullptr, ids.size()),
                    selectedHostNames())) {
    return;
  }
  commander_->hosts()->rebootHostsWhenIdle(ids);
}

void CueCommanderWindow::setAllocationOfSelected() {
  const QStringList ids = selectedHostIds();
  if (ids.isEmpty()) return;
  QStringList names;
  for (const auto& a : commander_->allocations()->model()->items()) {
    names << QString::fromStdString(a.alloc.name);
  }
  names.sort();
  const QString chosen =
      choose_(this, tr("Change allocation"), tr("Move %n host(s) to:", nullptr, ids.size()), names);
  if (chosen.isEmpty()) return;
  for (const auto& a : commander_->allocations()->model()->items()) {
    if (QString::fromStdString(a.alloc.name) == chosen) {
      commander_->hosts()->setAllocation(ids, QString::fromStdString(a.alloc.id));
      return;
    }
  }
}

void CueCommanderWindow::editTagsOfSelected(bool add) {
  const QStringList ids = selectedHostIds();
  if (ids.isEmpty()) return;
  const QString text =
      ask_text_(this, add ? tr("Add tags") : tr("Remove tags"),
                tr("Tags, separated by spaces or commas, to %1 %n host(s):", nullptr, ids.size())
                    .arg(add ? tr("add to") : tr("remove from")));
  const QStringList tags =
      text.split(QRegularExpression(QStringLiteral("[\\s,|]+")), Qt::SkipEmptyParts);
  if (tags.isEmpty()) return;
  if (add) {
    commander_->hosts()->addTags(ids, tags);
  } else {
    commander_->hosts()->removeTags(ids, tags);
  }
}

void CueCommanderWindow::setThreadModeOfSelected() {
  const QStringList ids = selectedHostIds();
  if (ids.isEmpty()) return;
  const core::ThreadMode modes[] = {core::ThreadMode::kAuto, core::ThreadMode::kAll,
                                    core::ThreadMode::kVariable};
  QStringList names;
  for (auto m : modes) names << threadModeName(m);
  const QString chosen = choose_(this, tr("Thread mode"), tr("Thread mode:"), names);
  for (auto m : modes) {
    if (threadModeName(m) == chosen) commander_->hosts()->setThreadMode(ids, m);
  }
}

void CueCommanderWindow::killSelectedProcs() {
  const QStringList ids = selectedProcIds();
  if (ids.isEmpty()) return;
  QStringList frames;
  for (const QModelIndex& row : procs_->selectionModel()->selectedRows(ProcsModel::kFrame)) {
    frames << row.sibling(row.row(), ProcsModel::kJob).data().toString() + QLatin1Char('/') +
                  row.data().toString();
  }
  if (!confirmItems(confirm_, this, tr("Kill procs"),
                    tr("Kill the frames running on %n proc(s)?", nullptr, ids.size()), frames)) {
    return;
  }
  commander_->hosts()->killProcs(ids);
}

void CueCommanderWindow::unbookSelectedProcs() {
  const QStringList ids = selectedProcIds();
  if (ids.isEmpty()) return;
  if (!confirm_(
          this, tr("Unbook procs"),
          tr("Unbook %n proc(s)? Each leaves its job when its frame ends.", nullptr, ids.size()))) {
    return;
  }
  commander_->hosts()->unbookProcs(ids, false);
}

void CueCommanderWindow::showSubscriptionMenu(const QPoint& pos) {
  if (selectedSubscriptionIds().isEmpty()) return;
  QMenu menu(this);
  menu.addActions({sub_size_, sub_burst_});
  menu.exec(subscriptions_->viewport()->mapToGlobal(pos));
}

void CueCommanderWindow::editSelectedSubscriptions(bool burst) {
  const QStringList ids = selectedSubscriptionIds();
  if (ids.isEmpty()) return;
  const std::optional<double> cores = ask_number_(
      this, {burst ? tr("Edit burst") : tr("Edit size"),
             burst ? tr("Most cores the show may use (%n subscription(s)):", nullptr, ids.size())
                   : tr("Cores guaranteed to the show (%n subscription(s)):", nullptr, ids.size()),
             0, 0, 1e6, 2});
  if (!cores) return;
  const auto units = static_cast<core::CoreUnits>(std::lround(*cores * core::kCoreUnitsPerCore));
  if (burst) {
    commander_->subscriptions()->setBurst(ids, units);
  } else {
    commander_->subscriptions()->setSize(ids, units);
  }
}

void CueCommanderWindow::refreshCurrent() {
  commander_->all()[static_cast<size_t>(std::max(tabs_->currentIndex(), 0))]->refresh();
}

void CueCommanderWindow::showConnection() {
  for (PollingMonitor* m : commander_->all()) {
    if (m->connected()) continue;
    banner_->setText(tr("The cuebot does not answer: %1\nRetrying every %2 s; what is shown is "
                        "from the last refresh that worked.")
                         .arg(m->lastError())
                         .arg(m->refreshInterval() / 1000.0));
    banner_->show();
    return;
  }
  banner_->hide();
}

void CueCommanderWindow::updateStatus() {
  static const char* const kWhat[] = {"hosts", "allocations", "subscriptions",
                                      "shows", "services",    "limits", "rows"};
  const int tab = std::max(tabs_->currentIndex(), 0);
  PollingMonitor* m = commander_->all()[static_cast<size_t>(tab)];
  QString text;
  if (tab == kHostsTab) {
    text = tr("%1 of %2 hosts shown")
               .arg(hosts_filter_->rowCount())
               .arg(commander_->hosts()->hosts()->rowCount());
  } else if (tab == kMonitorCueTab) {
    text = tr("%1 shows, groups and jobs").arg(commander_->cue()->model()->size());
  } else {
    text = tr("%1 %2").arg(tables_.value(tab + 1)->model()->rowCount()).arg(kWhat[tab]);
  }
  const QString now = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
  if (!m->connected()) {
    text += tr(" - no answer from the cuebot at %1").arg(now);
  } else if (m->refreshCount() > 0) {
    text += tr(" - refreshed %1").arg(now);
  }
  if (!last_action_.isEmpty()) text += QStringLiteral(" - ") + last_action_;
  status_->setText(text);
}

void CueCommanderWindow::saveLayout(QSettings& settings) const {
  settings.setValue(kPrefix + QStringLiteral("geometry"), saveGeometry());
  settings.setValue(kPrefix + QStringLiteral("tab"), tabs_->currentIndex());
  settings.setValue(kPrefix + QStringLiteral("hostSplit"), host_split_->saveState());
  settings.setValue(kPrefix + QStringLiteral("cueTree/header"),
                    monitor_cue_->tree()->header()->saveState());
  for (const QTableView* view : tables_) {
    settings.setValue(kPrefix + view->objectName() + QStringLiteral("/header"),
                      view->horizontalHeader()->saveState());
  }
}

void CueCommanderWindow::restoreLayout(const QSettings& settings) {
  restoreGeometry(settings.value(kPrefix + QStringLiteral("geometry")).toByteArray());
  tabs_->setCurrentIndex(settings.value(kPrefix + QStringLiteral("tab"), 0).toInt());
  host_split_->restoreState(settings.value(kPrefix + QStringLiteral("hostSplit")).toByteArray());
  monitor_cue_->tree()->header()->restoreState(
      settings.value(kPrefix + QStringLiteral("cueTree/header")).toByteArray());
  for (QTableView* view : tables_) {
    view->horizontalHeader()->restoreState(
        settings.value(kPrefix + view->objectName() + QStringLiteral("/header")).toByteArray());
    view->horizontalHeader()->setSectionHidden(0, false);
  }
}

}  // namespace cue::gui
