// Runs the storage conformance suite (store_conformance.h) against PostgreSQL: a
// throw-away server for this process (pg_test_cluster.h), a new database per test, dropped
// afterwards. Skipped, with the reason, only when no server can be started here.
// Also PostgreSQL-only checks: opening by URL, redacted passwords, a server restart.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_test_cluster.h"
#include "store/sql_row_set_checks.h"
#include "store/store.h"
#include "store/store_conformance.h"
#include "store/store_conformance_admin.h"
#include "store/store_conformance_batch.h"
#include "store/store_conformance_cluster.h"
#include "store/store_conformance_depend.h"
#include "store/store_conformance_filter.h"
#include "store/store_conformance_settings.h"
#include "store/store_conformance_usage.h"

namespace cue::store::conformance {
namespace {

std::unique_ptr<Store> openOrFail(const std::string& url) {
  auto store = openStore(url);
  if (!store.ok()) {
    ADD_FAILURE() << "openStore(" << redactStoreUrl(url) << "): " << store.status();
    return nullptr;
  }
  return std::move(store).value();
}

StoreBackend postgresBackend() {
  auto url = std::make_shared<std::string>();
  StoreBackend b;
  b.name = "Postgres";
  b.unavailable = []() {
    std::string why;
    sharedPgTestCluster(&why);
    return why;
  };
  b.fresh = [url]() -> std::unique_ptr<Store> {
    auto made = sharedPgTestCluster(nullptr)->createDatabase();
    if (!made.ok()) {
      ADD_FAILURE() << "createDatabase: " << made.status();
      return nullptr;
    }
    *url = *made;
    return openOrFail(*url);
  };
  b.reopen = [url]() { return openOrFail(*url); };
  b.drop = [url]() {
    if (url->empty()) return;
    auto st = sharedPgTestCluster(nullptr)->dropDatabase(*url);
    if (!st.ok()) ADD_FAILURE() << "dropDatabase: " << st;
    url->clear();
  };
  return b;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest, ::testing::Values(postgresBackend()),
                         backendName);

}  // namespace cue::store::conformance

namespace cue::store {
namespace {

TEST(PostgresOpenStoreTest, PasswordsNeverReachMessages) {
  EXPECT_EQ(redactStoreUrl("postgresql://cue:s3cret@db.example:5432/cue"),
            "postgresql://cue:***@db.example:5432/cue");
  EXPECT_EQ(redactStoreUrl("host=db password=s3cret dbname=cue"), "host=db password=*** dbname=cue");
  EXPECT_EQ(redactStoreUrl("postgresql://cue@db/cue"), "postgresql://cue@db/cue");
  EXPECT_EQ(redactStoreUrl("/var/lib/cue/cue.db"), "/var/lib/cue/cue.db");
  // A server that cannot be reached: UNAVAILABLE, and the message hides the password.
  auto st = openStore("postgresql://cue:s3cret@127.0.0.1:1/cue?connect_timeout=2");
  EXPECT_EQ(st.status().code(), absl::StatusCode::kUnavailable) << st.status();
  EXPECT_FALSE(absl::StrContains(st.status().message(), "s3cret")) << st.status();
}

// The database server stops (as a crash would) under an open store and comes back: calls
// meanwhile answer UNAVAILABLE and change nothing; once it is back the same store object
// works again, and everything acknowledged before the stop is there.
TEST(PostgresRestartTest, StoreAnswersUnavailableWhileTheServerIsDownAndResumesAfter) {
  auto cluster = PgTestCluster::start(/*use_external=*/false);
  if (!cluster.ok()) GTEST_SKIP() << "PostgreSQL is not available here: " << cluster.status();
  auto url = (*cluster)->createDatabase();
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = openStore(*url);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->createShow("before").ok());

  ASSERT_TRUE((*cluster)->stopServer().ok());
  auto during = (*store)->createShow("during");
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable) << during.status();
  EXPECT_EQ((*store)->findShow("before").status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE((*cluster)->startServer().ok());
  auto before = (*store)->findShow("before");
  EXPECT_TRUE(before.ok()) << before.status();
  EXPECT_EQ((*store)->findShow("during").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE((*store)->createShow("after").ok());
}

// A connection to a new database of the run's shared server, dropped after the test.
class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    cluster_ = sharedPgTestCluster(&why);
    if (cluster_ == nullptr) GTEST_SKIP() << "PostgreSQL is not available here: " << why;
    auto url = cluster_->createDatabase();
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
    auto db = PgConnection::open(url_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
  }
  void TearDown() override {
    db_.reset();
    if (!url_.empty()) {
      EXPECT_TRUE(cluster_->dropDatabase(url_).ok());
    }
  }
  PgConnection& pg() { return *db_; }

 private:
  PgTestCluster* cluster_ = nullptr;
  std::string url_;
  std::unique_ptr<PgConnection> db_;
};

// Rows handed to one statement as arrays (RowSet: unnest) and keys (inSet: = ANY) keep
// their text exactly: quotes, backslashes, braces, commas, NULL.
TEST_F(PgConnectionTest, RowSetRowsAndKeysComeBackAsWritten) {
  sql_util::expectRowSetRoundTrip(pg());
}

// execAll (and queryAll) send their statements as one pipeline (with the transaction's BEGIN, and the
// preparation of those not prepared yet). A statement that fails stops those after it, its
// transaction rolls back whole, and the connection serves the next transaction.
TEST_F(PgConnectionTest, ExecAllStopsAtTheFirstFailureAndTheConnectionGoesOn) {
  PgConnection& pg = this->pg();
  ASSERT_TRUE(pg.execScript("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)").ok());
  const std::string insert = "INSERT INTO t (id, note) VALUES ($1, $2)";
  auto count = [&]() {
    auto rows = pg.query("SELECT COUNT(*) FROM t", {});
    return rows.ok() && rows->size() == 1u ? (*rows)[0].i64(0) : -1;
  };

  ASSERT_TRUE(pg.begin().ok());
  auto failed = pg.execAll({{insert, {int64_t{1}, std::string("a")}},
                            {insert, {int64_t{1}, std::string("twice")}},
                            {"UPDATE t SET note = 'after' WHERE id = 1", {}}});
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kAlreadyExists) << failed.status();
  ASSERT_TRUE(pg.rollback().ok());
  EXPECT_EQ(count(), 0) << "the transaction rolled back whole";

  ASSERT_TRUE(pg.begin().ok());
  auto changed = pg.execAll({{insert, {int64_t{1}, std::string("a")}},
                             {insert, {int64_t{2}, std::string("b")}},
                             {"UPDATE t SET note = 'c' WHERE id > $1", {int64_t{0}}}});
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(*changed, (std::vector<int64_t>{1, 1, 2}));
  ASSERT_TRUE(pg.commit().ok());
  EXPECT_EQ(count(), 2);
  auto both = pg.queryAll({{"SELECT note FROM t WHERE id = $1", {int64_t{1}}},
                           {"SELECT id FROM t ORDER BY id", {}}});
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->size(), 2u);
  ASSERT_EQ((*both)[0].size(), 1u);
  EXPECT_EQ((*both)[0][0].str(0), "c");
  ASSERT_EQ((*both)[1].size(), 2u);
  EXPECT_EQ((*both)[1][1].i64(0), 2);

  // A bad statement in a transaction's first pipeline (with its BEGIN): the same.
  ASSERT_TRUE(pg.begin().ok());
  auto bad = pg.execAll({{insert, {int64_t{3}, std::string("c")}}, {"UPDATE nowhere SET x = 1", {}}});
  EXPECT_FALSE(bad.ok());
  ASSERT_TRUE(pg.rollback().ok());
  EXPECT_EQ(count(), 2);
}

}  // namespace
}  // namespace cue::store
