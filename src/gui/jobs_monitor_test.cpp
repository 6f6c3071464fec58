// Monitor Jobs against a real cuebot on loopback (offscreen platform): a submitted job shows
// with its counts, the timer refreshes, pause and kill through the monitor reach cuebot (read
// back through the client), selections survive refreshes, the search filter hides the jobs
// that do not match; the window's search field, pause on the selected row, kill only once
// confirmed, its layout saved and restored; and a cuebot that stops answering turns the
// monitor disconnected and shows the window's banner while the last jobs stay shown, until
// it is back. Waits poll with a deadline.
#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/test_cuebot.h"
#include "gui/job_monitor.h"
#include "gui/jobs_model.h"
#include "gui/jobs_window.h"

namespace cue::gui {

constexpr int kDeadlineMs = 20000;

class JobsMonitorTest : public QObject {
  Q_OBJECT

 public:
  ~JobsMonitorTest() override { stopCuebot(); }

 private Q_SLOTS:
  void initTestCase();
  void showsSubmittedJobsWithTheirCounts();
  void refreshesOnTheTimer();
  void pauseThroughTheMonitorPausesTheJob();
  void killRemovesTheJobAndKeepsTheSelection();
  void searchHidesJobsThatDoNotMatch();
  void windowSearchesAndPausesTheSelectedJob();
  void windowKillsOnlyOnceConfirmed();
  void windowSetsPriorityCoresAndRetries();
  void windowLayoutRoundTrips();
  void bannerWhileTheCuebotIsGoneUntilItIsBack();
  void cleanupTestCase();

 private:
  std::string submit(const std::string& name, const std::string& range);
  core::JobView readBack(const std::string& id);
  const core::JobView* shown(const std::string& id) {
    return monitor_->model()->job(monitor_->model()->rowOf(id));
  }
  void refreshAndWait();
  // Waits until every call queued before it has run: AsyncClient runs calls in order.
  void drainCalls();
  template <class T>
  T* child(const char* name) {
    return window_->findChild<T*>(QString::fromLatin1(name));
  }
  // Starts cuebot on `port` (0: one the kernel picks) and the test's store; sets port_.
  void startCuebot(int port);
  void stopCuebot();

  QTemporaryDir dir_;
  QProcess cuebot_;
  int port_ = 0;
  std::unique_ptr<client::Client> client_;  // the test's own: submits and reads back
  std::unique_ptr<JobMonitor> monitor_;
  std::unique_ptr<MonitorJobsWindow> window_;  // after monitor_: destroyed first
  std::string alpha_, beta_, gamma_;           // job ids
};

void JobsMonitorTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startCuebot(0);
  QVERIFY(port_ > 0);

  const client::CuebotConfig config = testConfig(port_);
  client_ = std::make_unique<client::Client>(config);
  alpha_ = submit("alpha", "1-5");
  beta_ = submit("beta", "1-3");
  gamma_ = submit("gamma", "1-2");
  QVERIFY(!alpha_.empty() && !beta_.empty() && !gamma_.empty());

  JobMonitorOptions options;
  options.refresh_ms = 60000;  // the tests refresh when they need to; one checks the timer
  options.query.users = {"guitest"};
  monitor_ = std::make_unique<JobMonitor>(client::Client(config), options);
}

// Launches a job of one layer (no rqd runs it: its frames stay waiting); returns its id.
std::string JobsMonitorTest::submit(const std::string& name, const std::string& range) {
  auto view = launchTestJob(*client_, testJob(name, range));
  return view.ok() ? view->job.id : std::string();
}

core::JobView JobsMonitorTest::readBack(const std::string& id) {
  client::JobQuery q;
  q.users = {"guitest"};
  q.include_finished = true;
  auto jobs = client_->getJobs(q);
  if (jobs.ok()) {
    for (const auto& v : *jobs) {
      if (v.job.id == id) return v;
    }
  }
  return {};
}

// A refresh whose call is sent after this point: one already in flight may predate it.
void JobsMonitorTest::refreshAndWait() {
  QTRY_VERIFY_WITH_TIMEOUT(!monitor_->refreshing(), kDeadlineMs);
  const int before = monitor_->refreshCount();
  monitor_->refresh();
  QTRY_VERIFY_WITH_TIMEOUT(monitor_->refreshCount() > before, kDeadlineMs);
}

void JobsMonitorTest::drainCalls() { refreshAndWait(); }

void JobsMonitorTest::showsSubmittedJobsWithTheirCounts() {
  refreshAndWait();
  QVERIFY2(monitor_->connected(), qPrintable(monitor_->lastError()));
  JobsModel* model = monitor_->model();
  QCOMPARE(model->rowCount(), 3);
  const int row = model->rowOf(alpha_);
  QVERIFY(row >= 0);
  auto cell = [&](int column) { return model->index(row, column).data().toString(); };
  QCOMPARE(cell(JobsModel::kName), QStringLiteral("testing-gui-guitest_alpha"));
  QCOMPARE(cell(JobsModel::kState), QStringLiteral("Waiting"));
  QCOMPARE(cell(JobsModel::kDoneTotal), QStringLiteral("0 of 5"));
  QCOMPARE(cell(JobsModel::kRunning), QStringLiteral("0"));
  QCOMPARE(cell(JobsModel::kDead), QStringLiteral("0"));
  QCOMPARE(cell(JobsModel::kWaiting), QStringLiteral("5"));
  QCOMPARE(cell(JobsModel::kMaxRss), QStringLiteral("0"));
  QCOMPARE(cell(JobsModel::kAge), QStringLiteral("00:00"));
  const QVariantList counts =
      model->index(row, JobsModel::kProgress).data(JobsModel::kCountsRole).toList();
  QCOMPARE(counts.size(), 7);
  QCOMPARE(counts[3].toInt(), 5);  // waiting
  QCOMPARE(counts[6].toInt(), 5);  // total
  QCOMPARE(model->index(model->rowOf(beta_), JobsModel::kDoneTotal).data().toString(),
           QStringLiteral("0 of 3"));
}

void JobsMonitorTest::refreshesOnTheTimer() {
  const int before = monitor_->refreshCount();
  monitor_->setRefreshInterval(50);
  monitor_->start();
  QTRY_VERIFY_WITH_TIMEOUT(monitor_->refreshCount() >= before + 3, kDeadlineMs);
  monitor_->setRefreshInterval(60000);
  QCOMPARE(monitor_->model()->rowCount(), 3);  // merged by id: no duplicates
}

void JobsMonitorTest::pauseThroughTheMonitorPausesTheJob() {
  QSignalSpy done(monitor_.get(), &JobMonitor::actionDone);
  monitor_->pauseJobs({QString::fromStdString(alpha_)});
  QTRY_VERIFY_WITH_TIMEOUT(readBack(alpha_).job.paused, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kDeadlineMs);
  // The action's own refresh brings the new state into the model.
  QTRY_VERIFY_WITH_TIMEOUT(shown(alpha_) != nullptr && shown(alpha_)->job.paused, kDeadlineMs);
  const int row = monitor_->model()->rowOf(alpha_);
  QCOMPARE(monitor_->model()->index(row, JobsModel::kState).data().toString(),
           QStringLiteral("Paused"));
  QVERIFY(!readBack(beta_).job.paused);

  monitor_->resumeJobs({QString::fromStdString(alpha_)});
  QTRY_VERIFY_WITH_TIMEOUT(!readBack(alpha_).job.paused, kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(!shown(alpha_)->job.paused, kDeadlineMs);
}

void JobsMonitorTest::killRemovesTheJobAndKeepsTheSelection() {
  JobsModel* model = monitor_->model();
  QItemSelectionModel selection(model);
  for (const auto& id : {alpha_, beta_}) {
    selection.select(model->index(model->rowOf(id), 0),
                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
  }
  monitor_->killJobs({QString::fromStdString(gamma_)}, QStringLiteral("gui test"));
  QTRY_VERIFY_WITH_TIMEOUT(readBack(gamma_).job.state == core::JobState::kFinished, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, kDeadlineMs);
  QCOMPARE(model->rowOf(gamma_), -1);
  refreshAndWait();  // a refresh with nothing removed keeps it too
  QStringList selected;
  for (const QModelIndex& row : selection.selectedRows()) {
    selected << row.data(JobsModel::kJobIdRole).toString();
  }
  selected.sort();
  QStringList expected{QString::fromStdString(alpha_), QString::fromStdString(beta_)};
  expected.sort();
  QCOMPARE(selected, expected);
}

void JobsMonitorTest::searchHidesJobsThatDoNotMatch() {
  JobsFilter filter;
  filter.setSourceModel(monitor_->model());
  QCOMPARE(filter.rowCount(), 2);
  auto onlyShown = [&]() { return filter.index(0, 0).data(JobsModel::kJobIdRole).toString(); };

  QVERIFY(filter.setSearch(QStringLiteral("BETA"), false));  // substring, any case
  QCOMPARE(filter.rowCount(), 1);
  QCOMPARE(onlyShown(), QString::fromStdString(beta_));

  QVERIFY(filter.setSearch(QStringLiteral("_a.p"), false));  // '.' is literal here
  QCOMPARE(filter.rowCount(), 0);

  QVERIFY(filter.setSearch(QStringLiteral("_a.p"), true));
  QCOMPARE(filter.rowCount(), 1);
  QCOMPARE(onlyShown(), QString::fromStdString(alpha_));

  QVERIFY(!filter.setSearch(QStringLiteral("(unclosed"), true));  // leaves the filter as is
  QCOMPARE(filter.rowCount(), 1);

  QVERIFY(filter.setSearch(QStringLiteral("guitest_"), false));
  QCOMPARE(filter.rowCount(), 2);
  QVERIFY(filter.setSearch(QString(), false));
  QCOMPARE(filter.rowCount(), 2);
}

void JobsMonitorTest::windowSearchesAndPausesTheSelectedJob() {
  window_ = std::make_unique<MonitorJobsWindow>(monitor_.get());
  window_->show();
  auto* view = child<QTableView>("jobs");
  QVERIFY(view != nullptr);
  QCOMPARE(view->model()->rowCount(), 2);
  child<QLineEdit>("search")->setText(QStringLiteral("beta"));
  QCOMPARE(view->model()->rowCount(), 1);
  QVERIFY(!window_->grab().isNull());  // paints every column, the progress bar too

  view->selectRow(0);
  QCOMPARE(window_->selectedJobIds(), QStringList{QString::fromStdString(beta_)});
  child<QAction>("pause")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(readBack(beta_).job.paused, kDeadlineMs);
  QVERIFY(!readBack(alpha_).job.paused);
  child<QAction>("resume")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(!readBack(beta_).job.paused, kDeadlineMs);
  child<QLineEdit>("search")->clear();
  QCOMPARE(view->model()->rowCount(), 2);
}

void JobsMonitorTest::windowKillsOnlyOnceConfirmed() {
  const std::string delta = submit("delta", "1-2");
  QVERIFY(!delta.empty());
  refreshAndWait();
  auto* view = child<QTableView>("jobs");
  child<QLineEdit>("search")->setText(QStringLiteral("delta"));
  QCOMPARE(view->model()->rowCount(), 1);
  view->selectRow(0);

  QString asked;
  window_->setConfirm([&](QWidget*, const QString&, const QString& text) {
    asked = text;
    return false;
  });
  child<QAction>("kill")->trigger();
  QVERIFY(asked.contains(QStringLiteral("testing-gui-guitest_delta")));
  drainCalls();
  QVERIFY(readBack(delta).job.state == core::JobState::kPending);  // declined: nothing sent

  window_->setConfirm([](QWidget*, const QString&, const QString&) { return true; });
  child<QAction>("kill")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(readBack(delta).job.state == core::JobState::kFinished, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(monitor_->model()->rowCount(), 2, kDeadlineMs);
  QCOMPARE(view->model()->rowCount(), 0);
  child<QLineEdit>("search")->clear();
  QCOMPARE(view->model()->rowCount(), 2);
}

void JobsMonitorTest::windowSetsPriorityCoresAndRetries() {
  const std::string echo = submit("echo", "1-2");
  QVERIFY(!echo.empty());
  refreshAndWait();
  auto* view = child<QTableView>("jobs");
  child<QLineEdit>("search")->setText(QStringLiteral("echo"));
  QCOMPARE(view->model()->rowCount(), 1);
  view->selectRow(0);

  // Each question starts from the job's value; the answer reaches cuebot.
  const core::JobView before = readBack(echo);
  QSignalSpy done(monitor_.get(), &JobMonitor::actionDone);
  QSignalSpy failed(monitor_.get(), &JobMonitor::actionFailed);
  QList<NumberQuestion> asked;
  double answer = 0;
  window_->setAskNumber([&](QWidget*, const NumberQuestion& q) -> std::optional<double> {
    asked << q;
    return answer;
  });
  answer = 250;
  child<QAction>("priority")->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(readBack(echo).job.priority, 250, kDeadlineMs);
  QCOMPARE(asked.size(), 1);
  QCOMPARE(asked.back().value, static_cast<double>(before.job.priority));
  QCOMPARE(asked.back().decimals, 0);

  answer = 2.5;
  child<QAction>("minCores")->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(readBack(echo).job.min_cores, core::CoreUnits{250}, kDeadlineMs);
  QCOMPARE(asked.back().value, before.job.min_cores / 100.0);
  answer = 8;
  child<QAction>("maxCores")->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(readBack(echo).job.max_cores, core::CoreUnits{800}, kDeadlineMs);
  // Max retries cannot be read back through OpenCue's API: the action is done, not failed.
  answer = 1;
  child<QAction>("maxRetries")->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 4, kDeadlineMs);
  QCOMPARE(failed.count(), 0);
  QVERIFY(done.back().at(0).toString().contains(QStringLiteral("retries 1")));
  QCOMPARE(asked.size(), 4);

  // Cancelled: nothing sent.
  window_->setAskNumber([](QWidget*, const NumberQuestion&) { return std::optional<double>(); });
  child<QAction>("priority")->trigger();
  drainCalls();
  QCOMPARE(done.count(), 4);
  QCOMPARE(failed.count(), 0);
  QCOMPARE(readBack(echo).job.priority, 250);
  child<QLineEdit>("search")->clear();
  // Gone again, for the tests after this one.
  QVERIFY(client_->killJob(echo, "gui test").ok());
  refreshAndWait();
  QCOMPARE(monitor_->model()->rowCount(), 2);
}

void JobsMonitorTest::windowLayoutRoundTrips() {
  QSettings settings(dir_.filePath(QStringLiteral("cuegui.ini")), QSettings::IniFormat);
  child<QTableView>("jobs")->horizontalHeader()->setSectionHidden(JobsModel::kAge, true);
  child<QCheckBox>("regex")->setChecked(true);
  window_->saveLayout(settings);
  child<QTableView>("jobs")->horizontalHeader()->setSectionHidden(JobsModel::kAge, false);
  child<QCheckBox>("regex")->setChecked(false);

  MonitorJobsWindow other(monitor_.get());
  other.restoreLayout(settings);
  auto* header = other.findChild<QTableView*>(QStringLiteral("jobs"))->horizontalHeader();
  QVERIFY(header->isSectionHidden(JobsModel::kAge));
  QVERIFY(!header->isSectionHidden(JobsModel::kName));
  QVERIFY(other.findChild<QCheckBox*>(QStringLiteral("regex"))->isChecked());
}

void JobsMonitorTest::bannerWhileTheCuebotIsGoneUntilItIsBack() {
  auto* banner = child<QLabel>("banner");
  QVERIFY(banner != nullptr && !banner->isVisible());
  QSignalSpy changed(monitor_.get(), &JobMonitor::connectionChanged);
  stopCuebot();
  refreshAndWait();
  QVERIFY(!monitor_->connected());
  QVERIFY(!monitor_->lastError().isEmpty());
  QCOMPARE(changed.count(), 1);
  QCOMPARE(changed.front().at(0).toBool(), false);
  QCOMPARE(monitor_->model()->rowCount(), 2);  // the last jobs stay shown
  QVERIFY(banner->isVisible());
  QVERIFY(banner->text().contains(monitor_->lastError()));

  // Back on the port the client knows, with the same store: the next refresh reconnects.
  startCuebot(port_);
  if (QTest::currentTestFailed()) return;
  QTRY_VERIFY_WITH_TIMEOUT((refreshAndWait(), monitor_->connected()), kDeadlineMs);
  QCOMPARE(changed.back().at(0).toBool(), true);
  for (qsizetype i = 0; i + 1 < changed.count(); ++i) QVERIFY(!changed.at(i).at(0).toBool());
  QVERIFY(!banner->isVisible());
  QCOMPARE(monitor_->model()->rowCount(), 2);
}

void JobsMonitorTest::cleanupTestCase() {
  window_.reset();
  monitor_.reset();
  stopCuebot();
}

void JobsMonitorTest::startCuebot(int port) {
  startTestCuebot(cuebot_, dir_, port, &port_);
}

void JobsMonitorTest::stopCuebot() { stopTestCuebot(cuebot_); }

}  // namespace cue::gui

QTEST_MAIN(cue::gui::JobsMonitorTest)
#include "jobs_monitor_test.moc"
