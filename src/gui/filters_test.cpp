// CueCommander's filters editor against a real cuebot on loopback (offscreen): opened from
// the Shows tab, a filter made through its buttons (a matcher on the job name, an action
// setting the priority) is read back through the client and then acts: a job whose name
// matches launches with that priority, others do not; disabled it no longer acts; deleting it
// asks first.
#include <QProcess>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/commander_monitor.h"
#include "gui/commander_window.h"
#include "gui/filter_monitor.h"
#include "gui/filters_dialog.h"
#include "gui/test_cuebot.h"

namespace cue::gui {

constexpr int kDeadlineMs = 20000;

class FiltersTest : public QObject {
  Q_OBJECT

 public:
  ~FiltersTest() override { stopTestCuebot(cuebot_); }

 private Q_SLOTS:
  void initTestCase();
  void aFilterMadeInTheEditorActsOnLaunchedJobs();
  void cleanupTestCase() { stopTestCuebot(cuebot_); }

 private:
  // Launches a one-frame job named `name` in show testing; returns its priority.
  int launchedPriority(const std::string& name);
  void click(FiltersDialog& d, const char* name) {
    auto* b = d.findChild<QPushButton*>(QString::fromLatin1(name));
    QVERIFY(b != nullptr);
    b->click();
  }

  QTemporaryDir dir_;
  QProcess cuebot_;
  int port_ = 0;
  client::CuebotConfig config_;
  std::unique_ptr<client::Client> client_;
};

void FiltersTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startTestCuebot(cuebot_, dir_, 0, &port_);
  QVERIFY(port_ > 0);
  config_ = testConfig(port_);
  client_ = std::make_unique<client::Client>(config_);
}

int FiltersTest::launchedPriority(const std::string& name) {
  client::JobBuild job = testJob(name, "1");
  job.paused = true;
  auto view = launchTestJob(*client_, job);
  return view.ok() ? view->job.priority : -1;
}

void FiltersTest::aFilterMadeInTheEditorActsOnLaunchedJobs() {
  CommanderOptions options;
  Commander commander(config_, options);
  CueCommanderWindow window(&commander);
  commander.start();
  QTRY_VERIFY_WITH_TIMEOUT(commander.shows()->model()->rowCount() > 0, kDeadlineMs);
  QVERIFY(window.openFilters(QStringLiteral("no-such-show")) == nullptr);
  FiltersDialog* d = window.openFilters(QStringLiteral("testing"));
  QVERIFY(d != nullptr);
  auto* filters = d->findChild<QTableWidget*>(QStringLiteral("filters"));
  auto* matchers = d->findChild<QTableWidget*>(QStringLiteral("matchers"));
  auto* actions = d->findChild<QTableWidget*>(QStringLiteral("actions"));
  QVERIFY(filters != nullptr && matchers != nullptr && actions != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(d->monitor()->refreshCount() > 0, kDeadlineMs);
  const int before = filters->rowCount();

  d->setAskText([](QWidget*, const QString&, const QString& label) {
    return label.startsWith(QStringLiteral("JOB_NAME")) ? QStringLiteral("urgent")
                                                         : QStringLiteral("urgent jobs first");
  });
  click(*d, "addFilter");
  QTRY_COMPARE_WITH_TIMEOUT(filters->rowCount(), before + 1, kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(d->selectFilter(QStringLiteral("urgent jobs first")), kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(!d->monitor()->selected().empty(), kDeadlineMs);

  d->setChoose([](QWidget*, const QString&, const QString&, const QStringList& items) {
    if (items == matchSubjectNames()) return QStringLiteral("JOB_NAME");
    if (items == matchTypeNames()) return QStringLiteral("CONTAINS");
    if (items == actionTypeNames()) return QStringLiteral("SET_JOB_PRIORITY");
    return QString();
  });
  d->setAskNumber([](QWidget*, const NumberQuestion&) { return std::optional<double>(77); });
  click(*d, "addMatcher");
  QTRY_COMPARE_WITH_TIMEOUT(matchers->rowCount(), 1, kDeadlineMs);
  click(*d, "addAction");
  QTRY_COMPARE_WITH_TIMEOUT(actions->rowCount(), 1, kDeadlineMs);
  QCOMPARE(matchers->item(0, 0)->text(), QStringLiteral("JOB_NAME"));
  QCOMPARE(matchers->item(0, 1)->text(), QStringLiteral("CONTAINS"));
  QCOMPARE(matchers->item(0, 2)->text(), QStringLiteral("urgent"));
  QCOMPARE(actions->item(0, 0)->text(), QStringLiteral("SET_JOB_PRIORITY"));
  QCOMPARE(actions->item(0, 1)->text(), QStringLiteral("77"));

  // Read back from cuebot.
  auto show = client_->findShow("testing");
  QVERIFY(show.ok());
  auto all = client_->getFilters(show->show.id);
  QVERIFY(all.ok());
  std::string id;
  for (const auto& f : *all) {
    if (f.name == "urgent jobs first") id = f.id;
  }
  QVERIFY(!id.empty());
  auto back = client_->getActions(id);
  QVERIFY(back.ok() && back->size() == 1);
  QCOMPARE(back->front().integer_value, int64_t{77});

  // It acts at launch, on the jobs it matches only.
  QCOMPARE(launchedPriority("urgent_comp"), 77);
  QVERIFY(launchedPriority("calm_comp") != 77);

  // Disabled, it no longer acts.
  click(*d, "toggleEnabled");
  QTRY_COMPARE_WITH_TIMEOUT(filters->item(filters->currentRow(), 2)->text(), QStringLiteral("no"),
                            kDeadlineMs);
  QVERIFY(launchedPriority("urgent_two") != 77);

  // Deleting asks first.
  int asked = 0;
  d->setConfirm([&](QWidget*, const QString&, const QString& text) {
    ++asked;
    return text.contains(QStringLiteral("urgent jobs first")) && asked > 1;
  });
  click(*d, "deleteFilter");
  QCOMPARE(asked, 1);
  click(*d, "deleteFilter");
  QTRY_COMPARE_WITH_TIMEOUT(filters->rowCount(), before, kDeadlineMs);
  QVERIFY(client_->getFilters(show->show.id)->size() == static_cast<size_t>(before));
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::FiltersTest)
#include "filters_test.moc"
