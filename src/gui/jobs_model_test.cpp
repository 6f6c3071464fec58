// JobsModel and JobsFilter without a cuebot: the merge by job id (rows change in place,
// gone ones are removed, new ones appended; persistent indexes follow their job), the
// columns' text and sort values, the display state's order of precedence, and formatting.
#include "gui/jobs_model.h"

#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QtTest>
#include <string>
#include <vector>

namespace cue::gui {

namespace {

core::JobView jobView(const std::string& id, int total, int succeeded = 0) {
  core::JobView v;
  v.job.id = id;
  v.job.name = "show-shot-user_" + id;
  v.job.start_time = 1000;
  v.counts.total = total;
  v.counts.succeeded = succeeded;
  v.counts.waiting = total - succeeded;
  return v;
}

QStringList ids(const JobsModel& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) {
    out << m.index(r, 0).data(JobsModel::kJobIdRole).toString();
  }
  return out;
}

}  // namespace

class JobsModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void mergesByIdKeepingPersistentIndexes();
  void columnsShowCountsAgeAndMemory();
  void onlyChangedJobsAndTheAgeColumnAreSignalled();
  void displayStatePrecedence();
  void filterMatchesSubstringOrRegex();
};

void JobsModelTest::mergesByIdKeepingPersistentIndexes() {
  JobsModel m;
  m.setJobs({jobView("a", 1), jobView("b", 2), jobView("c", 3), jobView("d", 4)}, 1000);
  QCOMPARE(ids(m), (QStringList{"a", "b", "c", "d"}));
  QPersistentModelIndex d(m.index(3, JobsModel::kName));
  QPersistentModelIndex b(m.index(1, JobsModel::kName));

  QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
  QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
  // b and c gone (one contiguous run), d updated, e new; the order given does not matter.
  m.setJobs({jobView("e", 5), jobView("d", 4, 3), jobView("a", 1)}, 1000);
  QCOMPARE(ids(m), (QStringList{"a", "d", "e"}));
  QCOMPARE(removed.count(), 1);
  QCOMPARE(inserted.count(), 1);
  QVERIFY(!b.isValid());
  QVERIFY(d.isValid());
  QCOMPARE(d.row(), 1);
  QCOMPARE(m.index(d.row(), JobsModel::kDoneTotal).data().toString(), QStringLiteral("3 of 4"));
  QCOMPARE(m.rowOf("e"), 2);
  QCOMPARE(m.rowOf("b"), -1);

  m.setJobs({}, 1000);
  QCOMPARE(m.rowCount(), 0);
  QVERIFY(!d.isValid());
}

void JobsModelTest::columnsShowCountsAgeAndMemory() {
  JobsModel m;
  core::JobView v = jobView("a", 10, 4);
  v.counts.running = 2;
  v.counts.dead = 1;
  v.counts.waiting = 3;
  v.counts.max_rss = 3 * 1024 * 1024 + 512 * 1024;  // 3.5 GB in KB
  m.setJobs({v}, 1000 + 26 * 3600 + 5 * 60 + 59);
  auto cell = [&](int c) { return m.index(0, c).data().toString(); };
  QCOMPARE(cell(JobsModel::kDoneTotal), QStringLiteral("4 of 10"));
  QCOMPARE(cell(JobsModel::kRunning), QStringLiteral("2"));
  QCOMPARE(cell(JobsModel::kDead), QStringLiteral("1"));
  QCOMPARE(cell(JobsModel::kWaiting), QStringLiteral("3"));
  QCOMPARE(cell(JobsModel::kMaxRss), QStringLiteral("3.5G"));
  QCOMPARE(cell(JobsModel::kAge), QStringLiteral("26:05"));
  QCOMPARE(m.index(0, JobsModel::kMaxRss).data(JobsModel::kSortRole).toLongLong(),
           qlonglong{v.counts.max_rss});
  QCOMPARE(m.headerData(JobsModel::kDoneTotal, Qt::Horizontal).toString(),
           QStringLiteral("Done/Total"));

  QCOMPARE(formatMemoryKb(0), QStringLiteral("0"));
  QCOMPARE(formatMemoryKb(900), QStringLiteral("900K"));
  QCOMPARE(formatMemoryKb(900 * 1024), QStringLiteral("900M"));
  QCOMPARE(formatAge(-5), QStringLiteral("00:00"));  // a skewed clock shows no negative age
}

void JobsModelTest::onlyChangedJobsAndTheAgeColumnAreSignalled() {
  std::vector<core::JobView> jobs;
  for (int i = 0; i < 100; ++i) jobs.push_back(jobView("j" + std::to_string(i), 10));
  JobsModel m;
  m.setJobs(jobs, 6000);
  QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
  m.setJobs(jobs, 6000);  // nothing changed, not even the time
  QCOMPARE(changed.count(), 0);

  jobs[50].counts.running = 1;
  jobs[50].counts.waiting = 9;
  m.setJobs(jobs, 6000);
  QCOMPARE(changed.count(), 1);
  QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 50);
  QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 50);
  QCOMPARE(m.index(50, JobsModel::kRunning).data().toInt(), 1);

  changed.clear();
  m.setJobs(jobs, 6010);  // time moved: the Age column of every row, nothing else
  QCOMPARE(changed.count(), 1);
  QCOMPARE(changed.at(0).at(0).toModelIndex(), m.index(0, JobsModel::kAge));
  QCOMPARE(changed.at(0).at(1).toModelIndex(), m.index(99, JobsModel::kAge));
}

void JobsModelTest::displayStatePrecedence() {
  core::JobView v = jobView("a", 10);
  QCOMPARE(jobDisplayState(v), DisplayState::kWaiting);
  v.counts.waiting = 0;
  v.counts.depend = 10;
  QCOMPARE(jobDisplayState(v), DisplayState::kDepend);
  v.counts.running = 1;
  QCOMPARE(jobDisplayState(v), DisplayState::kRunning);
  v.counts.dead = 1;
  QCOMPARE(jobDisplayState(v), DisplayState::kDead);
  v.job.paused = true;
  QCOMPARE(jobDisplayState(v), DisplayState::kPaused);
  v.job.state = core::JobState::kFinished;
  QCOMPARE(jobDisplayState(v), DisplayState::kSucceeded);
  QCOMPARE(jobStateName(DisplayState::kDead), QStringLiteral("Failing"));
}

void JobsModelTest::filterMatchesSubstringOrRegex() {
  JobsModel m;
  m.setJobs({jobView("comp_v1", 1), jobView("comp_v2", 1), jobView("fx.sim", 1)}, 1000);
  JobsFilter f;
  f.setSourceModel(&m);
  QVERIFY(f.setSearch(QStringLiteral("COMP"), false));
  QCOMPARE(f.rowCount(), 2);
  QVERIFY(f.setSearch(QStringLiteral("x.s"), false));  // literal dot
  QCOMPARE(f.rowCount(), 1);
  QVERIFY(f.setSearch(QStringLiteral("comp_v[2-9]$"), true));
  QCOMPARE(f.rowCount(), 1);
  QVERIFY(!f.setSearch(QStringLiteral("[unclosed"), true));
  QCOMPARE(f.rowCount(), 1);
  // The filter follows the model: a new matching job shows without touching the filter.
  m.setJobs({jobView("comp_v1", 1), jobView("comp_v2", 1), jobView("comp_v3", 1)}, 1000);
  QCOMPARE(f.rowCount(), 2);
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::JobsModelTest)
#include "jobs_model_test.moc"
