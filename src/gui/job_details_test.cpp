// Monitor Job Details against a real cuebot on loopback (offscreen platform), started as
// jobs_monitor_test.cpp starts it. A job of two layers (no rqd: its frames stay waiting)
// shows its layers with their counts and its frames with their state; eat and kill through
// the monitor reach cuebot (read back through the client); double-clicking the job in Monitor
// Jobs opens its details window, whose Eat acts on the selected frame only once confirmed.
// Waits poll with a deadline.
#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/test_cuebot.h"
#include "gui/details_model.h"
#include "gui/job_details_monitor.h"
#include "gui/job_details_window.h"
#include "gui/job_monitor.h"
#include "gui/jobs_model.h"
#include "gui/jobs_window.h"

namespace cue::gui {

constexpr int kDeadlineMs = 20000;

class JobDetailsTest : public QObject {
  Q_OBJECT

 public:
  ~JobDetailsTest() override { stopCuebot(); }

 private Q_SLOTS:
  void initTestCase();
  void showsLayersAndFrames();
  void eatAndKillThroughTheMonitor();
  void doubleClickOpensDetailsWhoseEatIsConfirmed();
  void layerMenuReordersAndStaggersTheLayer();
  void cleanupTestCase();

 private:
  QString stateOf(const std::string& frame_name);
  void refreshAndWait(JobDetailsMonitor& m);
  void startCuebot();
  void stopCuebot();

  QTemporaryDir dir_;
  QProcess cuebot_;
  int port_ = 0;
  client::CuebotConfig config_;
  std::unique_ptr<client::Client> client_;
  std::string job_id_;
};

void JobDetailsTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startCuebot();
  QVERIFY(port_ > 0);
  config_ = testConfig(port_);
  client_ = std::make_unique<client::Client>(config_);

  client::JobBuild job = testJob("details", "1-3");
  client::LayerBuild comp = job.layers.front();
  comp.name = "comp";
  comp.range = "1-2";
  job.layers.push_back(comp);
  auto view = launchTestJob(*client_, job);
  QVERIFY2(view.ok(), std::string(view.status().message()).c_str());
  job_id_ = view->job.id;
}

// The frame's state as cuebot has it now ("WAITING"), or "none".
QString JobDetailsTest::stateOf(const std::string& frame_name) {
  client::FrameQuery q;
  q.names = {frame_name};
  auto frames = client_->getFrames(job_id_, q);
  if (!frames.ok() || frames->size() != 1) return QStringLiteral("none");
  return frameStateName(frames->front().state);
}

void JobDetailsTest::refreshAndWait(JobDetailsMonitor& m) {
  QTRY_VERIFY_WITH_TIMEOUT(!m.refreshing(), kDeadlineMs);
  const int before = m.refreshCount();
  m.refresh();
  QTRY_VERIFY_WITH_TIMEOUT(m.refreshCount() > before, kDeadlineMs);
}

void JobDetailsTest::showsLayersAndFrames() {
  JobDetailsMonitor m(client::Client(config_), job_id_, 60000);
  QCOMPARE(m.refreshInterval(), 60000);
  refreshAndWait(m);
  QVERIFY2(m.connected(), qPrintable(m.lastError()));

  LayersModel* layers = m.layers();
  QCOMPARE(layers->rowCount(), 2);
  const int render = layers->index(0, 0).data().toString() == "render" ? 0 : 1;
  QCOMPARE(layers->index(render, LayersModel::kName).data().toString(), QStringLiteral("render"));
  QCOMPARE(layers->index(1 - render, LayersModel::kName).data().toString(), QStringLiteral("comp"));
  QCOMPARE(layers->index(render, LayersModel::kDoneTotal).data().toString(),
           QStringLiteral("0 of 3"));
  QCOMPARE(layers->index(1 - render, LayersModel::kDoneTotal).data().toString(),
           QStringLiteral("0 of 2"));
  QCOMPARE(layers->index(render, LayersModel::kWaiting).data().toInt(), 3);
  QCOMPARE(layers->index(render, LayersModel::kRunning).data().toInt(), 0);
  QVERIFY(!layers->index(render, LayersModel::kCores).data().toString().isEmpty());
  QVERIFY(!layers->index(render, LayersModel::kServices).data().toString().isEmpty());

  FramesModel* frames = m.frames();
  QCOMPARE(frames->rowCount(), 5);
  int render_frames = 0;
  for (int r = 0; r < frames->rowCount(); ++r) {
    QCOMPARE(frames->index(r, FramesModel::kState).data().toString(), QStringLiteral("WAITING"));
    QCOMPARE(frames->index(r, FramesModel::kHost).data().toString(), QString());
    QCOMPARE(frames->index(r, FramesModel::kRetries).data().toInt(), 0);
    if (frames->index(r, FramesModel::kLayer).data().toString() == "render") ++render_frames;
  }
  QCOMPARE(render_frames, 3);
  const core::Frame* f = frames->frame(frames->rowOf(frames->frame(0)->id));
  QVERIFY(f != nullptr && !f->name.empty());

  // A second refresh changes rows in place: nothing removed or inserted.
  QSignalSpy removed(frames, &QAbstractItemModel::rowsRemoved);
  QSignalSpy inserted(frames, &QAbstractItemModel::rowsInserted);
  refreshAndWait(m);
  QCOMPARE(removed.count(), 0);
  QCOMPARE(inserted.count(), 0);
}

void JobDetailsTest::eatAndKillThroughTheMonitor() {
  JobDetailsMonitor m(client::Client(config_), job_id_, 60000);
  refreshAndWait(m);
  QSignalSpy done(&m, &JobDetailsMonitor::actionDone);
  QSignalSpy failed(&m, &JobDetailsMonitor::actionFailed);

  m.eatFrames({QStringLiteral("0001-comp")});
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kDeadlineMs);
  QCOMPARE(stateOf("0001-comp"), QStringLiteral("EATEN"));
  // The action's refresh shows it.
  const FramesModel* frames = m.frames();
  auto shownState = [&](const char* name) {
    for (int r = 0; r < frames->rowCount(); ++r) {
      if (frames->index(r, 0).data(FramesModel::kFrameNameRole).toString() == name) {
        return frames->index(r, FramesModel::kState).data().toString();
      }
    }
    return QString();
  };
  QTRY_COMPARE_WITH_TIMEOUT(shownState("0001-comp"), QStringLiteral("EATEN"), kDeadlineMs);

  // Kill reaches cuebot; a frame that is not running stays as it was.
  m.killFrames({QStringLiteral("0002-comp")}, QStringLiteral("gui test"));
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, kDeadlineMs);
  QCOMPARE(failed.count(), 0);
  QCOMPARE(stateOf("0002-comp"), QStringLiteral("WAITING"));

  // Retry brings the eaten frame back to waiting.
  m.retryFrames({QStringLiteral("0001-comp")});
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, kDeadlineMs);
  QCOMPARE(stateOf("0001-comp"), QStringLiteral("WAITING"));
  QTRY_COMPARE_WITH_TIMEOUT(shownState("0001-comp"), QStringLiteral("WAITING"), kDeadlineMs);
  QCOMPARE(failed.count(), 0);
}

void JobDetailsTest::doubleClickOpensDetailsWhoseEatIsConfirmed() {
  JobMonitorOptions options;
  options.refresh_ms = 60000;
  options.query.users = {"guitest"};
  JobMonitor jobs(client::Client(config_), options);
  MonitorJobsWindow window(&jobs);
  window.setDetailsFactory([this](const std::string& id) {
    auto m = std::make_unique<JobDetailsMonitor>(client::Client(config_), id, 60000);
    m->start();
    return m;
  });
  window.show();
  jobs.refresh();
  auto* jobs_view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  QVERIFY(jobs_view != nullptr);
  QTRY_COMPARE_WITH_TIMEOUT(jobs_view->model()->rowCount(), 1, kDeadlineMs);

  Q_EMIT jobs_view->doubleClicked(jobs_view->model()->index(0, JobsModel::kName));
  auto* details = window.findChild<JobDetailsWindow*>();
  QVERIFY(details != nullptr);
  QVERIFY(details->isVisible());
  QVERIFY(details->windowTitle().contains(QStringLiteral("details")));
  QCOMPARE(window.openDetails(QString::fromStdString(job_id_)), details);  // raised, not twice

  auto* layers_view = details->findChild<QTableView*>(QStringLiteral("layers"));
  auto* frames_view = details->findChild<QTableView*>(QStringLiteral("frames"));
  QVERIFY(layers_view != nullptr && frames_view != nullptr);
  QTRY_COMPARE_WITH_TIMEOUT(frames_view->model()->rowCount(), 5, kDeadlineMs);
  QCOMPARE(layers_view->model()->rowCount(), 2);

  int row = -1;
  for (int r = 0; r < frames_view->model()->rowCount(); ++r) {
    if (frames_view->model()->index(r, 0).data(FramesModel::kFrameNameRole).toString() ==
        "0003-render") {
      row = r;
    }
  }
  QVERIFY(row >= 0);
  frames_view->selectRow(row);
  QCOMPARE(details->selectedFrameNames(), QStringList{QStringLiteral("0003-render")});

  auto* eat = details->findChild<QAction*>(QStringLiteral("eat"));
  QVERIFY(eat != nullptr);
  int asked = 0;
  details->setConfirm([&](QWidget*, const QString&, const QString& text) {
    ++asked;
    return !text.isEmpty() && asked > 1;  // declines first, then agrees
  });
  QSignalSpy done(details->monitor(), &JobDetailsMonitor::actionDone);
  eat->trigger();
  QCOMPARE(asked, 1);
  QCOMPARE(stateOf("0003-render"), QStringLiteral("WAITING"));  // declined: nothing sent
  eat->trigger();
  QCOMPARE(asked, 2);
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kDeadlineMs);
  QCOMPARE(stateOf("0003-render"), QStringLiteral("EATEN"));
  // The selection follows the frame across the action's refresh.
  QTRY_COMPARE_WITH_TIMEOUT(frames_view->selectionModel()
                                ->selectedRows()
                                .value(0)
                                .siblingAtColumn(FramesModel::kState)
                                .data()
                                .toString(),
                            QStringLiteral("EATEN"), kDeadlineMs);
  QCOMPARE(details->selectedFrameNames(), QStringList{QStringLiteral("0003-render")});
}

// Reorder (Reverse) and Stagger through the layers' context menu actions reach cuebot: the
// render layer's frames come back in the new dispatch order; a cancelled question sends nothing.
void JobDetailsTest::layerMenuReordersAndStaggersTheLayer() {
  auto monitor = std::make_unique<JobDetailsMonitor>(client::Client(config_), job_id_, 60000);
  JobDetailsMonitor* m = monitor.get();
  JobDetailsWindow details(std::move(monitor), QStringLiteral("details"));
  m->start();
  auto* layers = details.findChild<QTableView*>(QStringLiteral("layers"));
  QTRY_COMPARE_WITH_TIMEOUT(layers->model()->rowCount(), 2, kDeadlineMs);
  for (int r = 0; r < 2; ++r) {
    if (layers->model()->index(r, LayersModel::kName).data().toString() == "render") layers->selectRow(r);
  }
  QCOMPARE(details.selectedLayerNames(), QStringList{QStringLiteral("render")});
  auto renderOrder = [&] {
    client::FrameQuery q;
    q.layers = {"render"};
    auto frames = client_->getFrames(job_id_, q);
    QStringList names;
    if (frames.ok()) {
      for (const auto& f : *frames) names << QString::fromStdString(f.name);
    }
    return names;
  };
  QSignalSpy done(m, &JobDetailsMonitor::actionDone);
  QSignalSpy failed(m, &JobDetailsMonitor::actionFailed);

  QStringList offered;
  details.setChoose([&](QWidget*, const QString&, const QString&, const QStringList& items) {
    offered = items;
    return QStringLiteral("Reverse");
  });
  details.findChild<QAction*>(QStringLiteral("reorderLayer"))->trigger();
  QCOMPARE(offered, (QStringList{"First", "Last", "Reverse"}));
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kDeadlineMs);
  QCOMPARE(renderOrder(), (QStringList{"0003-render", "0002-render", "0001-render"}));

  details.setAskNumber([](QWidget*, const NumberQuestion&) { return std::optional<double>(); });
  details.findChild<QAction*>(QStringLiteral("staggerLayer"))->trigger();  // cancelled
  details.setAskNumber([](QWidget*, const NumberQuestion& q) {
    return std::optional<double>(q.value);  // the default step, 2
  });
  details.findChild<QAction*>(QStringLiteral("staggerLayer"))->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, kDeadlineMs);
  QCOMPARE(failed.count(), 0);
  QVERIFY(done.back().at(0).toString().contains(QStringLiteral("by 2")));
  QCOMPARE(renderOrder().size(), 3);
}

void JobDetailsTest::cleanupTestCase() { stopCuebot(); }

void JobDetailsTest::startCuebot() {
  startTestCuebot(cuebot_, dir_, 0, &port_);
}

void JobDetailsTest::stopCuebot() { stopTestCuebot(cuebot_); }

}  // namespace cue::gui

QTEST_MAIN(cue::gui::JobDetailsTest)
#include "job_details_test.moc"
