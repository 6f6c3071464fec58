// CueCommander against a real cuebot and one real rqd on loopback (offscreen platform): the
// rqd's host appears with its cores; lock and unlock through the window's actions reach
// cuebot (read back with the client), as do tags, allocation and thread mode; a
// subscription's size and burst show (and are edited through the window), and its bar's
// values follow the cores a running frame holds; the selected host's procs show that frame,
// and killing or unbooking it through the window (once confirmed) reaches cuebot; the layout
// round-trips through QSettings; a cuebot that stops answering shows the banner. Waits poll
// with a deadline.
#include <unistd.h>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <memory>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/commander_monitor.h"
#include "gui/commander_window.h"
#include "gui/test_cuebot.h"

namespace cue::gui {

constexpr int kDeadlineMs = 30000;
const QString kHostName = QStringLiteral("guihost01");

class CommanderTest : public QObject {
  Q_OBJECT

 public:
  ~CommanderTest() override { stopAll(); }

 private Q_SLOTS:
  void initTestCase();
  void hostAppearsWithItsCores();
  void searchAndFiltersHideOtherHosts();
  void lockAndUnlockThroughTheWindowReachCuebot();
  void tagsAllocationAndThreadModeThroughTheWindow();
  void subscriptionSizeShowsAndTheBarFollowsUsage();
  void procsOfTheSelectedHostAndKillOnceConfirmed();
  void layoutRoundTrips();
  void bannerWhenTheCuebotIsStopped();
  void cleanupTestCase() { stopAll(); }

 private:
  void refreshAndWait(PollingMonitor* m);
  std::optional<core::Host> hostFromCuebot();
  int hostRow();  // in the "hosts" view, -1 when not shown
  template <class T>
  T* child(const char* name) {
    return window_->findChild<T*>(QString::fromLatin1(name));
  }
  void stopAll();

  QTemporaryDir dir_;
  QProcess cuebot_;
  QProcess rqd_;
  int port_ = 0;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<Commander> commander_;
  std::unique_ptr<CueCommanderWindow> window_;  // after commander_: destroyed first
  std::string job_id_;
};

void CommanderTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startTestCuebot(cuebot_, dir_, 0, &port_);
  QVERIFY(port_ > 0);

  startTestRqd(rqd_, dir_, port_, kHostName, 4);

  const client::CuebotConfig config = testConfig(port_);
  client_ = std::make_unique<client::Client>(config);
  QTRY_VERIFY2_WITH_TIMEOUT(hostFromCuebot().has_value(), "rqd did not report: see rqd.log",
                            kDeadlineMs);

  CommanderOptions options;
  options.hosts_refresh_ms = 60000;  // the tests refresh when they need to
  options.farm_refresh_ms = 60000;
  commander_ = std::make_unique<Commander>(config, options);
  window_ = std::make_unique<CueCommanderWindow>(commander_.get());
  window_->show();
  commander_->start();
  for (PollingMonitor* m : commander_->all()) {
    QTRY_VERIFY_WITH_TIMEOUT(m->refreshCount() > 0, kDeadlineMs);
    QVERIFY2(m->connected(), qPrintable(m->lastError()));
  }
}

void CommanderTest::refreshAndWait(PollingMonitor* m) {
  QTRY_VERIFY_WITH_TIMEOUT(!m->refreshing(), kDeadlineMs);
  const int before = m->refreshCount();
  m->refresh();
  QTRY_VERIFY_WITH_TIMEOUT(m->refreshCount() > before, kDeadlineMs);
}

std::optional<core::Host> CommanderTest::hostFromCuebot() {
  client::HostQuery q;
  q.names = {kHostName.toStdString()};
  auto hosts = client_->getHosts(q);
  if (!hosts.ok() || hosts->size() != 1) return std::nullopt;
  return hosts->front();
}

int CommanderTest::hostRow() {
  auto* view = child<QTableView>("hosts");
  for (int r = 0; r < view->model()->rowCount(); ++r) {
    if (view->model()->index(r, HostsModel::kName).data().toString() == kHostName) return r;
  }
  return -1;
}

void CommanderTest::hostAppearsWithItsCores() {
  refreshAndWait(commander_->hosts());
  HostsModel* model = commander_->hosts()->hosts();
  QCOMPARE(model->rowCount(), 1);
  auto cell = [&](int column) { return model->index(0, column).data().toString(); };
  QCOMPARE(cell(HostsModel::kName), kHostName);
  QCOMPARE(cell(HostsModel::kCores), QStringLiteral("4 / 4"));
  QCOMPARE(cell(HostsModel::kState), QStringLiteral("Up"));
  QCOMPARE(cell(HostsModel::kLock), QStringLiteral("Open"));
  QVERIFY(cell(HostsModel::kTags).contains(QStringLiteral("general")));
  QVERIFY(!cell(HostsModel::kAllocation).isEmpty());
  QCOMPARE(child<QLabel>("status")->text().startsWith(QStringLiteral("1 of 1 hosts")), true);
  // The allocation filter offers the farm's allocations.
  auto* allocs = child<QComboBox>("allocFilter");
  QVERIFY(allocs->findData(QStringLiteral("local.general")) > 0);
}

void CommanderTest::searchAndFiltersHideOtherHosts() {
  auto* view = child<QTableView>("hosts");
  child<QLineEdit>("hostSearch")->setText(QStringLiteral("nosuchhost"));
  QCOMPARE(view->model()->rowCount(), 0);
  child<QLineEdit>("hostSearch")->setText(QStringLiteral("HOST01"));
  QCOMPARE(view->model()->rowCount(), 1);
  auto* states = child<QComboBox>("stateFilter");
  states->setCurrentIndex(states->findText(QStringLiteral("Repair")));
  QCOMPARE(view->model()->rowCount(), 0);
  states->setCurrentIndex(0);
  QCOMPARE(view->model()->rowCount(), 1);
  child<QLineEdit>("hostSearch")->clear();
}

void CommanderTest::lockAndUnlockThroughTheWindowReachCuebot() {
  auto* view = child<QTableView>("hosts");
  const int row = hostRow();
  QVERIFY(row >= 0);
  view->selectRow(row);
  QCOMPARE(window_->selectedHostIds().size(), 1);

  child<QAction>("lockHosts")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(hostFromCuebot()->lock_state == core::LockState::kLocked, kDeadlineMs);
  // The action refreshes: the table shows it, and the row stays selected.
  QTRY_COMPARE_WITH_TIMEOUT(view->model()->index(hostRow(), HostsModel::kLock).data().toString(),
                            QStringLiteral("Locked"), kDeadlineMs);
  QCOMPARE(window_->selectedHostIds().size(), 1);

  child<QAction>("unlockHosts")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(hostFromCuebot()->lock_state == core::LockState::kOpen, kDeadlineMs);
  QTRY_COMPARE_WITH_TIMEOUT(view->model()->index(hostRow(), HostsModel::kLock).data().toString(),
                            QStringLiteral("Open"), kDeadlineMs);

  // Repair asks first; declined, nothing reaches cuebot.
  QString asked;
  window_->setConfirm([&](QWidget*, const QString&, const QString& text) {
    asked = text;
    return false;
  });
  child<QAction>("repairHosts")->trigger();
  QVERIFY(asked.contains(kHostName));
  refreshAndWait(commander_->hosts());  // runs after any call queued before it
  QVERIFY(hostFromCuebot()->state == core::HardwareState::kUp);
}

void CommanderTest::tagsAllocationAndThreadModeThroughTheWindow() {
  child<QTableView>("hosts")->selectRow(hostRow());
  auto has_tag = [&](const std::string& tag) {
    const auto tags = hostFromCuebot()->tags;
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
  };
  window_->setAskText(
      [](QWidget*, const QString&, const QString&) { return QStringLiteral("gpu, fast"); });
  child<QAction>("addTags")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(has_tag("gpu") && has_tag("fast"), kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(commander_->hosts()
                               ->hosts()
                               ->index(0, HostsModel::kTags)
                               .data()
                               .toString()
                               .contains(QStringLiteral("fast")),
                           kDeadlineMs);
  window_->setAskText(
      [](QWidget*, const QString&, const QString&) { return QStringLiteral("fast"); });
  child<QAction>("removeTags")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(!has_tag("fast") && has_tag("gpu"), kDeadlineMs);

  // The allocations offered are the farm's; the host moves and comes back.
  const std::string home = hostFromCuebot()->alloc_name;
  QStringList offered;
  window_->setChoose([&](QWidget*, const QString&, const QString&, const QStringList& items) {
    offered = items;
    return QStringLiteral("local.desktop");
  });
  child<QAction>("setAllocation")->trigger();
  QVERIFY(offered.contains(QStringLiteral("local.general")));
  QTRY_COMPARE_WITH_TIMEOUT(hostFromCuebot()->alloc_name, std::string("local.desktop"),
                            kDeadlineMs);
  window_->setChoose([&](QWidget*, const QString&, const QString&, const QStringList&) {
    return QString::fromStdString(home);
  });
  child<QAction>("setAllocation")->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(hostFromCuebot()->alloc_name, home, kDeadlineMs);

  window_->setChoose([](QWidget*, const QString&, const QString&, const QStringList& items) {
    return items.contains(QStringLiteral("All")) ? QStringLiteral("All") : QString();
  });
  child<QAction>("threadMode")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(hostFromCuebot()->thread_mode == core::ThreadMode::kAll, kDeadlineMs);
  window_->setChoose([](QWidget*, const QString&, const QString&, const QStringList&) {
    return QStringLiteral("Auto");
  });
  child<QAction>("threadMode")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(hostFromCuebot()->thread_mode == core::ThreadMode::kAuto, kDeadlineMs);
}

void CommanderTest::subscriptionSizeShowsAndTheBarFollowsUsage() {
  auto sub = client_->findSubscription("local.general.testing");
  QVERIFY2(sub.ok(), std::string(sub.status().message()).c_str());
  QVERIFY(client_->setSubscriptionSize(sub->sub.id, 300).ok());
  QVERIFY(client_->setSubscriptionBurst(sub->sub.id, 600).ok());

  // A frame of one core that runs for a while on the rqd.
  client::JobBuild job;
  job.name = "admin";
  job.show = "testing";
  job.shot = "gui";
  job.user = "guitest";
  job.uid = ::geteuid() == 0 ? 1000 : static_cast<int>(::geteuid());
  client::LayerBuild layer;
  layer.name = "sleep";
  layer.command = "sleep 300";
  layer.range = "1";
  layer.cores = 1;
  job.layers.push_back(layer);
  auto xml = client::buildSpecXml(job);
  QVERIFY(xml.ok());
  auto names = client_->launchSpec(*xml);
  QVERIFY2(names.ok(), std::string(names.status().message()).c_str());
  auto views = client_->getJobsByName(*names);
  QVERIFY(views.ok() && views->size() == 1);
  job_id_ = views->front().job.id;

  SubscriptionMonitor* monitor = commander_->subscriptions();
  SubscriptionsModel* model = monitor->model();
  const int row = [&] {
    for (int r = 0; r < model->rowCount(); ++r) {
      if (model->index(r, SubscriptionsModel::kShow).data().toString() == "testing" &&
          model->index(r, SubscriptionsModel::kAllocation).data().toString() == "local.general") {
        return r;
      }
    }
    return -1;
  }();
  QVERIFY(row >= 0);
  auto bar = [&] {
    return model->index(model->rowOf(sub->sub.id), SubscriptionsModel::kUsage)
        .data(kItemBarRole)
        .toList();
  };
  // Once the frame runs: 1 core used of 3 (size), 6 at most (burst), in core units.
  QTRY_VERIFY_WITH_TIMEOUT((refreshAndWait(monitor), bar() == QVariantList({100, 300, 600})),
                           kDeadlineMs);
  const int r = model->rowOf(sub->sub.id);
  QCOMPARE(model->index(r, SubscriptionsModel::kSize).data().toString(), QStringLiteral("3"));
  QCOMPARE(model->index(r, SubscriptionsModel::kBurst).data().toString(), QStringLiteral("6"));
  QCOMPARE(model->index(r, SubscriptionsModel::kUsed).data().toString(), QStringLiteral("1"));
  // The tab shows it through the bar delegate's column.
  window_->findChild<QTabWidget*>(QStringLiteral("tabs"))
      ->setCurrentIndex(CueCommanderWindow::kSubscriptionsTab);
  QVERIFY(child<QLabel>("status")->text().contains(QStringLiteral("subscriptions")));
  QVERIFY(child<QTableView>("subscriptions")->itemDelegateForColumn(SubscriptionsModel::kUsage));

  // Size and burst edited through the window reach cuebot, and the bar follows.
  auto* view = child<QTableView>("subscriptions");
  for (int i = 0; i < view->model()->rowCount(); ++i) {
    if (view->model()->index(i, 0).data(kItemIdRole).toString().toStdString() == sub->sub.id) {
      view->selectRow(i);
    }
  }
  QCOMPARE(window_->selectedSubscriptionIds().size(), 1);
  window_->setAskNumber([](QWidget*, const NumberQuestion&) { return std::optional<double>(5); });
  child<QAction>("subscriptionSize")->trigger();
  window_->setAskNumber([](QWidget*, const NumberQuestion&) { return std::optional<double>(7.5); });
  child<QAction>("subscriptionBurst")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(client_->findSubscription("local.general.testing")->sub.burst == 750,
                           kDeadlineMs);
  QCOMPARE(client_->findSubscription("local.general.testing")->sub.size, 500);
  QTRY_VERIFY_WITH_TIMEOUT(bar() == QVariantList({100, 500, 750}), kDeadlineMs);
  window_->findChild<QTabWidget*>(QStringLiteral("tabs"))
      ->setCurrentIndex(CueCommanderWindow::kHostsTab);
}

void CommanderTest::procsOfTheSelectedHostAndKillOnceConfirmed() {
  auto* hosts = child<QTableView>("hosts");
  hosts->setCurrentIndex(hosts->model()->index(hostRow(), 0));
  QCOMPARE(commander_->hosts()->procHost(), kHostName);
  ProcsModel* procs = commander_->hosts()->procs();
  QTRY_VERIFY_WITH_TIMEOUT((refreshAndWait(commander_->hosts()), procs->rowCount() == 1),
                           kDeadlineMs);
  QCOMPARE(procs->index(0, ProcsModel::kJob).data().toString(),
           QStringLiteral("testing-gui-guitest_admin"));
  QCOMPARE(procs->index(0, ProcsModel::kLayer).data().toString(), QStringLiteral("sleep"));
  QCOMPARE(procs->index(0, ProcsModel::kCores).data().toString(), QStringLiteral("1"));
  // The host's idle cores count the frame.
  QCOMPARE(hosts->model()->index(hostRow(), HostsModel::kCores).data().toString(),
           QStringLiteral("3 / 4"));

  const QString proc_id = procs->index(0, 0).data(kItemIdRole).toString();
  auto* view = child<QTableView>("procs");
  view->selectRow(0);
  QCOMPARE(window_->selectedProcIds(), QStringList{proc_id});
  window_->setConfirm([](QWidget*, const QString&, const QString&) { return false; });
  child<QAction>("killProcs")->trigger();
  refreshAndWait(commander_->hosts());
  client::ProcQuery q;
  q.hosts = {kHostName.toStdString()};
  auto running = client_->getProcs(q);
  QVERIFY(running.ok() && running->size() == 1 &&
          running->front().proc.id == proc_id.toStdString());

  window_->setConfirm([](QWidget*, const QString&, const QString&) { return true; });
  child<QAction>("killProcs")->trigger();
  // The frame was killed: its proc is gone (a retry books a new one).
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        auto now = client_->getProcs(q);
        if (!now.ok()) return false;
        for (const auto& p : *now) {
          if (p.proc.id == proc_id.toStdString()) return false;
        }
        return true;
      }(),
      kDeadlineMs);

  // The retry runs on a new proc; unbooking it (once confirmed) marks it to leave its job.
  QTRY_VERIFY_WITH_TIMEOUT(
      (refreshAndWait(commander_->hosts()),
       procs->rowCount() == 1 && procs->index(0, 0).data(kItemIdRole) != proc_id),
      kDeadlineMs);
  view->selectRow(0);
  child<QAction>("unbookProcs")->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        auto now = client_->getProcs(q);
        return now.ok() && (now->empty() || now->front().proc.unbooked);
      }(),
      kDeadlineMs);
  QVERIFY(client_->killJob(job_id_, "test over").ok());
}

void CommanderTest::layoutRoundTrips() {
  QSettings settings(dir_.filePath(QStringLiteral("cuegui.ini")), QSettings::IniFormat);
  auto* tabs = window_->findChild<QTabWidget*>(QStringLiteral("tabs"));
  tabs->setCurrentIndex(CueCommanderWindow::kShowsTab);
  child<QTableView>("hosts")->horizontalHeader()->setSectionHidden(HostsModel::kTags, true);
  child<QTableView>("limits")->setColumnWidth(LimitsModel::kName, 234);
  window_->saveLayout(settings);
  settings.sync();
  QVERIFY(settings.contains(QStringLiteral("cueCommander/tab")));
  child<QTableView>("hosts")->horizontalHeader()->setSectionHidden(HostsModel::kTags, false);
  tabs->setCurrentIndex(CueCommanderWindow::kHostsTab);

  CueCommanderWindow other(commander_.get());
  other.restoreLayout(settings);
  QCOMPARE(other.findChild<QTabWidget*>(QStringLiteral("tabs"))->currentIndex(),
           int(CueCommanderWindow::kShowsTab));
  QVERIFY(other.findChild<QTableView*>(QStringLiteral("hosts"))
              ->horizontalHeader()
              ->isSectionHidden(HostsModel::kTags));
  QCOMPARE(other.findChild<QTableView*>(QStringLiteral("limits"))->columnWidth(LimitsModel::kName),
           234);
}

void CommanderTest::bannerWhenTheCuebotIsStopped() {
  auto* banner = child<QLabel>("banner");
  QVERIFY(banner != nullptr && !banner->isVisible());
  const int hosts_shown = commander_->hosts()->hosts()->rowCount();
  stopTestCuebot(cuebot_);
  refreshAndWait(commander_->hosts());
  QVERIFY(!commander_->hosts()->connected());
  QVERIFY(banner->isVisible());
  QVERIFY(banner->text().contains(commander_->hosts()->lastError()));
  QCOMPARE(commander_->hosts()->hosts()->rowCount(), hosts_shown);  // the last hosts stay
  QVERIFY(child<QLabel>("status")->text().contains(QStringLiteral("no answer")));
}

void CommanderTest::stopAll() {
  window_.reset();
  commander_.reset();
  if (rqd_.state() != QProcess::NotRunning) {
    rqd_.terminate();
    if (!rqd_.waitForFinished(10000)) {
      rqd_.kill();
      rqd_.waitForFinished();
    }
  }
  stopTestCuebot(cuebot_);
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::CommanderTest)
#include "commander_test.moc"
