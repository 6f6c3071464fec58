// Unit tests of the Monitor Cue tree (no cuebot): shows, nested groups and jobs filled from
// Cue types with OpenCue's columns and the groups' sums; a refresh merged by id keeps the
// persistent indexes of the rows that stay, removes the jobs gone, appends the new ones and
// moves a job that changed group; Qt's model tester checks the model's consistency throughout.
#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QtTest>

#include "gui/cue_tree_model.h"

using namespace cue;
using namespace cue::gui;

namespace {

core::ShowView show(const std::string& id, const std::string& name) {
  core::ShowView s;
  s.show.id = id;
  s.show.name = name;
  return s;
}

core::Group group(const std::string& id, const std::string& name, const std::string& show_id,
                  const std::string& parent) {
  core::Group g;
  g.id = id;
  g.name = name;
  g.show_id = show_id;
  g.parent_id = parent;
  return g;
}

core::JobView job(const std::string& id, const std::string& group_id, int waiting, int running,
                  int dead, core::CoreUnits reserved) {
  core::JobView v;
  v.job.id = id;
  v.job.name = "testing-sh01-me_" + id;
  v.job.group_id = group_id;
  v.job.priority = 10;
  v.job.min_cores = 100;
  v.job.max_cores = 800;
  v.counts.waiting = waiting;
  v.counts.running = running;
  v.counts.dead = dead;
  v.reserved_cores = reserved;
  return v;
}

// testing (root g0) > lighting (g1) > fx (g2); jobs j1 in g0, j2 and j3 in g1, j4 in g2;
// second show "empty" with its root group only.
CueTree farm() {
  CueTree t;
  t.shows = {show("s1", "testing"), show("s2", "empty")};
  // The child listed before its parent: the tree does not depend on the order.
  t.groups = {group("g2", "fx", "s1", "g1"), group("g0", "testing", "s1", ""),
              group("g1", "lighting", "s1", "g0"), group("r2", "empty", "s2", "")};
  t.groups[1].min_cores = 200;
  t.groups[2].max_cores = 1600;
  t.groups[2].default_job_priority = 50;
  t.jobs = {job("j1", "g0", 5, 1, 0, 100), job("j2", "g1", 3, 2, 1, 200),
            job("j3", "g1", 0, 0, 0, 0), job("j4", "g2", 7, 1, 2, 150)};
  return t;
}

QString text(const CueTreeModel& m, const std::string& id, int column) {
  return m.indexOf(id, column).data().toString();
}

}  // namespace

class CueTreeModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void fillsShowsGroupsAndJobs() {
    CueTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setTree(farm());
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.size(), 2 + 2 + 4);  // shows, subgroups, jobs
    const QModelIndex testing = m.indexOf("g0");
    QCOMPARE(testing.data().toString(), QStringLiteral("testing"));
    QCOMPARE(testing.parent(), QModelIndex());
    QCOMPARE(testing.data(CueTreeModel::kKindRole).toInt(), int(CueRow::kShow));
    QCOMPARE(testing.data(kItemIdRole).toString(), QStringLiteral("g0"));
    QCOMPARE(m.rowCount(testing), 2);  // lighting, j1
    const QModelIndex lighting = m.indexOf("g1");
    QCOMPARE(lighting.parent(), testing);
    QCOMPARE(lighting.data(CueTreeModel::kKindRole).toInt(), int(CueRow::kGroup));
    QCOMPARE(m.rowCount(lighting), 3);  // fx, j2, j3
    QCOMPARE(m.indexOf("g2").parent(), lighting);
    QCOMPARE(m.indexOf("j4").parent(), m.indexOf("g2"));
    QCOMPARE(m.indexOf("j4").data(CueTreeModel::kKindRole).toInt(), int(CueRow::kJob));
    QCOMPARE(m.rowCount(m.indexOf("r2")), 0);
    QVERIFY(!m.indexOf("nosuch").isValid());

    // A group sums its jobs and its subgroups' jobs.
    QCOMPARE(text(m, "g1", CueTreeModel::kWaiting), QStringLiteral("10"));
    QCOMPARE(text(m, "g1", CueTreeModel::kRunning), QStringLiteral("3"));
    QCOMPARE(text(m, "g1", CueTreeModel::kDead), QStringLiteral("3"));
    QCOMPARE(text(m, "g1", CueTreeModel::kRun), QStringLiteral("3.5"));
    QCOMPARE(text(m, "g0", CueTreeModel::kWaiting), QStringLiteral("15"));
    QCOMPARE(text(m, "g0", CueTreeModel::kRun), QStringLiteral("4.5"));
    QCOMPARE(text(m, "g0", CueTreeModel::kMinCores), QStringLiteral("2"));
    QCOMPARE(text(m, "g0", CueTreeModel::kMaxCores), QStringLiteral("-"));  // no cap
    QCOMPARE(text(m, "g1", CueTreeModel::kMaxCores), QStringLiteral("16"));
    QCOMPARE(text(m, "g1", CueTreeModel::kPriority), QStringLiteral("50"));
    QCOMPARE(text(m, "g0", CueTreeModel::kPriority), QStringLiteral("-"));  // not set
    QCOMPARE(text(m, "g0", CueTreeModel::kState), QString());
  }

  void columnsShowOpenCuesFigures() {
    CueTreeModel m;
    m.setTree(farm());
    QCOMPARE(m.columnCount(), int(CueTreeModel::kColumnCount));
    QCOMPARE(m.headerData(CueTreeModel::kName, Qt::Horizontal).toString(), QStringLiteral("Name"));
    QCOMPARE(m.headerData(CueTreeModel::kRun, Qt::Horizontal).toString(), QStringLiteral("Run"));
    QCOMPARE(m.headerData(CueTreeModel::kPriority, Qt::Horizontal).toString(),
             QStringLiteral("Priority"));
    QCOMPARE(text(m, "j2", CueTreeModel::kName), QStringLiteral("testing-sh01-me_j2"));
    QCOMPARE(text(m, "j2", CueTreeModel::kRun), QStringLiteral("2"));
    QCOMPARE(text(m, "j2", CueTreeModel::kWaiting), QStringLiteral("3"));
    QCOMPARE(text(m, "j2", CueTreeModel::kMinCores), QStringLiteral("1"));
    QCOMPARE(text(m, "j2", CueTreeModel::kMaxCores), QStringLiteral("8"));
    QCOMPARE(text(m, "j2", CueTreeModel::kPriority), QStringLiteral("10"));
    QCOMPARE(text(m, "j2", CueTreeModel::kRunning), QStringLiteral("2"));
    QCOMPARE(text(m, "j2", CueTreeModel::kDead), QStringLiteral("1"));
    QCOMPARE(text(m, "j2", CueTreeModel::kState), QStringLiteral("Failing"));
    QCOMPARE(text(m, "j1", CueTreeModel::kState), QStringLiteral("Running"));
    QCOMPARE(text(m, "j3", CueTreeModel::kState), QStringLiteral("Waiting"));
    QCOMPARE(m.indexOf("j2", CueTreeModel::kWaiting).data(kItemSortRole).toInt(), 3);
    QCOMPARE(m.indexOf("j2", CueTreeModel::kRun).data(kItemSortRole).toLongLong(), 200);
    QVERIFY(m.indexOf("j2", CueTreeModel::kState).data(Qt::BackgroundRole).isValid());
  }

  void mergeKeepsRowsThatStayAndMovesTheRest() {
    CueTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setTree(farm());
    const QPersistentModelIndex testing(m.indexOf("g0"));
    const QPersistentModelIndex lighting(m.indexOf("g1"));
    const QPersistentModelIndex j1(m.indexOf("j1"));
    const QPersistentModelIndex j3(m.indexOf("j3", CueTreeModel::kWaiting));
    const QPersistentModelIndex j2(m.indexOf("j2"));
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);

    // j2 is gone, j5 is new in lighting, j3 has frames waiting, j4 moved from fx to testing.
    CueTree next = farm();
    next.jobs = {job("j1", "g0", 5, 1, 0, 100), job("j3", "g1", 4, 0, 0, 0),
                 job("j4", "g0", 7, 1, 2, 150), job("j5", "g1", 2, 0, 0, 0)};
    m.setTree(next);
    QCOMPARE(reset.count(), 0);
    QVERIFY(!j2.isValid());
    QVERIFY(testing.isValid() && lighting.isValid() && j1.isValid() && j3.isValid());
    QCOMPARE(j1.data(kItemIdRole).toString(), QStringLiteral("j1"));
    QCOMPARE(j3.data().toString(), QStringLiteral("4"));  // changed in place
    QCOMPARE(j3.parent(), QModelIndex(lighting));
    QVERIFY(changed.count() > 0);
    QCOMPARE(m.indexOf("j5").parent(), QModelIndex(lighting));
    QCOMPARE(m.indexOf("j4").parent(), QModelIndex(testing));
    QCOMPARE(m.rowCount(m.indexOf("g2")), 0);
    QCOMPARE(m.rowCount(lighting), 3);  // fx, j3, j5 (appended)
    QCOMPARE(m.index(2, 0, lighting).data(kItemIdRole).toString(), QStringLiteral("j5"));
    QCOMPARE(m.size(), 2 + 2 + 4);
    // The sums follow.
    QCOMPARE(text(m, "g1", CueTreeModel::kWaiting), QStringLiteral("6"));
    QCOMPARE(text(m, "g0", CueTreeModel::kWaiting), QStringLiteral("18"));

    // The same farm again: nothing changes.
    changed.clear();
    m.setTree(next);
    QCOMPARE(changed.count(), 0);

    // A show gone takes its rows with it; an empty farm empties the tree.
    next.shows = {show("s1", "testing")};
    m.setTree(next);
    QCOMPARE(m.rowCount(), 1);
    QVERIFY(!m.indexOf("r2").isValid());
    QVERIFY(j1.isValid());
    m.setTree({});
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(m.size(), 0);
    QVERIFY(!j1.isValid());
  }

  void repeatedIdsShowOnce() {
    CueTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    CueTree t = farm();
    t.jobs.push_back(t.jobs.front());
    t.shows.push_back(t.shows.front());
    m.setTree(t);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.size(), 2 + 2 + 4);
  }
};

QTEST_GUILESS_MAIN(CueTreeModelTest)
#include "cue_tree_model_test.moc"
