// Cluster (several cuebots on one database) with a manual clock, two stores on one real
// SQLite file (no sockets, no processes, no threads: tick() is called by the test):
// who books, when the lease moves, and changes crossing from one cuebot to the other.
#include "cuebot/cluster.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "cuebot/job_launcher.h"
#include "cuebot/rqd_client.h"
#include "store/sqlite/sqlite_connection.h"

namespace cue::cuebot {
namespace {

namespace fs = std::filesystem;

// One cuebot's parts over its own store on the shared database.
struct Node {
  Node(const std::string& path, const std::string& id, const common::Clock& clock,
       bool reclaim_own_lease = false)
      : store(open(path)), model(*store), rqd(1000),
        dispatcher(*store, model, rqd, clock, DispatcherOptions{}),
        cluster(*store, model, dispatcher, clock, options(id, reclaim_own_lease)) {
    EXPECT_TRUE(model.load().ok());
  }
  static std::unique_ptr<store::Store> open(const std::string& path) {
    auto s = store::openStore(path);
    EXPECT_TRUE(s.ok()) << s.status();
    return std::move(s).value();
  }
  static ClusterOptions options(const std::string& id, bool reclaim_own_lease) {
    ClusterOptions o;
    o.id = id;
    o.reclaim_own_lease = reclaim_own_lease;
    o.lease_ms = 5000;
    return o;
  }
  int jobs() {
    int n = 0;
    model.withView([&](dispatch::FarmView& v) { n = static_cast<int>(v.jobs.size()); });
    return n;
  }

  std::unique_ptr<store::Store> store;
  FarmModel model;
  RqdClient rqd;
  Dispatcher dispatcher;
  Cluster cluster;
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / absl::StrCat("cluster-", std::random_device{}(), ".db"))
                .string();
    a_ = std::make_unique<Node>(path_, "cuebot-a", clock_);
    b_ = std::make_unique<Node>(path_, "cuebot-b", clock_);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_ + ext);
  }

  common::ManualClock clock_;
  std::string path_;
  std::unique_ptr<Node> a_, b_;
};

TEST_F(ClusterTest, OneCuebotBooksAndAnotherTakesOverOnlyOnceTheLeaseHasExpired) {
  EXPECT_FALSE(a_->dispatcher.booking()) << "nobody books before holding the lease";
  a_->cluster.tick();
  b_->cluster.tick();
  EXPECT_TRUE(a_->cluster.leader());
  EXPECT_TRUE(a_->dispatcher.booking());
  EXPECT_FALSE(b_->cluster.leader());
  EXPECT_FALSE(b_->dispatcher.booking());

  clock_.advanceMillis(3000);  // a is silent, its lease still runs
  b_->cluster.tick();
  EXPECT_FALSE(b_->cluster.leader());

  clock_.advanceMillis(2500);  // a's lease has ended: b takes over
  b_->cluster.tick();
  EXPECT_TRUE(b_->cluster.leader());
  EXPECT_TRUE(b_->dispatcher.booking());
  a_->cluster.tick();  // a wakes up: it has lost the lease and stops booking
  EXPECT_FALSE(a_->cluster.leader());
  EXPECT_FALSE(a_->dispatcher.booking());
}

TEST_F(ClusterTest, AJobLaunchedThroughOneCuebotReachesTheOthersModel) {
  a_->cluster.tick();
  b_->cluster.tick();
  JobLauncher launcher(*b_->store, clock_, LaunchOptions{"/logs", 1000000});
  auto jobs = launcher.launch(
      "<spec><facility>local</facility><show>testing</show><shot>sh01</shot><user>artist</user>"
      "<uid>1000</uid><job name=\"elsewhere\"><paused>False</paused><layers>"
      "<layer name=\"render\" type=\"Render\"><cmd>r</cmd><range>1-3</range><chunk>1</chunk>"
      "<memory>1g</memory></layer></layers></job><depends/></spec>");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_TRUE(b_->model.refreshJob(jobs->front().id).ok());
  b_->cluster.note("job", jobs->front().id);
  EXPECT_EQ(a_->jobs(), 0);

  EXPECT_EQ(b_->cluster.tick(), 0) << "b applies nothing of its own";
  EXPECT_EQ(a_->cluster.tick(), 1);
  EXPECT_EQ(a_->jobs(), 1) << "the booking cuebot's model holds the job launched on b";
  EXPECT_EQ(a_->cluster.tick(), 0) << "a change is applied once";
}

TEST_F(ClusterTest, AChangeNamingWhatNoLongerExistsDoesNotStallTheFeed) {
  a_->cluster.tick();
  b_->cluster.tick();
  b_->cluster.note("job", "no-such-job");
  b_->cluster.note("reference");
  b_->cluster.tick();
  EXPECT_EQ(a_->cluster.tick(), 2) << "both entries are taken, the unknown job only logged";
  EXPECT_EQ(a_->cluster.tick(), 0) << "and neither is read again";
}

TEST_F(ClusterTest, AnotherStartUnderTheSameIdIsAnotherHolder) {
  a_->cluster.tick();
  // A second process given the same id is another holder: it does not share the lease.
  Node twin(path_, "cuebot-a", clock_);
  twin.cluster.tick();
  EXPECT_TRUE(a_->cluster.leader());
  EXPECT_FALSE(twin.cluster.leader());
  EXPECT_NE(twin.cluster.holder(), a_->cluster.holder());
}

// A cuebot named HOST:PORT (the default id) restarted after a crash: the lease its dead
// start holds is taken at once, not after it expires (5 s without booking), with a new
// token; had the earlier start lived on, it stops booking at its next renewal.
TEST_F(ClusterTest, ARestartedCuebotTakesTheLeaseOfItsOwnEarlierStartAtOnce) {
  a_->cluster.tick();
  ASSERT_TRUE(a_->cluster.leader());
  Node restarted(path_, "cuebot-a", clock_, /*reclaim_own_lease=*/true);
  restarted.cluster.start();
  EXPECT_TRUE(restarted.cluster.leader()) << "no wait for the dead start's lease";
  EXPECT_TRUE(restarted.dispatcher.booking());
  a_->cluster.tick();
  EXPECT_FALSE(a_->cluster.leader());
  restarted.cluster.stop();

  // Another id's lease is never taken early, reclaim or not.
  Node other(path_, "cuebot-b", clock_, /*reclaim_own_lease=*/true);
  a_->cluster.tick();  // a holds it again (it was given up by stop())
  ASSERT_TRUE(a_->cluster.leader());
  other.cluster.start();
  EXPECT_FALSE(other.cluster.leader());
  other.cluster.stop();
}

// PostgreSQL takes a sequence number at insert and makes it visible at commit: an entry
// may appear after later ones were read. Staged here on the file: the middle entry is held
// back, then committed.
TEST_F(ClusterTest, AnEntryCommittedAfterLaterOnesIsStillApplied) {
  a_->cluster.tick();
  b_->cluster.tick();
  auto raw = store::SqliteConnection::open(path_);
  ASSERT_TRUE(raw.ok()) << raw.status();
  for (const char* kind : {"reference", "dependents", "reference"}) b_->cluster.note(kind);
  b_->cluster.tick();  // one publish: three entries (the set keeps "reference" once)
  auto rows = (*raw)->query("SELECT seq, origin, kind FROM farm_change ORDER BY seq", {});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  const int64_t late = rows->front().i64(0);
  const std::string origin = rows->front().str(1), kind = rows->front().str(2);
  ASSERT_TRUE((*raw)->exec("DELETE FROM farm_change WHERE seq = $1", {late}).ok());
  // Not committed yet: only the later entry is there, and it is applied.
  ASSERT_TRUE((*raw)->exec("INSERT INTO farm_change (origin, kind, ref, created) VALUES "
                           "($1, 'reference', '', 0)", {origin}).ok());
  EXPECT_EQ(a_->cluster.tick(), 2);
  // The held-back entry commits with its old number: it is applied too, once.
  ASSERT_TRUE((*raw)->exec("INSERT INTO farm_change (seq, origin, kind, ref, created) VALUES "
                           "($1, $2, $3, '', 0)", {late, origin, kind}).ok());
  EXPECT_EQ(a_->cluster.tick(), 1);
  EXPECT_EQ(a_->cluster.tick(), 0);
}

}  // namespace
}  // namespace cue::cuebot
