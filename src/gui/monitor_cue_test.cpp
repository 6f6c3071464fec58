// CueCommander's Monitor Cue tab against a real cuebot on loopback (offscreen platform): a
// submitted job appears under its show's root group with its waiting frames; the selection and
// expansion survive refreshes; a priority and min cores set through the tab's actions are read
// back with the client, as are a group's min and max cores and default priority; kill asks
// first (refused: nothing happens; confirmed: the job ends and leaves the tree). Waits poll
// with a deadline.
#include <unistd.h>

#include <QAction>
#include <QItemSelectionModel>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <memory>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/commander_monitor.h"
#include "gui/commander_window.h"
#include "gui/monitor_cue_view.h"
#include "gui/test_cuebot.h"

namespace cue::gui {

constexpr int kDeadlineMs = 30000;

class MonitorCueTest : public QObject {
  Q_OBJECT

 public:
  ~MonitorCueTest() override { stopAll(); }

 private Q_SLOTS:
  void initTestCase();
  void submittedJobAppearsUnderItsShow();
  void selectionAndExpansionSurviveRefreshes();
  void jobPriorityAndMinCoresThroughTheTab();
  void groupCoresAndPriorityThroughTheTab();
  void killAsksFirst();
  void cleanupTestCase() { stopAll(); }

 private:
  void refreshAndWait();
  // The proxy index of `id`'s row in the "cueTree" view (invalid when not shown).
  QModelIndex viewIndex(const std::string& id);
  void select(const std::string& id);
  QAction* action(const char* name) { return window_->findChild<QAction*>(QString::fromLatin1(name)); }
  std::optional<core::JobView> jobFromCuebot();
  void stopAll() {
    window_.reset();
    commander_.reset();
    stopTestCuebot(cuebot_);
  }

  QTemporaryDir dir_;
  QProcess cuebot_;
  int port_ = 0;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Commander> commander_;
  std::unique_ptr<CueCommanderWindow> window_;
  QTreeView* tree_ = nullptr;
  std::string job_id_;
  std::string job_name_;
  std::string root_id_;
  std::string show_id_;
};

void MonitorCueTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startTestCuebot(cuebot_, dir_, 0, &port_);
  QVERIFY(port_ > 0);
  const client::CuebotConfig config = testConfig(port_);
  client_ = std::make_unique<client::Client>(config);

  client::JobBuild job = testJob("monitorcue", "1-4", "true");
  job.uid = ::geteuid() == 0 ? 1000 : static_cast<int>(::geteuid());
  auto launched = launchTestJob(*client_, job);
  QVERIFY2(launched.ok(), std::string(launched.status().message()).c_str());
  job_name_ = launched->job.name;
  job_id_ = launched->job.id;
  auto show = client_->findShow("testing");
  QVERIFY(show.ok());
  auto root = client_->getRootGroup(show->show.id);
  QVERIFY(root.ok());
  root_id_ = root->id;
  show_id_ = show->show.id;

  CommanderOptions options;
  options.hosts_refresh_ms = 60000;  // the tests refresh when they need to
  options.farm_refresh_ms = 60000;
  options.cue_refresh_ms = 60000;
  commander_ = std::make_unique<Commander>(config, options);
  window_ = std::make_unique<CueCommanderWindow>(commander_.get());
  window_->findChild<QTabWidget*>(QStringLiteral("tabs"))
      ->setCurrentIndex(CueCommanderWindow::kMonitorCueTab);
  window_->show();
  commander_->start();
  QTRY_VERIFY_WITH_TIMEOUT(commander_->cue()->refreshCount() > 0, kDeadlineMs);
  QVERIFY2(commander_->cue()->connected(), qPrintable(commander_->cue()->lastError()));
  tree_ = window_->findChild<QTreeView*>(QStringLiteral("cueTree"));
  QVERIFY(tree_ != nullptr);
}

std::optional<core::JobView> MonitorCueTest::jobFromCuebot() {
  auto jobs = client_->getJobsByName({job_name_});
  if (!jobs.ok() || jobs->size() != 1) return std::nullopt;
  return jobs->front();
}

void MonitorCueTest::refreshAndWait() {
  CueMonitor* m = commander_->cue();
  QTRY_VERIFY_WITH_TIMEOUT(!m->refreshing(), kDeadlineMs);
  const int before = m->refreshCount();
  m->refresh();
  QTRY_VERIFY_WITH_TIMEOUT(m->refreshCount() > before, kDeadlineMs);
  QVERIFY2(m->connected(), qPrintable(m->lastError()));
}

QModelIndex MonitorCueTest::viewIndex(const std::string& id) {
  auto* proxy = qobject_cast<QSortFilterProxyModel*>(tree_->model());
  return proxy->mapFromSource(commander_->cue()->model()->indexOf(id));
}

void MonitorCueTest::select(const std::string& id) {
  const QModelIndex at = viewIndex(id);
  QVERIFY(at.isValid());
  tree_->selectionModel()->select(
      at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MonitorCueTest::submittedJobAppearsUnderItsShow() {
  CueTreeModel* model = commander_->cue()->model();
  const QModelIndex job = model->indexOf(job_id_);
  QVERIFY(job.isValid());
  QCOMPARE(job.data().toString(), QString::fromStdString(job_name_));
  QCOMPARE(job.sibling(job.row(), CueTreeModel::kWaiting).data().toInt(), 4);
  QCOMPARE(job.parent(), model->indexOf(root_id_));
  QCOMPARE(job.parent().data().toString(), QStringLiteral("testing"));
  QCOMPARE(job.parent().data(CueTreeModel::kKindRole).toInt(), int(CueRow::kShow));
  QCOMPARE(job.parent().sibling(job.parent().row(), CueTreeModel::kWaiting).data().toInt(), 4);
  // Shows come expanded.
  QVERIFY(tree_->isExpanded(viewIndex(root_id_)));
}

void MonitorCueTest::selectionAndExpansionSurviveRefreshes() {
  select(job_id_);
  QCOMPARE(window_->monitorCue()->selectedJobIds(), QStringList{QString::fromStdString(job_id_)});
  tree_->collapse(viewIndex(root_id_));
  tree_->expand(viewIndex(root_id_));
  refreshAndWait();
  refreshAndWait();
  QVERIFY(tree_->isExpanded(viewIndex(root_id_)));
  QCOMPARE(window_->monitorCue()->selectedJobIds(), QStringList{QString::fromStdString(job_id_)});
}

void MonitorCueTest::jobPriorityAndMinCoresThroughTheTab() {
  select(job_id_);
  NumberQuestion asked;
  window_->setAskNumber([&asked](QWidget*, const NumberQuestion& q) -> std::optional<double> {
    asked = q;
    return q.title.contains(QStringLiteral("priority")) ? 77 : 2.5;
  });
  const int before = jobFromCuebot()->job.priority;
  action("jobPriority")->trigger();
  QCOMPARE(asked.value, double(before));  // the job's priority, offered first
  QTRY_VERIFY_WITH_TIMEOUT(jobFromCuebot() && jobFromCuebot()->job.priority == 77, kDeadlineMs);
  action("jobMinCores")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(jobFromCuebot() && jobFromCuebot()->job.min_cores == 250, kDeadlineMs);
  // The refresh after the action shows them.
  CueTreeModel* model = commander_->cue()->model();
  QTRY_COMPARE_WITH_TIMEOUT(model->indexOf(job_id_, CueTreeModel::kPriority).data().toString(),
                            QStringLiteral("77"), kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(model->indexOf(job_id_, CueTreeModel::kMinCores).data().toString(),
                            QStringLiteral("2.5"), kDeadlineMs);
}

void MonitorCueTest::groupCoresAndPriorityThroughTheTab() {
  select(root_id_);
  QVERIFY(window_->monitorCue()->selectedJobIds().isEmpty());
  window_->setAskNumber([](QWidget*, const NumberQuestion&) -> std::optional<double> { return 3; });
  action("groupMinCores")->trigger();
  auto minCores = [this] {
    auto g = client_->getRootGroup(show_id_);
    return g.ok() ? g->min_cores : -1;
  };
  QTRY_COMPARE_WITH_TIMEOUT(minCores(), 300, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(
      commander_->cue()->model()->indexOf(root_id_, CueTreeModel::kMinCores).data().toString(),
      QStringLiteral("3"), kDeadlineMs);

  // Max cores and the default priority of the group's new jobs, the same way.
  window_->setAskNumber([](QWidget*, const NumberQuestion&) -> std::optional<double> { return 12; });
  action("groupMaxCores")->trigger();
  auto group = [this] { return client_->getRootGroup(show_id_); };
  QTRY_VERIFY_WITH_TIMEOUT(group().ok() && group()->max_cores == 1200, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(
      commander_->cue()->model()->indexOf(root_id_, CueTreeModel::kMaxCores).data().toString(),
      QStringLiteral("12"), kDeadlineMs);
  window_->setAskNumber([](QWidget*, const NumberQuestion&) -> std::optional<double> { return 42; });
  action("groupPriority")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(group().ok() && group()->default_job_priority == 42, kDeadlineMs);
}

void MonitorCueTest::killAsksFirst() {
  select(job_id_);
  QString question;
  window_->setConfirm([&question](QWidget*, const QString&, const QString& text) {
    question = text;
    return false;
  });
  action("killJobs")->trigger();
  QVERIFY(question.contains(QString::fromStdString(job_name_)));
  refreshAndWait();
  QVERIFY(commander_->cue()->model()->indexOf(job_id_).isValid());
  QVERIFY(jobFromCuebot()->job.state == core::JobState::kPending);

  window_->setConfirm([](QWidget*, const QString&, const QString&) { return true; });
  action("killJobs")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(jobFromCuebot() && jobFromCuebot()->job.state == core::JobState::kFinished,
                           kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(!commander_->cue()->model()->indexOf(job_id_).isValid(), kDeadlineMs);
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::MonitorCueTest)
#include "monitor_cue_test.moc"
