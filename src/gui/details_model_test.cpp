// LayersModel and FramesModel without a cuebot: the merge by id (rows change in place, gone
// ones removed, new ones appended; persistent indexes follow their row), the columns' text
// (services, cores, memory, tags, counts; frame number, layer, state and its colour, host,
// retries, runtime, max RSS), sort values, and the frame state mapping and formatting.
#include "gui/details_model.h"

#include <QBrush>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QtTest>
#include <string>
#include <vector>

namespace cue::gui {

namespace {

core::LayerView layerView(const std::string& id, int total, int succeeded = 0) {
  core::LayerView v;
  v.layer.id = id;
  v.layer.name = id;
  v.counts.total = total;
  v.counts.succeeded = succeeded;
  v.counts.waiting = total - succeeded;
  return v;
}

core::Frame frame(const std::string& id, int number, core::FrameState state) {
  core::Frame f;
  f.id = id;
  f.number = number;
  f.layer_name = "render";
  f.name = QStringLiteral("%1-render").arg(number, 4, 10, QLatin1Char('0')).toStdString();
  f.state = state;
  return f;
}

template <class M>
QStringList ids(const M& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, 0).data(M::kIdRole).toString();
  return out;
}

}  // namespace

class DetailsModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void layersMergeByIdKeepingPersistentIndexes();
  void layerColumns();
  void framesMergeByIdKeepingPersistentIndexes();
  void onlyFramesThatChangedAreSignalled();
  void updatesChangeOnlyWhatTheyCarry();
  void firstFillDropsRepeatedIds();
  void frameColumnsAndStateColour();
  void formatting();
};

void DetailsModelTest::layersMergeByIdKeepingPersistentIndexes() {
  LayersModel m;
  m.setLayers({layerView("a", 1), layerView("b", 2), layerView("c", 3)});
  QCOMPARE(ids(m), (QStringList{"a", "b", "c"}));
  QPersistentModelIndex c(m.index(2, LayersModel::kDoneTotal));
  QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
  QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
  m.setLayers({layerView("d", 4), layerView("c", 3, 2), layerView("a", 1)});
  QCOMPARE(ids(m), (QStringList{"a", "c", "d"}));
  QCOMPARE(removed.count(), 1);
  QCOMPARE(inserted.count(), 1);
  QVERIFY(c.isValid());
  QCOMPARE(c.row(), 1);
  QCOMPARE(c.data().toString(), QStringLiteral("2 of 3"));
  QCOMPARE(m.rowOf("d"), 2);
  QCOMPARE(m.rowOf("b"), -1);
  m.setLayers({});
  QCOMPARE(m.rowCount(), 0);
}

void DetailsModelTest::layerColumns() {
  LayersModel m;
  core::LayerView v = layerView("l1", 10, 4);
  v.layer.name = "render";
  v.layer.services = {"shell", "maya"};
  v.layer.tags = {"general", "desktop"};
  v.layer.min_cores = 150;
  v.layer.min_memory = 2 * 1024 * 1024;
  v.counts.running = 1;
  v.counts.dead = 2;
  v.counts.waiting = 3;
  m.setLayers({v});
  auto text = [&](int column) { return m.index(0, column).data().toString(); };
  QCOMPARE(m.columnCount(), 10);
  QCOMPARE(m.headerData(LayersModel::kServices, Qt::Horizontal).toString(),
           QStringLiteral("Services"));
  QCOMPARE(text(LayersModel::kName), QStringLiteral("render"));
  QCOMPARE(text(LayersModel::kServices), QStringLiteral("shell,maya"));
  QCOMPARE(text(LayersModel::kCores), QStringLiteral("1.50"));
  QCOMPARE(text(LayersModel::kMemory), QStringLiteral("2.0G"));
  QCOMPARE(text(LayersModel::kTags), QStringLiteral("general | desktop"));
  QCOMPARE(text(LayersModel::kDoneTotal), QStringLiteral("4 of 10"));
  QCOMPARE(text(LayersModel::kRunning), QStringLiteral("1"));
  QCOMPARE(text(LayersModel::kDead), QStringLiteral("2"));
  QCOMPARE(text(LayersModel::kWaiting), QStringLiteral("3"));
  QCOMPARE(m.index(0, LayersModel::kMemory).data(LayersModel::kSortRole).toLongLong(),
           2LL * 1024 * 1024);
  const QVariantList counts =
      m.index(0, LayersModel::kProgress).data(LayersModel::kCountsRole).toList();
  QCOMPARE(counts.size(), 7);
  QCOMPARE(counts.front().toInt(), 4);
  QCOMPARE(counts.back().toInt(), 10);
  QCOMPARE(m.index(0, 0).data(LayersModel::kStateRole).toInt(),
           static_cast<int>(DisplayState::kDead));
}

void DetailsModelTest::framesMergeByIdKeepingPersistentIndexes() {
  FramesModel m;
  m.setFrames(
      {frame("f1", 1, core::FrameState::kWaiting), frame("f2", 2, core::FrameState::kWaiting),
       frame("f3", 3, core::FrameState::kWaiting)},
      1000);
  QPersistentModelIndex f3(m.index(2, FramesModel::kState));
  QCOMPARE(f3.data().toString(), QStringLiteral("WAITING"));
  m.setFrames({frame("f3", 3, core::FrameState::kDead), frame("f1", 1, core::FrameState::kEaten),
               frame("f4", 4, core::FrameState::kRunning)},
              1000);
  QCOMPARE(ids(m), (QStringList{"f1", "f3", "f4"}));
  QVERIFY(f3.isValid());
  QCOMPARE(f3.row(), 1);
  QCOMPARE(f3.data().toString(), QStringLiteral("DEAD"));
  QCOMPARE(m.index(0, 0).data(FramesModel::kFrameNameRole).toString(),
           QStringLiteral("0001-render"));
  QCOMPARE(m.rowOf("f4"), 2);
  QCOMPARE(m.rowOf("f2"), -1);
}

// 1,000 frames refreshed in the same order: only the rows whose shown values changed are
// signalled (nearby ones in one run), and running frames every time (their Runtime moves).
void DetailsModelTest::onlyFramesThatChangedAreSignalled() {
  std::vector<core::Frame> frames;
  for (int i = 0; i < 1000; ++i) {
    frames.push_back(frame("f" + std::to_string(i), i + 1, core::FrameState::kWaiting));
  }
  FramesModel m;
  m.setFrames(frames, 1000);
  QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
  QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
  m.setFrames(frames, 1010);  // nothing changed
  QCOMPARE(changed.count(), 0);

  frames[10].state = core::FrameState::kSucceeded;
  frames[20].max_rss = 4096;                        // 10 rows apart: one run with row 10
  frames[900].state = core::FrameState::kRunning;   // far away: a run of its own
  m.setFrames(frames, 1020);
  QCOMPARE(changed.count(), 2);
  QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 10);
  QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 20);
  QCOMPARE(changed.at(0).at(1).toModelIndex().column(), FramesModel::kColumnCount - 1);
  QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 900);
  QCOMPARE(changed.at(1).at(1).toModelIndex().row(), 900);
  QCOMPARE(m.index(10, FramesModel::kState).data().toString(), QStringLiteral("SUCCEEDED"));

  changed.clear();
  m.setFrames(frames, 1030);  // only the running frame again
  QCOMPARE(changed.count(), 1);
  QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 900);
  QCOMPARE(inserted.count(), 0);
  QCOMPARE(m.rowOf("f999"), 999);
}

// GetUpdatedFrames' changes: the fields an UpdatedFrame carries replace the shown ones, the
// rest (name, layer, number) stay; running frames are signalled too; a change for a frame not
// shown changes nothing and asks for a full read.
// A first fill taken whole keeps the first of repeated ids, and indexes the rest.
void DetailsModelTest::firstFillDropsRepeatedIds() {
  FramesModel m;
  m.setFrames({frame("f1", 1, core::FrameState::kWaiting), frame("f2", 2, core::FrameState::kWaiting),
               frame("f1", 1, core::FrameState::kDead), frame("f3", 3, core::FrameState::kWaiting)},
              1000);
  QCOMPARE(ids(m), (QStringList{"f1", "f2", "f3"}));
  QCOMPARE(m.index(0, FramesModel::kState).data().toString(), QStringLiteral("WAITING"));
  QCOMPARE(m.rowOf("f3"), 2);
  QCOMPARE(m.rowOf("f2"), 1);
}

void DetailsModelTest::updatesChangeOnlyWhatTheyCarry() {
  FramesModel m;
  core::Frame running = frame("f3", 3, core::FrameState::kRunning);
  m.setFrames({frame("f1", 1, core::FrameState::kWaiting), frame("f2", 2, core::FrameState::kWaiting),
               running},
              1000);
  QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
  core::Frame change;  // as from GetUpdatedFrames: no name, no layer
  change.id = "f1";
  change.state = core::FrameState::kSucceeded;
  change.retry_count = 1;
  change.last_resource = "host1/1.00/0";
  QVERIFY(m.updateFrames({change}, 1010));
  QCOMPARE(m.index(0, FramesModel::kState).data().toString(), QStringLiteral("SUCCEEDED"));
  QCOMPARE(m.index(0, FramesModel::kRetries).data().toInt(), 1);
  QCOMPARE(m.index(0, FramesModel::kHost).data().toString(), QStringLiteral("host1"));
  QCOMPARE(m.index(0, FramesModel::kLayer).data().toString(), QStringLiteral("render"));
  QCOMPARE(m.index(0, 0).data(FramesModel::kFrameNameRole).toString(), QStringLiteral("0001-render"));
  QCOMPARE(changed.count(), 1);  // rows 0 and 2 (running) in one run
  QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
  QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 2);

  core::Frame stranger;
  stranger.id = "f9";
  stranger.state = core::FrameState::kDead;
  change.state = core::FrameState::kDead;
  QVERIFY(!m.updateFrames({change, stranger}, 1020));
  QCOMPARE(m.index(0, FramesModel::kState).data().toString(), QStringLiteral("SUCCEEDED"));
}

void DetailsModelTest::frameColumnsAndStateColour() {
  FramesModel m;
  core::Frame running = frame("f1", 7, core::FrameState::kRunning);
  running.last_resource = "host1/2.00/0";
  running.retry_count = 2;
  running.start_time = 1000;
  running.max_rss = 512 * 1024;
  core::Frame done = frame("f2", 8, core::FrameState::kSucceeded);
  done.start_time = 1000;
  done.stop_time = 1000 + 3661;
  m.setFrames({running, done}, 1090);
  auto text = [&](int row, int column) { return m.index(row, column).data().toString(); };
  QCOMPARE(m.columnCount(), 7);
  QCOMPARE(text(0, FramesModel::kName), QStringLiteral("7"));
  QCOMPARE(text(0, FramesModel::kLayer), QStringLiteral("render"));
  QCOMPARE(text(0, FramesModel::kState), QStringLiteral("RUNNING"));
  QCOMPARE(text(0, FramesModel::kHost), QStringLiteral("host1"));
  QCOMPARE(text(0, FramesModel::kRetries), QStringLiteral("2"));
  QCOMPARE(text(0, FramesModel::kRuntime), QStringLiteral("00:01:30"));
  QCOMPARE(text(0, FramesModel::kMaxRss), QStringLiteral("512M"));
  QCOMPARE(text(1, FramesModel::kRuntime), QStringLiteral("01:01:01"));
  QCOMPARE(text(1, FramesModel::kHost), QString());
  QCOMPARE(m.index(0, FramesModel::kState).data(Qt::BackgroundRole).value<QBrush>().color(),
           stateColor(DisplayState::kRunning));
  QCOMPARE(m.index(1, FramesModel::kState).data(Qt::BackgroundRole).value<QBrush>().color(),
           stateColor(DisplayState::kSucceeded));
  QVERIFY(!m.index(0, FramesModel::kHost).data(Qt::BackgroundRole).isValid());
  QCOMPARE(m.index(1, FramesModel::kRuntime).data(FramesModel::kSortRole).toLongLong(), 3661LL);
}

void DetailsModelTest::formatting() {
  QVERIFY(frameDisplayState(core::FrameState::kSetup) == DisplayState::kRunning);
  QVERIFY(frameDisplayState(core::FrameState::kCheckpoint) == DisplayState::kRunning);
  QVERIFY(frameDisplayState(core::FrameState::kDepend) == DisplayState::kDepend);
  QVERIFY(frameDisplayState(core::FrameState::kEaten) == DisplayState::kEaten);
  QVERIFY(frameDisplayState(core::FrameState::kWaiting) == DisplayState::kWaiting);
  QCOMPARE(frameStateName(core::FrameState::kEaten), QStringLiteral("EATEN"));
  QCOMPARE(formatDuration(0), QStringLiteral("00:00:00"));
  QCOMPARE(formatDuration(90061), QStringLiteral("25:01:01"));
  QCOMPARE(formatCores(100), QStringLiteral("1.00"));
  core::Frame never;
  QCOMPARE(frameRuntime(never, 5000), int64_t{0});
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::DetailsModelTest)
#include "details_model_test.moc"
