// The Depends and Comments dialogs against a real cuebot on loopback (offscreen platform, no
// rqd: frames stay waiting), opened from Monitor Jobs' context actions as a user would. Two
// jobs: the second is made to depend on the first through the dialog (Add depend...,
// JOB_ON_JOB), the depend shows on both sides (both dialogs, and read back through the
// client), and Satisfy in the dialog releases it (read back). A comment added through the
// Comments dialog is read back, shown, then deleted once confirmed. Waits poll with a deadline.
#include <QAction>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/comments_dialog.h"
#include "gui/depends_dialog.h"
#include "gui/depends_model.h"
#include "gui/job_monitor.h"
#include "gui/jobs_model.h"
#include "gui/jobs_window.h"
#include "gui/test_cuebot.h"

namespace cue::gui {

constexpr int kDeadlineMs = 20000;

class DependsTest : public QObject {
  Q_OBJECT

 public:
  ~DependsTest() override { stopTestCuebot(cuebot_); }

 private Q_SLOTS:
  void initTestCase();
  void dependAddedAndSatisfiedThroughTheDialog();
  void commentAddedAndDeletedThroughTheDialog();
  void cleanupTestCase() { stopTestCuebot(cuebot_); }

 private:
  std::string launch(const std::string& name, QString* full_name);
  // Selects the job named `name` in `window`'s jobs table and triggers its action `action`.
  void trigger(MonitorJobsWindow& window, const QString& name, const char* action);
  int activeDepends(const std::string& job_id);

  QTemporaryDir dir_;
  QProcess cuebot_;
  client::CuebotConfig config_;
  std::unique_ptr<client::Client> client_;
  std::string first_id_, second_id_;
  QString first_name_, second_name_;
};

std::string DependsTest::launch(const std::string& name, QString* full_name) {
  auto view = launchTestJob(*client_, testJob(name, "1-2"));
  if (!view.ok()) return {};
  *full_name = QString::fromStdString(view->job.name);
  return view->job.id;
}

void DependsTest::initTestCase() {
  QVERIFY(dir_.isValid());
  int port = 0;
  startTestCuebot(cuebot_, dir_, 0, &port);
  QVERIFY(port > 0);
  config_ = testConfig(port);
  client_ = std::make_unique<client::Client>(config_);
  first_id_ = launch("first", &first_name_);
  second_id_ = launch("second", &second_name_);
  QVERIFY(!first_id_.empty() && !second_id_.empty());
}

void DependsTest::trigger(MonitorJobsWindow& window, const QString& name, const char* action) {
  auto* view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  QVERIFY(view != nullptr);
  QAbstractItemModel* model = view->model();
  int row = -1;
  for (int r = 0; r < model->rowCount(); ++r) {
    if (model->index(r, JobsModel::kName).data().toString() == name) row = r;
  }
  QVERIFY2(row >= 0, qPrintable(name));
  view->selectionModel()->select(model->index(row, 0), QItemSelectionModel::ClearAndSelect |
                                                           QItemSelectionModel::Rows);
  auto* a = window.findChild<QAction*>(QString::fromLatin1(action));
  QVERIFY(a != nullptr);
  a->trigger();
}

int DependsTest::activeDepends(const std::string& job_id) {
  auto on = client_->getWhatThisDependsOn(job_id);
  if (!on.ok()) return -1;
  int n = 0;
  for (const auto& d : *on) n += d.active ? 1 : 0;
  return n;
}

// The text of `model`'s cell (row, column) as shown.
// Monitor Jobs of the test user, shown, its first refresh asked.
struct JobsView {
  explicit JobsView(const client::CuebotConfig& config)
      : jobs(client::Client(config), options()), window(&jobs) {
    window.show();
    jobs.refresh();
  }
  static JobMonitorOptions options() {
    JobMonitorOptions o;
    o.refresh_ms = 60000;
    o.query.users = {"guitest"};
    return o;
  }
  JobMonitor jobs;
  MonitorJobsWindow window;
};

static QString cell(QAbstractItemModel* model, int row, int column) {
  return model->index(row, column).data().toString();
}

void DependsTest::dependAddedAndSatisfiedThroughTheDialog() {
  JobsView view(config_);
  MonitorJobsWindow& window = view.window;
  auto* jobs_view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  QTRY_COMPARE_WITH_TIMEOUT(jobs_view->model()->rowCount(), 2, kDeadlineMs);

  // The second job's dialog: nothing yet on either side.
  trigger(window, second_name_, "viewDepends");
  auto* second = window.findChild<DependsDialog*>();
  QVERIFY(second != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(second->monitor()->refreshCount() > 0, kDeadlineMs);
  QCOMPARE(second->monitor()->model()->rowCount(), 0);

  // Add depend...: the user picks the first job, then JOB_ON_JOB.
  QStringList asked;
  second->setChoose([&](QWidget*, const QString&, const QString&, const QStringList& items) {
    asked << items.join(QLatin1Char(','));
    if (items.contains(first_name_)) return first_name_;
    if (items.contains(QStringLiteral("JOB_ON_JOB"))) return QStringLiteral("JOB_ON_JOB");
    return QString();
  });
  second->findChild<QPushButton*>(QStringLiteral("addDepend"))->click();
  DependsModel* model = second->monitor()->model();
  QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kDeadlineMs);
  QCOMPARE(asked.size(), 2);
  QVERIFY2(!asked.front().contains(second_name_), qPrintable(asked.front()));  // not itself
  QCOMPARE(cell(model, 0, DependsModel::kDirection), QStringLiteral("Waits on"));
  QCOMPARE(cell(model, 0, DependsModel::kType), QStringLiteral("JOB_ON_JOB"));
  QCOMPARE(cell(model, 0, DependsModel::kJob), first_name_);
  QCOMPARE(cell(model, 0, DependsModel::kState), QStringLiteral("Active"));

  // Read back through the client: on both sides, the second job's frames held.
  auto on = client_->getWhatThisDependsOn(second_id_);
  QVERIFY(on.ok());
  QCOMPARE(on->size(), size_t{1});
  QVERIFY(on->front().type == core::DependType::kJobOnJob);
  QCOMPARE(QString::fromStdString(on->front().on_job), first_name_);
  QCOMPARE(QString::fromStdString(on->front().er_job), second_name_);
  QVERIFY(on->front().active);
  auto by = client_->getWhatDependsOnThis(first_id_);
  QVERIFY(by.ok());
  QCOMPARE(by->size(), size_t{1});
  QCOMPARE(by->front().id, on->front().id);
  auto frames = client_->getFrames(second_id_);
  QVERIFY(frames.ok() && frames->size() == 2);
  for (const auto& f : *frames) QVERIFY(f.state == core::FrameState::kDepend);

  // The first job's dialog shows the other side.
  trigger(window, first_name_, "viewDepends");
  DependsDialog* first = nullptr;
  for (auto* d : window.findChildren<DependsDialog*>()) first = d == second ? first : d;
  QVERIFY(first != nullptr);
  DependsModel* first_model = first->monitor()->model();
  QTRY_COMPARE_WITH_TIMEOUT(first_model->rowCount(), 1, kDeadlineMs);
  QCOMPARE(cell(first_model, 0, DependsModel::kDirection), QStringLiteral("Waited on by"));
  QCOMPARE(cell(first_model, 0, DependsModel::kJob), second_name_);
  QCOMPARE(cell(first_model, 0, DependsModel::kType), QStringLiteral("JOB_ON_JOB"));

  // Satisfy: refused first (nothing happens), then confirmed.
  second->view()->selectRow(0);
  int asked_confirm = 0;
  second->setConfirm([&](QWidget*, const QString&, const QString&) { return ++asked_confirm > 1; });
  auto* satisfy = second->findChild<QPushButton*>(QStringLiteral("satisfy"));
  satisfy->click();
  QCOMPARE(asked_confirm, 1);
  QCOMPARE(activeDepends(second_id_), 1);
  satisfy->click();
  QCOMPARE(asked_confirm, 2);
  QTRY_COMPARE_WITH_TIMEOUT(activeDepends(second_id_), 0, kDeadlineMs);
  auto shownActive = [](DependsModel* m) {
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r) n += cell(m, r, DependsModel::kState) == QStringLiteral("Active") ? 1 : 0;
    return n;
  };
  QTRY_COMPARE_WITH_TIMEOUT(shownActive(model), 0, kDeadlineMs);
  QTRY_VERIFY_WITH_TIMEOUT(!second->findChild<QLabel*>(QStringLiteral("status"))->text().isEmpty(),
                           kDeadlineMs);
  frames = client_->getFrames(second_id_);
  QVERIFY(frames.ok() && frames->size() == 2);
  for (const auto& f : *frames) QVERIFY(f.state == core::FrameState::kWaiting);
  first->close();
  second->close();
}

void DependsTest::commentAddedAndDeletedThroughTheDialog() {
  JobsView view(config_);
  MonitorJobsWindow& window = view.window;
  auto* jobs_view = window.findChild<QTableView*>(QStringLiteral("jobs"));
  QTRY_COMPARE_WITH_TIMEOUT(jobs_view->model()->rowCount(), 2, kDeadlineMs);

  trigger(window, first_name_, "comments");
  auto* dialog = window.findChild<CommentsDialog*>();
  QVERIFY(dialog != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(dialog->monitor()->refreshCount() > 0, kDeadlineMs);
  CommentsModel* model = dialog->monitor()->model();
  QCOMPARE(model->rowCount(), 0);

  dialog->setAskComment([](QWidget*) {
    return std::make_optional(
        std::make_pair(QStringLiteral("Key light"), QStringLiteral("Too hot on frame 2.\nCheck.")));
  });
  dialog->findChild<QPushButton*>(QStringLiteral("addComment"))->click();
  QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kDeadlineMs);
  QCOMPARE(cell(model, 0, CommentsModel::kSubject), QStringLiteral("Key light"));
  QVERIFY(!cell(model, 0, CommentsModel::kTime).isEmpty());

  auto comments = client_->getJobComments(first_id_);
  QVERIFY(comments.ok());
  QCOMPARE(comments->size(), size_t{1});
  QCOMPARE(comments->front().subject, std::string("Key light"));
  QCOMPARE(comments->front().message, std::string("Too hot on frame 2.\nCheck."));
  QVERIFY(comments->front().timestamp > 0);
  auto other = client_->getJobComments(second_id_);
  QVERIFY(other.ok() && other->empty());

  // Selecting it shows its message.
  dialog->view()->selectRow(0);
  QCOMPARE(dialog->findChild<QPlainTextEdit*>(QStringLiteral("message"))->toPlainText(),
           QStringLiteral("Too hot on frame 2.\nCheck."));

  int asked = 0;
  dialog->setConfirm([&](QWidget*, const QString&, const QString& text) {
    ++asked;
    return text.contains(QStringLiteral("Key light"));
  });
  dialog->findChild<QPushButton*>(QStringLiteral("deleteComment"))->click();
  QCOMPARE(asked, 1);
  QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, kDeadlineMs);
  comments = client_->getJobComments(first_id_);
  QVERIFY(comments.ok() && comments->empty());
  dialog->close();
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::DependsTest)
#include "depends_test.moc"
