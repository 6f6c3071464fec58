#include "gui/jobs_window.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>
#include <cstdlib>

#include "gui/job_details_monitor.h"
#include "gui/job_details_window.h"
#include "gui/job_monitor.h"
#include "gui/jobs_model.h"
#include "gui/progress_delegate.h"
#include "gui/dialogs.h"
#include "gui/theme.h"
#include "gui/comments_dialog.h"
#include "gui/depends_dialog.h"
#include "gui/why_dialog.h"

namespace cue::gui {

MonitorJobsWindow::MonitorJobsWindow(JobMonitor* monitor, QWidget* parent)
    : QMainWindow(parent), monitor_(monitor), filter_(new JobsFilter(this)) {
  confirm_ = defaultConfirm();
  ask_number_ = defaultAskNumber();
  setWindowTitle(tr("Cue - Monitor Jobs"));
  filter_->setSourceModel(monitor_->model());

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);

  banner_ = makeErrorBanner(central);
  layout->addWidget(banner_);

  auto* bar = new QHBoxLayout;
  search_ = new QLineEdit(central);
  search_->setObjectName(QStringLiteral("search"));
  search_->setPlaceholderText(tr("Search jobs by name"));
  search_->setClearButtonEnabled(true);
  regex_ = new QCheckBox(tr("Regex"), central);
  regex_->setObjectName(QStringLiteral("regex"));
  auto* refresh = new QPushButton(tr("Refresh"), central);
  refresh->setToolTip(tr("Refresh now (F5)"));
  bar->addWidget(search_, 1);
  bar->addWidget(regex_);
  bar->addWidget(refresh);
  layout->addLayout(bar);

  view_ = new QTableView(central);
  view_->setObjectName(QStringLiteral("jobs"));
  view_->setModel(filter_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(JobsModel::kName, Qt::AscendingOrder);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setAlternatingRowColors(true);
  view_->setShowGrid(false);
  view_->setWordWrap(false);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 8);
  view_->horizontalHeader()->setDefaultSectionSize(72);
  view_->horizontalHeader()->setSectionResizeMode(JobsModel::kName, QHeaderView::Stretch);
  view_->setColumnWidth(JobsModel::kState, 80);
  view_->setColumnWidth(JobsModel::kDoneTotal, 90);
  view_->setColumnWidth(JobsModel::kProgress, 160);
  view_->horizontalHeader()->setHighlightSections(false);
  view_->setItemDelegateForColumn(JobsModel::kProgress, new ProgressDelegate(view_));
  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  view_->horizontalHeader()->setSectionsMovable(true);
  view_->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
  layout->addWidget(view_, 1);
  setCentralWidget(central);

  status_ = new QLabel(this);
  statusBar()->addWidget(status_, 1);
  resize(1200, 600);

  buildActions();
  connect(search_, &QLineEdit::textChanged, this, &MonitorJobsWindow::applySearch);
  connect(regex_, &QCheckBox::toggled, this, &MonitorJobsWindow::applySearch);
  connect(refresh, &QPushButton::clicked, monitor_, &JobMonitor::refresh);
  connect(view_, &QWidget::customContextMenuRequested, this, &MonitorJobsWindow::showContextMenu);
  connect(view_, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
    openDetails(index.data(JobsModel::kJobIdRole).toString());
  });
  connect(monitor_, &JobMonitor::connectionChanged, this, &MonitorJobsWindow::showConnection);
  connect(monitor_, &JobMonitor::refreshed, this, &MonitorJobsWindow::updateStatus);
  connect(monitor_, &JobMonitor::actionDone, this, [this](const QString& m) {
    last_action_ = m;
    updateStatus();
  });
  connect(monitor_, &JobMonitor::actionFailed, this, [this](const QString& m) {
    last_action_ = m;
    updateStatus();
    showError(this, tr("Action failed"), m);
  });
  updateStatus();
}

void MonitorJobsWindow::buildActions() {
  pause_ = new QAction(tr("&Pause"), this);
  pause_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  resume_ = new QAction(tr("&Resume"), this);
  resume_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
  kill_ = new QAction(tr("&Kill..."), this);
  kill_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
  pause_->setObjectName(QStringLiteral("pause"));
  resume_->setObjectName(QStringLiteral("resume"));
  kill_->setObjectName(QStringLiteral("kill"));
  auto* refresh = new QAction(tr("Refresh"), this);
  refresh->setShortcut(QKeySequence::Refresh);
  auto* find = new QAction(tr("Search"), this);
  find->setShortcut(QKeySequence::Find);
  for (QAction* a : {pause_, resume_, kill_}) a->setShortcutContext(Qt::WidgetShortcut);
  view_->addActions({pause_, resume_, kill_});
  addAction(refresh);
  addAction(find);
  connect(pause_, &QAction::triggered, this, &MonitorJobsWindow::pauseSelected);
  connect(resume_, &QAction::triggered, this, &MonitorJobsWindow::resumeSelected);
  connect(kill_, &QAction::triggered, this, &MonitorJobsWindow::killSelected);
  connect(refresh, &QAction::triggered, monitor_, &JobMonitor::refresh);
  connect(find, &QAction::triggered, this, [this] {
    search_->setFocus();
    search_->selectAll();
  });

  auto add = [this](const char* name, const QString& text, const QKeySequence& keys,
                    std::function<void()> slot) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    if (!keys.isEmpty()) {
      a->setShortcut(keys);
      a->setShortcutContext(Qt::WidgetShortcut);
      view_->addAction(a);
    }
    connect(a, &QAction::triggered, this, std::move(slot));
    more_ << a;
  };
  add("retryDead", tr("Retry dead frames"), QKeySequence(Qt::CTRL | Qt::Key_R),
      [this] { monitor_->retryDeadFrames(selectedJobIds()); });
  add("eatDead", tr("Eat dead frames..."), QKeySequence(Qt::CTRL | Qt::Key_E),
      [this] { eatDeadSelected(); });
  more_ << nullptr;
  add("priority", tr("Set priority..."), {}, [this] {
    askForSelected({tr("Set priority"), tr("Priority (higher runs first):"), 0, 0, 1000000, 0},
                   [](const core::JobView& v) { return v.job.priority; },
                   [this](const QStringList& ids, double v) {
                     monitor_->setPriority(ids, static_cast<int>(v));
                   });
  });
  add("minCores", tr("Set minimum cores..."), {}, [this] {
    askForSelected({tr("Set minimum cores"), tr("Cores the job is given first:"), 0, 0, 100000, 2},
                   [](const core::JobView& v) { return double(v.job.min_cores) / core::kCoreUnitsPerCore; },
                   [this](const QStringList& ids, double v) { monitor_->setMinCores(ids, v); });
  });
  add("maxCores", tr("Set maximum cores..."), {}, [this] {
    askForSelected({tr("Set maximum cores"), tr("Most cores the job may use:"), 0, 0, 100000, 2},
                   [](const core::JobView& v) { return double(v.job.max_cores) / core::kCoreUnitsPerCore; },
                   [this](const QStringList& ids, double v) { monitor_->setMaxCores(ids, v); });
  });
  add("maxRetries", tr("Set maximum retries..."), {}, [this] {
    askForSelected({tr("Set maximum retries"), tr("Times a failing frame is retried:"), 0, 0, 100, 0},
                   // OpenCue's Job message does not carry it: start from the default.
                   [](const core::JobView&) { return core::Job{}.max_retries; },
                   [this](const QStringList& ids, double v) {
                     monitor_->setMaxRetries(ids, static_cast<int>(v));
                   });
  });
  more_ << nullptr;
  add("dropDepends", tr("Drop depends..."), {}, [this] { dropDependsSelected(); });
  add("why", tr("Why not running?"), QKeySequence(Qt::CTRL | Qt::Key_Y), [this] { whySelected(); });
  // One job's depends and comments, each in a dialog of its own.
  auto openForOne = [this](auto open) {
    const QStringList ids = selectedJobIds();
    const QStringList names = selectedNames();
    if (ids.size() != 1 || names.size() != 1) return;
    open(monitor_->config(), ids.front().toStdString(), names.front(), this, confirm_);
  };
  add("viewDepends", tr("View depends..."), {}, [openForOne] { openForOne(&openDependsDialog); });
  add("comments", tr("Comments..."), {}, [openForOne] { openForOne(&openCommentsDialog); });
}

QStringList MonitorJobsWindow::selectedNames() const {
  QStringList names;
  for (const QModelIndex& row : view_->selectionModel()->selectedRows()) {
    names << row.data(Qt::DisplayRole).toString();
  }
  return names;
}

void MonitorJobsWindow::eatDeadSelected() {
  const QStringList ids = selectedJobIds();
  if (ids.isEmpty()) return;
  if (!confirmItems(confirm_, this, tr("Eat dead frames"),
                    tr("Eat the dead frames of %n job(s)? They will not run again.", nullptr,
                       ids.size()),
                    selectedNames())) {
    return;
  }
  monitor_->eatDeadFrames(ids);
}

void MonitorJobsWindow::dropDependsSelected() {
  const QStringList ids = selectedJobIds();
  if (ids.isEmpty()) return;
  if (!confirmItems(confirm_, this, tr("Drop depends"),
                    tr("Drop every depend %n job(s) wait on? Their frames may run at once.",
                       nullptr, ids.size()),
                    selectedNames())) {
    return;
  }
  monitor_->dropDepends(ids);
}

void MonitorJobsWindow::askForSelected(
    NumberQuestion question, const std::function<double(const core::JobView&)>& current,
    const std::function<void(const QStringList&, double)>& apply) {
  const QStringList ids = selectedJobIds();
  if (ids.isEmpty()) return;
  const core::JobView* first =
      monitor_->model()->job(monitor_->model()->rowOf(ids.front().toStdString()));
  if (first != nullptr) question.value = current(*first);
  if (ids.size() > 1) question.label = tr("%1 (%n jobs)", nullptr, ids.size()).arg(question.label);
  if (auto value = ask_number_(this, question)) apply(ids, *value);
}

void MonitorJobsWindow::whySelected() {
  const QStringList names = selectedNames();
  if (names.size() != 1) return;
  showWhyNotRunning(monitor_, this, names.front().toStdString());
}

QStringList MonitorJobsWindow::selectedJobIds() const {
  QStringList ids;
  for (const QModelIndex& row : view_->selectionModel()->selectedRows()) {
    ids << row.data(JobsModel::kJobIdRole).toString();
  }
  return ids;
}

void MonitorJobsWindow::applySearch() {
  const bool ok = filter_->setSearch(search_->text(), regex_->isChecked());
  search_->setStyleSheet(ok ? QString() : QStringLiteral("QLineEdit { color: #ff6060; }"));
  search_->setToolTip(ok ? QString() : tr("Not a valid regular expression"));
  updateStatus();
}

void MonitorJobsWindow::showContextMenu(const QPoint& pos) {
  if (selectedJobIds().isEmpty()) return;
  QMenu menu(this);
  menu.addAction(pause_);
  menu.addAction(resume_);
  menu.addSeparator();
  for (QAction* a : more_) {
    if (a == nullptr) {
      menu.addSeparator();
    } else {
      menu.addAction(a);
    }
  }
  menu.addSeparator();
  menu.addAction(kill_);
  menu.exec(view_->viewport()->mapToGlobal(pos));
}

void MonitorJobsWindow::showColumnMenu(const QPoint& pos) {
  QHeaderView* header = view_->horizontalHeader();
  QMenu menu(this);
  for (int c = 0; c < JobsModel::kColumnCount; ++c) {
    QAction* a = menu.addAction(monitor_->model()->headerData(c, Qt::Horizontal).toString());
    a->setCheckable(true);
    a->setChecked(!header->isSectionHidden(c));
    a->setEnabled(c != JobsModel::kName);  // the name always shows
    connect(a, &QAction::toggled, header,
            [header, c](bool on) { header->setSectionHidden(c, !on); });
  }
  menu.exec(header->mapToGlobal(pos));
}

void MonitorJobsWindow::saveLayout(QSettings& settings) const {
  settings.setValue(QStringLiteral("monitorJobs/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("monitorJobs/header"), view_->horizontalHeader()->saveState());
  settings.setValue(QStringLiteral("monitorJobs/regex"), regex_->isChecked());
}

void MonitorJobsWindow::restoreLayout(const QSettings& settings) {
  restoreGeometry(settings.value(QStringLiteral("monitorJobs/geometry")).toByteArray());
  view_->horizontalHeader()->restoreState(
      settings.value(QStringLiteral("monitorJobs/header")).toByteArray());
  view_->horizontalHeader()->setSectionHidden(JobsModel::kName, false);
  regex_->setChecked(settings.value(QStringLiteral("monitorJobs/regex"), false).toBool());
}

JobDetailsWindow* MonitorJobsWindow::openDetails(const QString& id) {
  if (QPointer<JobDetailsWindow> open = details_.value(id); open) {
    open->show();
    open->raise();
    open->activateWindow();
    return open;
  }
  const core::JobView* job = monitor_->model()->job(monitor_->model()->rowOf(id.toStdString()));
  if (!details_factory_ || job == nullptr) return nullptr;
  auto* window = new JobDetailsWindow(details_factory_(id.toStdString()),
                                      QString::fromStdString(job->job.name), this);
  window->setWindowFlag(Qt::Window);
  window->setAttribute(Qt::WA_DeleteOnClose);
  details_[id] = window;
  window->show();
  return window;
}

void MonitorJobsWindow::pauseSelected() { monitor_->pauseJobs(selectedJobIds()); }

void MonitorJobsWindow::resumeSelected() { monitor_->resumeJobs(selectedJobIds()); }

void MonitorJobsWindow::killSelected() {
  const QStringList ids = selectedJobIds();
  if (ids.isEmpty()) return;
  const bool yes = confirmItems(
      confirm_, this, tr("Kill jobs"),
      tr("Kill %n job(s)? Their running frames stop and the jobs end.", nullptr, ids.size()),
      selectedNames());
  if (!yes) return;
  const char* user = std::getenv("USER");
  monitor_->killJobs(ids, QStringLiteral("Manual Job Kill Request in cuegui by %1")
                              .arg(QString::fromLocal8Bit(user != nullptr ? user : "unknown")));
}

void MonitorJobsWindow::showConnection(bool connected, const QString& message) {
  banner_->setText(tr("The cuebot does not answer: %1\nRetrying every %2 s; the jobs shown "
                      "are from the last refresh that worked.")
                       .arg(message)
                       .arg(monitor_->refreshInterval() / 1000.0));
  banner_->setVisible(!connected);
}

void MonitorJobsWindow::updateStatus() {
  QString text =
      tr("%1 of %2 jobs shown").arg(filter_->rowCount()).arg(monitor_->model()->rowCount());
  const QString now = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
  if (!monitor_->connected()) {
    text += tr(" - no answer from the cuebot at %1").arg(now);
  } else if (monitor_->refreshCount() > 0) {
    text += tr(" - refreshed %1").arg(now);
  }
  if (!last_action_.isEmpty()) text += QStringLiteral(" - ") + last_action_;
  status_->setText(text);
}

}  // namespace cue::gui
