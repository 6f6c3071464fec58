#include "gui/job_details_window.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>
#include <cstdlib>

#include "gui/details_model.h"
#include "gui/job_details_monitor.h"
#include "gui/log_follower.h"
#include "gui/log_window.h"
#include "gui/progress_delegate.h"
#include "gui/dialogs.h"
#include "gui/theme.h"
#include "gui/comments_dialog.h"
#include "gui/depends_dialog.h"
#include "gui/why_dialog.h"

namespace cue::gui {

namespace {

QTableView* makeTable(QWidget* parent, const char* name, QAbstractItemModel* source) {
  auto* sorter = new QSortFilterProxyModel(parent);
  sorter->setSourceModel(source);
  sorter->setSortRole(JobsModel::kSortRole);
  sorter->setDynamicSortFilter(true);
  auto* view = new QTableView(parent);
  view->setObjectName(QString::fromLatin1(name));
  view->setModel(sorter);
  view->setSortingEnabled(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view->setAlternatingRowColors(true);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
  view->horizontalHeader()->setDefaultSectionSize(80);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setSectionsMovable(true);
  return view;
}

}  // namespace

JobDetailsWindow::JobDetailsWindow(std::unique_ptr<JobDetailsMonitor> monitor,
                                   const QString& job_name, QWidget* parent)
    : QMainWindow(parent), monitor_(std::move(monitor)), job_name_(job_name) {
  confirm_ = defaultConfirm();
  choose_ = defaultChoose();
  ask_number_ = defaultAskNumber();
  setWindowTitle(tr("Cue - %1").arg(job_name));

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);
  banner_ = makeErrorBanner(central);
  layout->addWidget(banner_);

  auto* split = new QSplitter(Qt::Vertical, central);
  layers_ = makeTable(split, "layers", monitor_->layers());
  layers_->sortByColumn(-1, Qt::AscendingOrder);  // the job's order
  layers_->horizontalHeader()->setSectionResizeMode(LayersModel::kName, QHeaderView::Stretch);
  layers_->setColumnWidth(LayersModel::kProgress, 160);
  layers_->setItemDelegateForColumn(LayersModel::kProgress, new ProgressDelegate(layers_));
  frames_ = makeTable(split, "frames", monitor_->frames());
  frames_->sortByColumn(-1, Qt::AscendingOrder);  // dispatch order, as cuebot sends them
  frames_->horizontalHeader()->setSectionResizeMode(FramesModel::kHost, QHeaderView::Stretch);
  frames_->setContextMenuPolicy(Qt::CustomContextMenu);
  split->addWidget(layers_);
  split->addWidget(frames_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);
  setCentralWidget(central);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  statusBar()->addWidget(status_, 1);
  resize(900, 700);

  retry_ = new QAction(tr("&Retry"), this);
  retry_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  kill_ = new QAction(tr("&Kill..."), this);
  kill_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
  eat_ = new QAction(tr("&Eat..."), this);
  eat_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  mark_done_ = new QAction(tr("&Mark done..."), this);
  mark_done_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
  view_log_ = new QAction(tr("View &log"), this);
  view_log_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  retry_->setObjectName(QStringLiteral("retry"));
  kill_->setObjectName(QStringLiteral("kill"));
  eat_->setObjectName(QStringLiteral("eat"));
  mark_done_->setObjectName(QStringLiteral("markDone"));
  view_log_->setObjectName(QStringLiteral("viewLog"));
  for (QAction* a : {view_log_, retry_, mark_done_, kill_, eat_}) {
    a->setShortcutContext(Qt::WidgetShortcut);
  }
  frames_->addActions({view_log_, retry_, mark_done_, kill_, eat_});
  why_ = new QAction(tr("&Why not running?"), this);
  why_->setObjectName(QStringLiteral("why"));
  why_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Y));
  addAction(why_);
  connect(why_, &QAction::triggered, this,
          [this] { showWhyNotRunning(monitor_.get(), this, job_name_.toStdString()); });
  view_depends_ = new QAction(tr("View &depends..."), this);
  view_depends_->setObjectName(QStringLiteral("viewDepends"));
  connect(view_depends_, &QAction::triggered, this, [this] {
    openDependsDialog(monitor_->config(), monitor_->jobId(), job_name_, this, confirm_);
  });
  comments_ = new QAction(tr("&Comments..."), this);
  comments_->setObjectName(QStringLiteral("comments"));
  connect(comments_, &QAction::triggered, this, [this] {
    openCommentsDialog(monitor_->config(), monitor_->jobId(), job_name_, this, confirm_);
  });
  connect(view_log_, &QAction::triggered, this, [this] {
    const QStringList names = selectedFrameNames();
    if (!names.isEmpty()) openLog(names.front());
  });
  connect(frames_, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
    openLog(index.data(FramesModel::kFrameNameRole).toString());
  });
  connect(mark_done_, &QAction::triggered, this, &JobDetailsWindow::markDoneSelected);
  buildLayerActions();
  auto* refresh = new QAction(tr("Refresh"), this);
  refresh->setShortcut(QKeySequence::Refresh);
  addAction(refresh);

  connect(retry_, &QAction::triggered, this, &JobDetailsWindow::retrySelected);
  connect(kill_, &QAction::triggered, this, &JobDetailsWindow::killSelected);
  connect(eat_, &QAction::triggered, this, &JobDetailsWindow::eatSelected);
  connect(refresh, &QAction::triggered, monitor_.get(), &JobDetailsMonitor::refresh);
  connect(frames_, &QWidget::customContextMenuRequested, this, &JobDetailsWindow::showContextMenu);
  connect(monitor_.get(), &JobDetailsMonitor::connectionChanged, this,
          &JobDetailsWindow::showConnection);
  connect(monitor_.get(), &JobDetailsMonitor::refreshed, this, &JobDetailsWindow::updateStatus);
  connect(monitor_.get(), &JobDetailsMonitor::actionDone, this, [this](const QString& m) {
    last_action_ = m;
    updateStatus();
  });
  connect(monitor_.get(), &JobDetailsMonitor::actionFailed, this, [this](const QString& m) {
    last_action_ = m;
    updateStatus();
    showError(this, tr("Action failed"), m);
  });
  updateStatus();
}

// The monitor goes first (its queued results are dropped), before the views on its models.
JobDetailsWindow::~JobDetailsWindow() {
  layers_->setModel(nullptr);
  frames_->setModel(nullptr);
  monitor_.reset();
}

void JobDetailsWindow::buildLayerActions() {
  layers_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(layers_, &QWidget::customContextMenuRequested, this, &JobDetailsWindow::showLayerMenu);
  auto add = [this](const char* name, const QString& text, std::function<void()> slot) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    connect(a, &QAction::triggered, this, std::move(slot));
    layer_actions_ << a;
  };
  add("retryDeadLayer", tr("Retry dead frames"),
      [this] { monitor_->retryDeadLayerFrames(selectedLayerNames()); });
  add("eatDeadLayer", tr("Eat dead frames..."), [this] {
    const QStringList names = selectedLayerNames();
    if (confirmItems(confirm_, this, tr("Eat dead frames"),
                     tr("Eat the dead frames of %n layer(s)? They will not run again.", nullptr,
                        names.size()),
                     names)) {
      monitor_->eatDeadLayerFrames(names);
    }
  });
  // Reorder and stagger act on one layer, over its whole range.
  auto current = [this]() -> const core::LayerView* {
    const QModelIndexList rows = layers_->selectionModel()->selectedRows();
    if (rows.size() != 1) return nullptr;
    const std::string id = rows.front().data(LayersModel::kIdRole).toString().toStdString();
    return monitor_->layers()->layer(monitor_->layers()->rowOf(id));
  };
  add("reorderLayer", tr("Reorder..."), [this, current] {
    const core::LayerView* v = current();
    if (v == nullptr) return;
    const QStringList orders{tr("First"), tr("Last"), tr("Reverse")};
    const QString order = choose_(this, tr("Reorder frames"),
                                  tr("Dispatch the frames of %1 (%2):")
                                      .arg(QString::fromStdString(v->layer.name),
                                           QString::fromStdString(v->layer.range)),
                                  orders);
    if (order.isEmpty()) return;
    monitor_->reorderLayer(QString::fromStdString(v->layer.id),
                           QString::fromStdString(v->layer.range),
                           static_cast<client::FrameOrder>(orders.indexOf(order)));
  });
  add("staggerLayer", tr("Stagger..."), [this, current] {
    const core::LayerView* v = current();
    if (v == nullptr) return;
    auto step = ask_number_(this, {tr("Stagger frames"),
                                   tr("Dispatch every Nth frame of %1 first, N:")
                                       .arg(QString::fromStdString(v->layer.name)),
                                   2, 1, 100000, 0});
    if (!step) return;
    monitor_->staggerLayer(QString::fromStdString(v->layer.id),
                           QString::fromStdString(v->layer.range), static_cast<int>(*step));
  });
}

void JobDetailsWindow::showLayerMenu(const QPoint& pos) {
  if (selectedLayerNames().isEmpty()) return;
  QMenu menu(this);
  for (QAction* a : layer_actions_) menu.addAction(a);
  menu.exec(layers_->viewport()->mapToGlobal(pos));
}

QStringList JobDetailsWindow::selectedLayerNames() const {
  QStringList names;
  for (const QModelIndex& row : layers_->selectionModel()->selectedRows(LayersModel::kName)) {
    names << row.data().toString();
  }
  return names;
}

QStringList JobDetailsWindow::selectedFrameNames() const {
  QStringList names;
  for (const QModelIndex& row : frames_->selectionModel()->selectedRows()) {
    names << row.data(FramesModel::kFrameNameRole).toString();
  }
  return names;
}

void JobDetailsWindow::showContextMenu(const QPoint& pos) {
  if (selectedFrameNames().isEmpty()) return;
  QMenu menu(this);
  menu.addAction(view_log_);
  menu.addSeparator();
  menu.addAction(retry_);
  menu.addAction(mark_done_);
  menu.addSeparator();
  menu.addAction(eat_);
  menu.addAction(kill_);
  menu.addSeparator();
  menu.addAction(why_);
  menu.addAction(view_depends_);
  menu.addAction(comments_);
  menu.exec(frames_->viewport()->mapToGlobal(pos));
}

void JobDetailsWindow::retrySelected() { monitor_->retryFrames(selectedFrameNames()); }

void JobDetailsWindow::killSelected() {
  const QStringList names = selectedFrameNames();
  if (!confirmItems(confirm_, this, tr("Kill frames"),
                     tr("Kill %n frame(s)? Running ones stop and are retried.", nullptr, names.size()),
                     names)) {
    return;
  }
  const char* user = std::getenv("USER");
  monitor_->killFrames(names, QStringLiteral("Manual Frame Kill Request in cuegui by %1")
                                  .arg(QString::fromLocal8Bit(user != nullptr ? user : "unknown")));
}

void JobDetailsWindow::eatSelected() {
  const QStringList names = selectedFrameNames();
  if (!confirmItems(confirm_, this, tr("Eat frames"), tr("Eat %n frame(s)? They will not run.", nullptr, names.size()),
                     names)) {
    return;
  }
  monitor_->eatFrames(names);
}

void JobDetailsWindow::markDoneSelected() {
  const QStringList names = selectedFrameNames();
  if (!confirmItems(confirm_, this, tr("Mark frames done"),
                     tr("Mark %n frame(s) done without running them? Frames that depend on them "
                        "may start.", nullptr, names.size()),
                     names)) {
    return;
  }
  monitor_->markDoneFrames(names);
}

LogWindow* JobDetailsWindow::openLog(const QString& frame_name) {
  if (QPointer<LogWindow> open = logs_.value(frame_name); open) {
    open->show();
    open->raise();
    open->activateWindow();
    return open;
  }
  const FramesModel* frames = monitor_->frames();
  bool shown = false;
  for (int row = 0; row < frames->rowCount() && !shown; ++row) {
    shown = QString::fromStdString(frames->frame(row)->name) == frame_name;
  }
  if (!shown) return nullptr;
  auto follower = std::make_unique<LogFollower>(client::Client(monitor_->config()),
                                                job_name_.toStdString(), frame_name.toStdString());
  follower->start();
  auto* window = new LogWindow(std::move(follower), this);
  window->setWindowFlag(Qt::Window);
  window->setAttribute(Qt::WA_DeleteOnClose);
  logs_[frame_name] = window;
  window->show();
  return window;
}

void JobDetailsWindow::showConnection(bool connected, const QString& message) {
  banner_->setText(tr("The cuebot does not answer: %1\nRetrying every %2 s.")
                       .arg(message)
                       .arg(monitor_->refreshInterval() / 1000.0));
  banner_->setVisible(!connected);
}

void JobDetailsWindow::updateStatus() {
  QString text = tr("%1 layers, %2 frames")
                     .arg(monitor_->layers()->rowCount())
                     .arg(monitor_->frames()->rowCount());
  if (!monitor_->connected()) {
    text += tr(" - no answer from the cuebot");
  } else if (monitor_->refreshCount() > 0) {
    text += tr(" - refreshed %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
  }
  if (!last_action_.isEmpty()) text += QStringLiteral(" - ") + last_action_;
  status_->setText(text);
}

}  // namespace cue::gui
