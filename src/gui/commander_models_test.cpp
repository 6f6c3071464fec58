// Unit tests of CueCommander's models (no cuebot): hosts, procs, allocations, subscriptions,
// shows, services and limits filled from Cue types; rows kept by id across refreshes; the
// sort role; the subscription bar's values; the hosts filter.
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QtTest>

#include "gui/farm_models.h"
#include "gui/hosts_model.h"

using namespace cue;
using namespace cue::gui;

namespace {

core::Host host(const std::string& id, const std::string& name, const std::string& alloc,
                core::CoreUnits cores, core::CoreUnits idle) {
  core::Host h;
  h.id = id;
  h.name = name;
  h.alloc_name = alloc;
  h.cores = cores;
  h.idle_cores = idle;
  h.total_memory = 16 * core::kKbPerGb;
  h.free_memory = 4 * core::kKbPerGb;
  h.load = 250;
  h.ping_time = 1000;
  h.tags = {"general", "linux"};
  return h;
}

core::SubscriptionView sub(const std::string& id, const std::string& show, core::CoreUnits size,
                           core::CoreUnits burst, core::CoreUnits used) {
  core::SubscriptionView s;
  s.sub.id = id;
  s.sub.show_name = show;
  s.sub.alloc_name = "local.general";
  s.sub.size = size;
  s.sub.burst = burst;
  s.reserved_cores = used;
  return s;
}

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
  return m.index(row, column).data(role).toString();
}

}  // namespace

class CommanderModelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void formatsCores() {
    QCOMPARE(formatCoresShort(800), QStringLiteral("8"));
    QCOMPARE(formatCoresShort(350), QStringLiteral("3.5"));
    QCOMPARE(formatCoresShort(25), QStringLiteral("0.25"));
    QCOMPARE(formatCoresShort(0), QStringLiteral("0"));
    QCOMPARE(formatPingAge(7), QStringLiteral("7s"));
    QCOMPARE(formatPingAge(65), QStringLiteral("1m 05s"));
    QCOMPARE(formatPingAge(3 * 3600 + 120), QStringLiteral("3h 02m"));
  }

  void hostsShowTheirColumns() {
    HostsModel m;
    core::Host h = host("h1", "render01", "local.general", 800, 350);
    h.gpus = 2;
    h.idle_gpus = 1;
    h.lock_state = core::LockState::kLocked;
    h.state = core::HardwareState::kRepair;
    h.nimby_enabled = true;
    m.setItems({h}, 1012);
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.columnCount(), int(HostsModel::kColumnCount));
    QCOMPARE(cell(m, 0, HostsModel::kName), QStringLiteral("render01"));
    QCOMPARE(cell(m, 0, HostsModel::kLoad), QStringLiteral("2.50"));
    QCOMPARE(cell(m, 0, HostsModel::kMemory), QStringLiteral("12.0G / 16.0G"));
    QCOMPARE(cell(m, 0, HostsModel::kCores), QStringLiteral("3.5 / 8"));
    QCOMPARE(cell(m, 0, HostsModel::kGpus), QStringLiteral("1 / 2"));
    QCOMPARE(cell(m, 0, HostsModel::kState), QStringLiteral("Repair"));
    QCOMPARE(cell(m, 0, HostsModel::kLock), QStringLiteral("Locked"));
    QCOMPARE(cell(m, 0, HostsModel::kNimby), QStringLiteral("Yes"));
    QCOMPARE(cell(m, 0, HostsModel::kAllocation), QStringLiteral("local.general"));
    QCOMPARE(cell(m, 0, HostsModel::kTags), QStringLiteral("general linux"));
    QCOMPARE(cell(m, 0, HostsModel::kPing), QStringLiteral("12s"));
    QCOMPARE(cell(m, 0, HostsModel::kName, kItemIdRole), QStringLiteral("h1"));
    // Numbers sort as numbers; a host in repair is coloured.
    QCOMPARE(m.index(0, HostsModel::kCores).data(kItemSortRole).toInt(), 350);
    QCOMPARE(m.index(0, HostsModel::kPing).data(kItemSortRole).toLongLong(), 12);
    QVERIFY(m.index(0, HostsModel::kState).data(Qt::BackgroundRole).isValid());
    QVERIFY(!m.index(0, HostsModel::kName).data(Qt::BackgroundRole).isValid());
  }

  void hostRowsAreKeptByIdAcrossRefreshes() {
    HostsModel m;
    m.setItems({host("a", "a01", "x", 800, 800), host("b", "b01", "x", 800, 800),
                host("c", "c01", "x", 800, 800)},
               1000);
    QPersistentModelIndex b(m.index(1, HostsModel::kName));
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    // a goes, b changes, c stays, d comes.
    m.setItems({host("d", "d01", "x", 800, 800), host("c", "c01", "x", 800, 800),
                host("b", "b01", "x", 800, 100)},
               1000);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m.rowCount(), 3);
    QVERIFY(b.isValid());
    QCOMPARE(b.data().toString(), QStringLiteral("b01"));
    QCOMPARE(m.index(b.row(), HostsModel::kCores).data().toString(), QStringLiteral("1 / 8"));
    QCOMPARE(m.rowOf("b"), b.row());
    QCOMPARE(m.rowOf("a"), -1);
    QCOMPARE(cell(m, m.rowOf("d"), HostsModel::kName), QStringLiteral("d01"));
  }

  void hostsFilterByNameAllocationAndState() {
    HostsModel m;
    core::Host down = host("c", "gpu01", "local.gpu", 800, 0);
    down.state = core::HardwareState::kDown;
    m.setItems({host("a", "render01", "local.general", 800, 800),
                host("b", "render02", "local.general", 800, 800), down},
               1000);
    HostsFilter f;
    f.setSourceModel(&m);
    QCOMPARE(f.rowCount(), 3);
    f.setNameSearch(QStringLiteral("RENDER"));
    QCOMPARE(f.rowCount(), 2);
    f.setNameSearch(QStringLiteral("02"));
    QCOMPARE(f.rowCount(), 1);
    QCOMPARE(f.index(0, 0).data().toString(), QStringLiteral("render02"));
    f.setNameSearch({});
    f.setAllocation(QStringLiteral("local.gpu"));
    QCOMPARE(f.rowCount(), 1);
    f.setAllocation({});
    f.setState(core::HardwareState::kUp);
    QCOMPARE(f.rowCount(), 2);
    f.setState(core::HardwareState::kDown);
    QCOMPARE(f.rowCount(), 1);
    QCOMPARE(f.index(0, 0).data().toString(), QStringLiteral("gpu01"));
    f.setState(std::nullopt);
    // Sorted by the sort role: idle cores as numbers.
    f.sort(HostsModel::kCores, Qt::AscendingOrder);
    QCOMPARE(f.index(0, 0).data().toString(), QStringLiteral("gpu01"));
  }

  void procsShowJobLayerFrameAndRunTime() {
    ProcsModel m;
    core::ProcView p;
    p.proc.id = "p1";
    p.job_name = "testing-sh010-artist_comp";
    p.frame_name = "0003-comp";
    p.proc.reserved_cores = 150;
    p.proc.reserved_memory = 4 * core::kKbPerGb;
    p.proc.used_memory = 512 * core::kKbPerMb;
    p.proc.booked_time = 1000;
    m.setItems({p}, 1000 + 3723);
    QCOMPARE(cell(m, 0, ProcsModel::kJob), QStringLiteral("testing-sh010-artist_comp"));
    QCOMPARE(cell(m, 0, ProcsModel::kLayer), QStringLiteral("comp"));
    QCOMPARE(cell(m, 0, ProcsModel::kFrame), QStringLiteral("0003-comp"));
    QCOMPARE(cell(m, 0, ProcsModel::kCores), QStringLiteral("1.5"));
    QCOMPARE(cell(m, 0, ProcsModel::kMemoryReserved), QStringLiteral("4.0G"));
    QCOMPARE(cell(m, 0, ProcsModel::kMemoryUsed), QStringLiteral("512M"));
    QCOMPARE(cell(m, 0, ProcsModel::kRunTime), QStringLiteral("01:02"));
    QCOMPARE(m.index(0, ProcsModel::kRunTime).data(kItemSortRole).toLongLong(), 3723);
    QCOMPARE(cell(m, 0, ProcsModel::kJob, kItemIdRole), QStringLiteral("p1"));
  }

  void subscriptionBarValues() {
    SubscriptionsModel m;
    m.setItems({sub("s1", "testing", 1000, 2000, 1500), sub("s2", "other", 400, 400, 0)}, 0);
    QCOMPARE(cell(m, 0, SubscriptionsModel::kShow), QStringLiteral("testing"));
    QCOMPARE(cell(m, 0, SubscriptionsModel::kAllocation), QStringLiteral("local.general"));
    QCOMPARE(cell(m, 0, SubscriptionsModel::kSize), QStringLiteral("10"));
    QCOMPARE(cell(m, 0, SubscriptionsModel::kBurst), QStringLiteral("20"));
    QCOMPARE(cell(m, 0, SubscriptionsModel::kUsed), QStringLiteral("15"));
    const QVariantList bar = m.index(0, SubscriptionsModel::kUsage).data(kItemBarRole).toList();
    QCOMPARE(bar, (QVariantList{1500, 1000, 2000}));
    QCOMPARE(m.index(0, SubscriptionsModel::kUsage).data(kItemSortRole).toDouble(), 1.5);
    QCOMPARE(m.index(1, SubscriptionsModel::kUsage).data(kItemSortRole).toDouble(), 0.0);
    // A resize keeps the row and changes its bar.
    QPersistentModelIndex row(m.index(0, 0));
    m.setItems({sub("s2", "other", 400, 400, 0), sub("s1", "testing", 3000, 4000, 1500)}, 0);
    QCOMPARE(row.row(), 0);
    QCOMPARE(m.index(0, SubscriptionsModel::kUsage).data(kItemBarRole).toList(),
             (QVariantList{1500, 3000, 4000}));
  }

  void allocationsShowsServicesLimits() {
    AllocationsModel allocs;
    core::AllocationView a;
    a.alloc.id = "a1";
    a.alloc.name = "local.general";
    a.alloc.tag = "general";
    a.cores = 1600;
    a.idle_cores = 1200;
    a.running_cores = 400;
    a.hosts = 2;
    a.locked_hosts = 1;
    allocs.setItems({a}, 0);
    QCOMPARE(cell(allocs, 0, AllocationsModel::kName), QStringLiteral("local.general"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kTag), QStringLiteral("general"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kCores), QStringLiteral("16"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kIdle), QStringLiteral("12"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kRunning), QStringLiteral("4"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kHosts), QStringLiteral("2"));
    QCOMPARE(cell(allocs, 0, AllocationsModel::kLockedHosts), QStringLiteral("1"));
    QCOMPARE(allocs.index(0, AllocationsModel::kCores).data(kItemSortRole).toInt(), 1600);

    ShowsModel shows;
    core::ShowView s;
    s.show.id = "s1";
    s.show.name = "testing";
    s.show.default_min_cores = 100;
    s.show.default_max_cores = 20000;
    s.running_frames = 3;
    s.reserved_cores = 300;
    shows.setItems({s}, 0);
    QCOMPARE(cell(shows, 0, ShowsModel::kName), QStringLiteral("testing"));
    QCOMPARE(cell(shows, 0, ShowsModel::kActive), QStringLiteral("Yes"));
    QCOMPARE(cell(shows, 0, ShowsModel::kMinCores), QStringLiteral("1"));
    QCOMPARE(cell(shows, 0, ShowsModel::kMaxCores), QStringLiteral("200"));
    QCOMPARE(cell(shows, 0, ShowsModel::kRunningFrames), QStringLiteral("3"));
    QCOMPARE(cell(shows, 0, ShowsModel::kRunningCores), QStringLiteral("3"));

    ServicesModel services;
    core::Service svc;
    svc.name = "prman";
    svc.threadable = true;
    svc.min_cores = 200;
    svc.min_memory = 8 * core::kKbPerGb;
    svc.tags = {"general", "desktop"};
    svc.timeout_min = 90;
    services.setItems({svc}, 0);
    QCOMPARE(cell(services, 0, ServicesModel::kName, kItemIdRole), QStringLiteral("prman"));
    QCOMPARE(cell(services, 0, ServicesModel::kThreadable), QStringLiteral("Yes"));
    QCOMPARE(cell(services, 0, ServicesModel::kMinCores), QStringLiteral("2"));
    QCOMPARE(cell(services, 0, ServicesModel::kMinMemory), QStringLiteral("8.0G"));
    QCOMPARE(cell(services, 0, ServicesModel::kTimeout), QStringLiteral("90 min"));
    QCOMPARE(cell(services, 0, ServicesModel::kTags), QStringLiteral("general | desktop"));
    QCOMPARE(services.index(0, ServicesModel::kMinMemory).data(kItemSortRole).toLongLong(),
             8 * core::kKbPerGb);

    LimitsModel limits;
    core::LimitView l;
    l.limit.id = "l1";
    l.limit.name = "nuke_lic";
    l.limit.max_value = 10;
    l.running = 4;
    limits.setItems({l}, 0);
    QCOMPARE(cell(limits, 0, LimitsModel::kName), QStringLiteral("nuke_lic"));
    QCOMPARE(cell(limits, 0, LimitsModel::kMax), QStringLiteral("10"));
    QCOMPARE(cell(limits, 0, LimitsModel::kRunning), QStringLiteral("4"));
    limits.setItems({}, 0);
    QCOMPARE(limits.rowCount(), 0);
  }
};

QTEST_GUILESS_MAIN(CommanderModelsTest)
#include "commander_models_test.moc"
