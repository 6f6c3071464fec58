// The Depends and Comments dialogs' tables without a cuebot: each depend seen from the job's
// side (what it waits on, what waits on it: the other side's job, layer and frame), OpenCue's
// type names, active or satisfied; rows merged by id across refreshes; comments' columns.
#include <QSignalSpy>
#include <QtTest>

#include "gui/depends_model.h"

namespace cue::gui {

class DependsModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void showsBothSidesFromTheJobsSide();
  void refreshMergesRowsById();
  void commentsShowSubjectUserDateAndMessage();
};

namespace {

core::DependView depend(const std::string& id, core::DependType type, bool active) {
  core::DependView d;
  d.id = id;
  d.type = type;
  d.active = active;
  d.er_job = "shot-second";
  d.er_layer = "comp";
  d.on_job = "shot-first";
  d.on_layer = "render";
  return d;
}

QString cell(const QAbstractItemModel& m, int row, int column) {
  return m.index(row, column).data().toString();
}

}  // namespace

void DependsModelTest::showsBothSidesFromTheJobsSide() {
  DependsModel m;
  QCOMPARE(m.columnCount(), int(DependsModel::kColumnCount));
  QCOMPARE(m.headerData(DependsModel::kType, Qt::Horizontal).toString(), QStringLiteral("Type"));
  core::DependView frame = depend("d2", core::DependType::kFrameByFrame, false);
  frame.er_frame = "0001-comp";
  frame.on_frame = "0001-render";
  m.setDepends({depend("d1", core::DependType::kLayerOnLayer, true)}, {frame});
  QCOMPARE(m.rowCount(), 2);

  // Row 0: the job (shot-second) waits on shot-first's render layer.
  QCOMPARE(cell(m, 0, DependsModel::kDirection), QStringLiteral("Waits on"));
  QCOMPARE(cell(m, 0, DependsModel::kType), QStringLiteral("LAYER_ON_LAYER"));
  QCOMPARE(cell(m, 0, DependsModel::kHere), QStringLiteral("comp"));
  QCOMPARE(cell(m, 0, DependsModel::kJob), QStringLiteral("shot-first"));
  QCOMPARE(cell(m, 0, DependsModel::kLayer), QStringLiteral("render"));
  QCOMPARE(cell(m, 0, DependsModel::kFrame), QString());
  QCOMPARE(cell(m, 0, DependsModel::kState), QStringLiteral("Active"));
  QVERIFY(!m.index(0, 0).data(Qt::ForegroundRole).isValid());

  // Row 1: seen from the job waited on (shot-first): the other side is the waiting one.
  QCOMPARE(cell(m, 1, DependsModel::kDirection), QStringLiteral("Waited on by"));
  QCOMPARE(cell(m, 1, DependsModel::kType), QStringLiteral("FRAME_BY_FRAME"));
  QCOMPARE(cell(m, 1, DependsModel::kHere), QStringLiteral("0001-render"));
  QCOMPARE(cell(m, 1, DependsModel::kJob), QStringLiteral("shot-second"));
  QCOMPARE(cell(m, 1, DependsModel::kLayer), QStringLiteral("comp"));
  QCOMPARE(cell(m, 1, DependsModel::kFrame), QStringLiteral("0001-comp"));
  QCOMPARE(cell(m, 1, DependsModel::kState), QStringLiteral("Satisfied"));
  QVERIFY(m.index(1, 0).data(Qt::ForegroundRole).isValid());  // greyed
  QCOMPARE(m.dependId(1), std::string("d2"));
  QCOMPARE(m.dependId(5), std::string());

  // One depend on both sides (inside one job) is two rows.
  m.setDepends({depend("d3", core::DependType::kJobOnJob, true)},
               {depend("d3", core::DependType::kJobOnJob, true)});
  QCOMPARE(m.rowCount(), 2);
  QCOMPARE(cell(m, 0, DependsModel::kType), QStringLiteral("JOB_ON_JOB"));
}

void DependsModelTest::refreshMergesRowsById() {
  DependsModel m;
  m.setDepends({depend("d1", core::DependType::kJobOnJob, true),
                depend("d2", core::DependType::kJobOnJob, true)},
               {});
  QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
  QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
  QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
  m.setDepends({depend("d1", core::DependType::kJobOnJob, false),
                depend("d2", core::DependType::kJobOnJob, true)},
               {});
  QCOMPARE(removed.count(), 0);
  QCOMPARE(inserted.count(), 0);
  QVERIFY(changed.count() > 0);
  QCOMPARE(cell(m, m.rowOf("on:d1"), DependsModel::kState), QStringLiteral("Satisfied"));
  m.setDepends({depend("d2", core::DependType::kJobOnJob, true)}, {});
  QCOMPARE(m.rowCount(), 1);
  QCOMPARE(m.dependId(0), std::string("d2"));
}

void DependsModelTest::commentsShowSubjectUserDateAndMessage() {
  CommentsModel m;
  core::Comment c;
  c.id = "c1";
  c.subject = "Key light";
  c.user = "alice";
  c.message = "Too hot.";
  c.timestamp = 1700000000;
  core::Comment older = c;
  older.id = "c0";
  older.timestamp = 1600000000;
  m.setComments({c, older});
  QCOMPARE(m.rowCount(), 2);
  QCOMPARE(cell(m, 0, CommentsModel::kSubject), QStringLiteral("Key light"));
  QCOMPARE(cell(m, 0, CommentsModel::kUser), QStringLiteral("alice"));
  QCOMPARE(cell(m, 0, CommentsModel::kMessage), QStringLiteral("Too hot."));
  QCOMPARE(cell(m, 0, CommentsModel::kTime),
           QDateTime::fromSecsSinceEpoch(1700000000).toString(QStringLiteral("yyyy-MM-dd hh:mm")));
  // Dates sort as numbers.
  QVERIFY(m.index(1, CommentsModel::kTime).data(kItemSortRole).toLongLong() <
          m.index(0, CommentsModel::kTime).data(kItemSortRole).toLongLong());
  QCOMPARE(m.index(0, 0).data(kItemIdRole).toString(), QStringLiteral("c1"));
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::DependsModelTest)
#include "depends_model_test.moc"
