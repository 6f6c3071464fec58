// cuegui with real frames: a real cuebot and a real rqd on loopback (offscreen platform).
// A running frame's log is followed through cuebot while the frame writes it, until the frame
// ends; Monitor Job Details opens the log of a retried frame, whose earlier run's log the
// attempt box shows, and whose search counts matches; "why not running" explains a job whose
// tag no host has; Monitor Jobs retries a job's dead frame, which then succeeds. And an
// artist's whole round: submit through cuesubmit-gui's model, see the job in Monitor Jobs,
// pause and resume it, retry its dead frame, read that frame's logs. The frames themselves wait on files the test creates, so each step is a
// state the test makes happen, not a time it waits for.
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <memory>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/job_details_monitor.h"
#include "gui/job_details_window.h"
#include "gui/job_monitor.h"
#include "gui/jobs_window.h"
#include "gui/log_follower.h"
#include "gui/log_window.h"
#include "gui/submit_model.h"
#include "gui/test_cuebot.h"
#include "gui/why_dialog.h"

namespace cue::gui {

constexpr int kDeadlineMs = 30000;

class LiveFarmTest : public QObject {
  Q_OBJECT

 public:
  ~LiveFarmTest() override {
    stopTestCuebot(rqd_);
    stopTestCuebot(cuebot_);
  }

 private Q_SLOTS:
  void initTestCase();
  void followsARunningFramesLogUntilItEnds();
  void detailsOpenTheLogOfEachRun();
  void whyNotRunningNamesTheMissingTag();
  void monitorJobsRetriesADeadFrame();
  void artistSubmitsWatchesRetriesAndReadsTheLog();
  void detailsFollowFramesThroughChangedFramesOnly();
  void cleanupTestCase();

 private:
  // Launches a one-layer job; returns its full name and sets *id.
  std::string submit(const std::string& name, const std::string& command, const std::string& range,
                     const std::vector<std::string>& tags, std::string* id,
                     std::optional<int> max_retries = std::nullopt);
  QString path(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
  void touch(const char* name) {
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly));
  }
  QString stateOf(const std::string& job_id, const std::string& frame);

  QTemporaryDir dir_;
  QProcess cuebot_;
  QProcess rqd_;
  int port_ = 0;
  client::CuebotConfig config_;
  std::unique_ptr<client::Client> client_;
};

void LiveFarmTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startTestCuebot(cuebot_, dir_, 0, &port_);
  QVERIFY(port_ > 0);
  startTestRqd(rqd_, dir_, port_, QStringLiteral("loghost"));
  config_.hosts = {"127.0.0.1:" + std::to_string(port_)};
  config_.timeout_ms = 10000;
  client_ = std::make_unique<client::Client>(config_);
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        auto hosts = client_->getHosts({});
        return hosts.ok() && hosts->size() == 1;
      }(),
      kDeadlineMs);
}

std::string LiveFarmTest::submit(const std::string& name, const std::string& command,
                                const std::string& range, const std::vector<std::string>& tags,
                                std::string* id, std::optional<int> max_retries) {
  client::JobBuild job = testJob(name, range, command);
  job.max_retries = max_retries;
  client::LayerBuild& render = job.layers.front();
  render.cores = 1;
  render.memory = "256m";
  render.tags = tags;
  auto view = launchTestJob(*client_, job);
  if (!view.ok()) qFatal("launch failed: %s", std::string(view.status().message()).c_str());
  *id = view->job.id;
  return view->job.name;
}

QString LiveFarmTest::stateOf(const std::string& job_id, const std::string& frame) {
  client::FrameQuery q;
  q.names = {frame};
  auto frames = client_->getFrames(job_id, q);
  if (!frames.ok() || frames->size() != 1) return QStringLiteral("none");
  return frameStateName(frames->front().state);
}

void LiveFarmTest::followsARunningFramesLogUntilItEnds() {
  const std::string go = path("go").toStdString();
  std::string id;
  const std::string job = submit(
      "follow",
      "echo phase-$((0+1)); while [ ! -e " + go + " ]; do sleep 0.05; done; echo phase-$((1+1))", "1",
      {}, &id);
  LogFollowerOptions options;
  options.refresh_ms = 100;
  LogFollower follower(client::Client(config_), job, "0001-render", options);
  QSignalSpy appended(&follower, &LogFollower::appended);
  follower.start();
  // Before the frame starts there is no log: a note, not a lost connection.
  QTRY_VERIFY_WITH_TIMEOUT(follower.text().contains(QStringLiteral("phase-1")), kDeadlineMs);
  QVERIFY(follower.connected());
  QVERIFY(!follower.finished());
  QVERIFY(follower.running());
  QCOMPARE(follower.host(), QStringLiteral("loghost"));
  QVERIFY(follower.path().endsWith(QStringLiteral(".rqlog")));
  QVERIFY2(!follower.text().contains(QStringLiteral("phase-2")), qPrintable(follower.text()));
  QCOMPARE(stateOf(id, "0001-render"), QStringLiteral("RUNNING"));

  touch("go");
  QTRY_VERIFY_WITH_TIMEOUT(follower.finished(), kDeadlineMs);
  QVERIFY(follower.text().contains(QStringLiteral("phase-2")));
  QVERIFY(follower.text().indexOf(QStringLiteral("phase-1")) <
          follower.text().indexOf(QStringLiteral("phase-2")));
  QVERIFY(!follower.running());  // nothing more will come: the timer stopped
  QCOMPARE(follower.offset(), follower.size());
  QVERIFY(appended.count() >= 2);  // the text came in as the frame wrote it
  // Appends add up to the text: nothing repeated or lost between reads.
  QString joined;
  for (const auto& args : appended) joined += args.at(0).toString();
  QCOMPARE(joined, follower.text());
  QCOMPARE(stateOf(id, "0001-render"), QStringLiteral("SUCCEEDED"));
}

void LiveFarmTest::detailsOpenTheLogOfEachRun() {
  // Each run writes its number: run-1, run-2. (Output is built by the shell, so that the
  // command line at the top of each log does not match.)
  const std::string count = path("count").toStdString();
  std::string id;
  const std::string job = submit("runs",
                                 "n=$(cat " + count + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " +
                                     count + "; echo run-$n; echo done-run-$n",
                                 "1", {}, &id);
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-render"), QStringLiteral("SUCCEEDED"), kDeadlineMs);
  client::FrameQuery q;
  q.names = {"0001-render"};
  QVERIFY(client_->retryFrames(id, q).ok());
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        QFile f(path("count"));
        return f.open(QIODevice::ReadOnly) && f.readAll().trimmed() == "2";
      }(),
      kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-render"), QStringLiteral("SUCCEEDED"), kDeadlineMs);

  auto monitor = std::make_unique<JobDetailsMonitor>(client::Client(config_), id, 60000);
  JobDetailsMonitor* m = monitor.get();
  JobDetailsWindow details(std::move(monitor), QString::fromStdString(job));
  m->start();
  auto* frames = details.findChild<QTableView*>(QStringLiteral("frames"));
  QVERIFY(frames != nullptr);
  QTRY_COMPARE_WITH_TIMEOUT(frames->model()->rowCount(), 1, kDeadlineMs);
  frames->selectRow(0);
  auto* view_log = details.findChild<QAction*>(QStringLiteral("viewLog"));
  QVERIFY(view_log != nullptr);
  view_log->trigger();
  auto* window = details.findChild<LogWindow*>();
  QVERIFY(window != nullptr);
  QVERIFY(window->isVisible());
  auto* text = window->findChild<QPlainTextEdit*>(QStringLiteral("log"));
  auto* attempt = window->findChild<QComboBox*>(QStringLiteral("attempt"));
  auto* info = window->findChild<QLabel*>(QStringLiteral("info"));
  QVERIFY(text != nullptr && attempt != nullptr && info != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(window->follower()->finished(), kDeadlineMs);
  QVERIFY(text->toPlainText().contains(QStringLiteral("run-2")));
  QVERIFY(!text->toPlainText().contains(QStringLiteral("run-1")));
  QVERIFY(info->text().contains(QStringLiteral("loghost")));
  QVERIFY(info->text().contains(QStringLiteral("finished")));

  // The run before: the attempt box offers it (the host keeps one earlier log), and shows
  // only its log.
  QCOMPARE(window->follower()->earlierRuns(), 1);
  QCOMPARE(attempt->count(), 2);
  attempt->setCurrentIndex(1);
  QTRY_VERIFY_WITH_TIMEOUT(window->follower()->finished() &&
                               text->toPlainText().contains(QStringLiteral("run-1")),
                           kDeadlineMs);
  QVERIFY(!text->toPlainText().contains(QStringLiteral("run-2")));

  // Search: every match counted and highlighted; next selects one.
  auto* search = window->findChild<QLineEdit*>(QStringLiteral("search"));
  QVERIFY(search != nullptr);
  search->setText(QStringLiteral("run-1"));
  QCOMPARE(window->matchCount(), 2);  // "run-1" and "done-run-1"
  QCOMPARE(text->extraSelections().size(), 2);
  QVERIFY(window->findNext());
  QCOMPARE(text->textCursor().selectedText(), QStringLiteral("run-1"));
  search->setText(QStringLiteral("no such text"));
  QCOMPARE(window->matchCount(), 0);
  QVERIFY(!window->findNext());
}

void LiveFarmTest::whyNotRunningNamesTheMissingTag() {
  std::string id;
  const std::string job = submit("untagged", "/bin/true", "1-2", {"nosuchtag"}, &id);
  auto monitor = std::make_unique<JobDetailsMonitor>(client::Client(config_), id, 60000);
  JobDetailsMonitor* m = monitor.get();
  JobDetailsWindow details(std::move(monitor), QString::fromStdString(job));
  m->start();
  auto* why = details.findChild<QAction*>(QStringLiteral("why"));
  QVERIFY(why != nullptr);
  // The planner judges a job once it has planned it: ask again, once each answer is in, until
  // the answer has its layer.
  WhyDialog* dialog = nullptr;
  qsizetype asked = 0;
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        const QList<WhyDialog*> answers = details.findChildren<WhyDialog*>();
        for (WhyDialog* d : answers) {
          auto* tree = d->findChild<QTreeWidget*>(QStringLiteral("reasons"));
          if (tree != nullptr && tree->topLevelItemCount() == 1) dialog = d;
        }
        if (dialog == nullptr && answers.size() == asked) {
          why->trigger();
          ++asked;
        }
        return dialog != nullptr;
      }(),
      kDeadlineMs);
  auto* summary = dialog->findChild<QLabel*>(QStringLiteral("summary"));
  QVERIFY(summary != nullptr && !summary->text().isEmpty());
  QTreeWidgetItem* layer = dialog->findChild<QTreeWidget*>(QStringLiteral("reasons"))->topLevelItem(0);
  QCOMPARE(layer->text(0), QStringLiteral("render"));
  QCOMPARE(layer->text(1), QStringLiteral("2"));  // both frames wait
  QString reasons = layer->text(5);
  for (int i = 0; i < layer->childCount(); ++i) reasons += layer->child(i)->text(0);
  QVERIFY2(reasons.contains(QStringLiteral("TAG")), qPrintable(reasons));
}

void LiveFarmTest::monitorJobsRetriesADeadFrame() {
  // Fails its first run (and is not retried: max retries 0), succeeds the next.
  const std::string flag = path("failed-once").toStdString();
  std::string id;
  const std::string job = submit(
      "dies", "[ -e " + flag + " ] || { touch " + flag + "; exit 3; }", "1", {}, &id, 0);
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-render"), QStringLiteral("DEAD"), kDeadlineMs);

  JobMonitorOptions options;
  options.refresh_ms = 60000;
  options.query.names = {job};
  JobMonitor jobs(client::Client(config_), options);
  MonitorJobsWindow window(&jobs);
  window.show();
  jobs.start();
  auto* view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  QVERIFY(view != nullptr);
  QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, kDeadlineMs);
  QCOMPARE(jobs.model()->job(0)->counts.dead, 1);
  view->selectRow(0);
  auto* retry_dead = window.findChild<QAction*>(QStringLiteral("retryDead"));
  QVERIFY(retry_dead != nullptr);
  QSignalSpy done(&jobs, &JobMonitor::actionDone);
  retry_dead->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-render"), QStringLiteral("SUCCEEDED"), kDeadlineMs);
}

void LiveFarmTest::artistSubmitsWatchesRetriesAndReadsTheLog() {
  // Frame 1 fails its first run; every run says which frame it rendered (built by the shell,
  // so the command line at the top of the log does not match).
  const std::string flag = path("frame1-failed").toStdString();
  SubmitJob submit;
  submit.user = "guitest";
  submit.name = "artist_round";
  submit.show = "testing";
  submit.shot = "sh010";
  submit.max_retries = 0;
  SubmitLayer layer;
  layer.name = "beauty";
  layer.type = SubmitLayerType::kShell;
  layer.command = "[ #IFRAME# != 1 ] || [ -e " + flag + " ] || { touch " + flag +
                  "; exit 3; }; echo rendered-$((#IFRAME#+0))";
  layer.range = "1-2";
  layer.cores = 1;
  layer.memory = "256m";
  submit.layers = {layer};
  auto names = submitJob(*client_, submit);
  QVERIFY2(names.ok(), std::string(names.status().message()).c_str());
  QCOMPARE(names->size(), size_t{1});
  const QString job_name = QString::fromStdString(names->front());

  JobMonitorOptions options;
  options.refresh_ms = 60000;
  options.query.users = {"guitest"};
  options.query.include_finished = true;  // it finishes once frame 1 renders
  JobMonitor jobs(client::Client(config_), options);
  MonitorJobsWindow window(&jobs);
  window.setDetailsFactory([this](const std::string& id) {
    auto m = std::make_unique<JobDetailsMonitor>(client::Client(config_), id, 60000);
    m->start();
    return m;
  });
  window.show();
  jobs.start();
  auto* view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  int row = -1;
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        for (int r = 0; r < view->model()->rowCount(); ++r) {
          if (view->model()->index(r, JobsModel::kName).data().toString() == job_name) row = r;
        }
        return row >= 0;
      }(),
      kDeadlineMs);
  view->selectRow(row);
  const std::string id = window.selectedJobIds().front().toStdString();

  // Pause and resume through the window, read back from cuebot.
  auto paused = [&] {
    auto v = client_->getJobsByName({names->front()});
    return v.ok() && v->size() == 1 && v->front().job.paused;
  };
  window.findChild<QAction*>(QStringLiteral("pause"))->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(paused(), kDeadlineMs);
  window.findChild<QAction*>(QStringLiteral("resume"))->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(!paused(), kDeadlineMs);

  // Frame 1 dies, frame 2 renders; Retry dead frames brings frame 1 back, and it renders.
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-beauty"), QStringLiteral("DEAD"), kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0002-beauty"), QStringLiteral("SUCCEEDED"), kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT((jobs.refresh(), jobs.model()->job(jobs.model()->rowOf(id))->counts.dead == 1),
                           kDeadlineMs);
  view->selectRow(row);
  window.findChild<QAction*>(QStringLiteral("retryDead"))->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(stateOf(id, "0001-beauty"), QStringLiteral("SUCCEEDED"), kDeadlineMs);

  // Its details, its log: the run that rendered, and the run before that failed.
  JobDetailsWindow* details = window.openDetails(QString::fromStdString(id));
  QVERIFY(details != nullptr);
  auto* frames = details->findChild<QTableView*>(QStringLiteral("frames"));
  QTRY_COMPARE_WITH_TIMEOUT(frames->model()->rowCount(), 2, kDeadlineMs);
  LogWindow* log = details->openLog(QStringLiteral("0001-beauty"));
  QVERIFY(log != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(log->follower()->finished(), kDeadlineMs);
  QVERIFY(log->follower()->text().contains(QStringLiteral("rendered-1")));
  QTRY_COMPARE_WITH_TIMEOUT(log->follower()->earlierRuns(), 1, kDeadlineMs);
  log->follower()->setAttempt(1);
  QTRY_VERIFY_WITH_TIMEOUT(log->follower()->finished() &&
                               log->follower()->text().contains(QStringLiteral("exitStatus")),
                           kDeadlineMs);
  QVERIFY(!log->follower()->text().contains(QStringLiteral("rendered-1")));
}

// After its first full read, Monitor Job Details reads only the frames changed since
// (GetUpdatedFrames): a frame's run and end show, with what the changes do not carry (its
// name, its layer) kept.
void LiveFarmTest::detailsFollowFramesThroughChangedFramesOnly() {
  const std::string go = path("go-deltas").toStdString();
  std::string id;
  submit("deltas", "while [ ! -e " + go + " ]; do sleep 0.05; done", "1-3", {}, &id);
  JobDetailsMonitor m(client::Client(config_), id, 60000);
  auto refreshed = [&] {
    const int before = m.refreshCount();
    m.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(m.refreshCount() > before, kDeadlineMs);
  };
  refreshed();
  QCOMPARE(m.frames()->rowCount(), 3);
  QCOMPARE(m.deltaRefreshes(), 0);  // the first read is whole
  auto shownStates = [&] {
    QStringList states;
    for (int r = 0; r < m.frames()->rowCount(); ++r) {
      states << m.frames()->index(r, FramesModel::kState).data().toString();
    }
    return states;
  };
  QTRY_VERIFY_WITH_TIMEOUT((refreshed(), shownStates().count(QStringLiteral("RUNNING")) == 2),
                           kDeadlineMs);  // two cores
  touch("go-deltas");
  QTRY_VERIFY_WITH_TIMEOUT((refreshed(), shownStates().count(QStringLiteral("SUCCEEDED")) == 3),
                           kDeadlineMs);
  QVERIFY(m.deltaRefreshes() >= 2);
  QVERIFY(m.connected());
  for (int r = 0; r < 3; ++r) {
    QCOMPARE(m.frames()->index(r, FramesModel::kLayer).data().toString(), QStringLiteral("render"));
    QVERIFY(m.frames()->index(r, 0).data(FramesModel::kFrameNameRole).toString().endsWith("-render"));
    QCOMPARE(m.frames()->index(r, FramesModel::kHost).data().toString(), QStringLiteral("loghost"));
  }
}

void LiveFarmTest::cleanupTestCase() {
  stopTestCuebot(rqd_);
  stopTestCuebot(cuebot_);
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::LiveFarmTest)
#include "live_farm_test.moc"
