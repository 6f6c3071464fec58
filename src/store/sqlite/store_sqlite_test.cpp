// Runs the storage conformance suite (store_conformance.h) against SQLite: each test
// gets its own database file in the system temporary directory, removed afterwards.
// Also SQLite-only checks: opening by URL, migrating a store an older cuebot wrote.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "common/ids.h"
#include "store/schema.h"
#include "store/sql_row_set_checks.h"
#include "store/sqlite/sqlite_connection.h"
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

namespace fs = std::filesystem;

// The database file and SQLite's companions (write-ahead log, shared memory, journal).
void removeDatabase(const fs::path& db) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(fs::path(db.string() + suffix), ignored);
}

std::unique_ptr<Store> openOrFail(const std::string& url) {
  auto store = openStore(url);
  if (!store.ok()) {
    ADD_FAILURE() << "openStore(" << url << "): " << store.status();
    return nullptr;
  }
  return std::move(store).value();
}

StoreBackend sqliteBackend() {
  // The file of the current test; tests run one at a time.
  auto path = std::make_shared<fs::path>();
  StoreBackend b;
  b.name = "Sqlite";
  b.fresh = [path]() {
    *path = fs::temp_directory_path() / ("cue_store_test_" + common::newId() + ".db");
    return openOrFail(path->string());
  };
  b.reopen = [path]() { return openOrFail("sqlite:" + path->string()); };
  b.drop = [path]() {
    if (!path->empty()) removeDatabase(*path);
    path->clear();
  };
  return b;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(sqliteBackend()),
                         backendName);

// ---- SQLite-only: opening by URL ------------------------------------------------

TEST(SqliteOpenStoreTest, RefusesEmptyPath) {
  EXPECT_EQ(openStore("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(openStore("sqlite:").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SqliteOpenStoreTest, UnwritableDirectoryIsUnavailable) {
  fs::path dir = fs::temp_directory_path() / ("cue_store_missing_" + common::newId());
  EXPECT_EQ(openStore((dir / "sub" / "cue.db").string()).status().code(),
            absl::StatusCode::kUnavailable);
}

// ---- SQLite-only: a store written by an older cuebot ---------------------------------

// A store at schema V5 (before the GPU memory columns, V6) with one frame, written as
// that cuebot left it: opening it migrates it, and its frame reads 0 GPU memory.
TEST(SqliteMigrationTest, StoreOfSchemaV5GainsGpuMemoryColumnsReadingZero) {
  fs::path path = fs::temp_directory_path() / ("cue_store_v5_" + common::newId() + ".db");
  const std::string frame_id = common::newId();
  {
    auto conn = SqliteConnection::open(path.string());
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_GE(migrations().size(), 6u);
    for (size_t v = 0; v < 5; ++v) ASSERT_TRUE((*conn)->execScript(migrations()[v]).ok()) << v;
    const SqlValue job = common::newId(), layer = common::newId(), frame = frame_id;
    ASSERT_TRUE(
        (*conn)
            ->execScript("CREATE TABLE schema_version (version INTEGER NOT NULL);"
                         "INSERT INTO schema_version (version) VALUES (5);"
                         "INSERT INTO show (id, name) VALUES ('s1', 'old');"
                         "INSERT INTO folder (id, name, show_id) VALUES ('g1', 'old', 's1');")
            .ok());
    auto st = (*conn)->exec(
        "INSERT INTO job (id, name, show_id, shot, user_name, folder_id, facility, priority, "
        "min_cores, max_cores, min_gpus, max_gpus, max_retries, paused, auto_eat, state, log_dir, "
        "start_time) VALUES ($1, 'old-sh-u_j', 's1', 'sh', 'u', 'g1', 'local', 1, 100, 100, 0, 0, "
        "3, 0, 0, 'PENDING', '/tmp', 1)",
        {job});
    ASSERT_TRUE(st.ok()) << st.status();
    st = (*conn)->exec(
        "INSERT INTO layer (id, job_id, name, type, command, frame_range, chunk_size, "
        "dispatch_order, min_cores, max_cores, threadable, min_memory, min_gpus, max_gpus, "
        "min_gpu_memory, tags, services, limits, timeout, timeout_llu) VALUES ($1, $2, 'a', "
        "'Render', 'true', '1', 1, 0, 100, 100, 0, 1024, 0, 0, 0, 'general', 'default', '', 0, 0)",
        {layer, job});
    ASSERT_TRUE(st.ok()) << st.status();
    st = (*conn)->exec(
        "INSERT INTO frame (id, job_id, layer_id, name, number, state, dispatch_order, max_rss) "
        "VALUES ($1, $2, $3, '0001-a', 1, 'SUCCEEDED', 0, 2048)",
        {frame, job, layer});
    ASSERT_TRUE(st.ok()) << st.status();
  }
  {
    auto store = openStore(path.string());
    ASSERT_TRUE(store.ok()) << store.status();
    auto f = (*store)->getFrame(frame_id);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->max_rss, 2048) << "what the old store held is kept";
    EXPECT_EQ(f->max_gpu_memory, 0);
    EXPECT_EQ(f->used_gpu_memory, 0);
    EXPECT_TRUE((*store)->getProcs(ProcSearch{}).ok()) << "proc reads its new columns";
  }
  {
    auto conn = SqliteConnection::open(path.string());
    ASSERT_TRUE(conn.ok()) << conn.status();
    auto rows = (*conn)->query("SELECT version FROM schema_version", {});
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->front().i64(0), static_cast<int64_t>(migrations().size()));
  }
  removeDatabase(path);
}

// The shared SQL numbers parameters "$N"; SQLite binds them by position: quoted "$1" stays
// text, a number used twice binds the same value, "$10" is not "$1" followed by "0", and a
// parameter not numbered so is refused rather than bound to the wrong value.
// frame_touch stamps a frame row that a change left unstamped, and writes no second row
// when the change stamped it itself or the row is stamped this second already (or later).
TEST(SqliteMigrationTest, FrameTouchRewritesOnlyUnstampedRows) {
  fs::path path = fs::temp_directory_path() / ("cue_touch_" + common::newId() + ".db");
  ASSERT_TRUE(openStore(path.string()).ok());  // the schema, migrated
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  SqliteConnection& db = **conn;
  ASSERT_TRUE(
      db.execScript("PRAGMA foreign_keys=OFF;"
                    "INSERT INTO frame (id, job_id, layer_id, name, number, state, dispatch_order) "
                    "VALUES ('f1', 'j', 'l', '0001-a', 1, 'WAITING', 0);")
          .ok());
  // Rows written by one UPDATE, its trigger's included.
  auto rowsWritten = [&](const std::string& update) -> int64_t {
    auto before = db.query("SELECT total_changes()", {});
    if (!before.ok() || !db.exec(update, {}).ok()) return -1;
    auto after = db.query("SELECT total_changes()", {});
    return after.ok() ? (*after)[0].i64(0) - (*before)[0].i64(0) : -1;
  };
  auto stamp = [&] {
    auto rows = db.query("SELECT updated_time FROM frame WHERE id = 'f1'", {});
    return rows.ok() ? (*rows)[0].i64(0) : -1;
  };
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_EQ(rowsWritten("UPDATE frame SET max_rss = 1 WHERE id = 'f1'"), 2) << "unstamped";
  EXPECT_GE(stamp(), now);
  EXPECT_EQ(rowsWritten("UPDATE frame SET max_rss = 2, updated_time = 5 WHERE id = 'f1'"), 1)
      << "stamped by the change";
  EXPECT_EQ(stamp(), 5);
  EXPECT_EQ(rowsWritten("UPDATE frame SET max_rss = 3, updated_time = " +
                        std::to_string(now + 3600) + " WHERE id = 'f1'"),
            1);
  EXPECT_EQ(rowsWritten("UPDATE frame SET max_rss = 4 WHERE id = 'f1'"), 1)
      << "stamped this second or later already";
  EXPECT_EQ(stamp(), now + 3600);
  conn->reset();
  removeDatabase(path);
}

TEST(SqliteParametersTest, NumberedParametersBindByNumberOutsideQuotes) {
  fs::path path = fs::temp_directory_path() / ("cue_params_" + common::newId() + ".db");
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  std::vector<SqlValue> params;
  for (int i = 1; i <= 10; ++i) params.push_back(SqlValue(int64_t{i * 100}));
  auto rows = (*conn)->query("SELECT $1, '$1', 'it''s $2', $2 + $2, $10, $3", params);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].i64(0), 100);
  EXPECT_EQ((*rows)[0].str(1), "$1");
  EXPECT_EQ((*rows)[0].str(2), "it's $2");
  EXPECT_EQ((*rows)[0].i64(3), 400);
  EXPECT_EQ((*rows)[0].i64(4), 1000);
  EXPECT_EQ((*rows)[0].i64(5), 300);

  // $1 ... $N once each and in order (compiled as plain "?", numbered by position).
  rows = (*conn)->query("SELECT $1, '$2', $2, \"$3\", $3", params);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].i64(0), 100);
  EXPECT_EQ((*rows)[0].str(1), "$2");
  EXPECT_EQ((*rows)[0].i64(2), 200);
  EXPECT_EQ((*rows)[0].i64(4), 300);

  auto named = (*conn)->query("SELECT :name", {SqlValue(int64_t{1})});
  EXPECT_FALSE(named.ok());
  named = (*conn)->query("SELECT $1, :name", {SqlValue(int64_t{1}), SqlValue(int64_t{2})});
  EXPECT_FALSE(named.ok());
  auto too_few = (*conn)->query("SELECT $1, $2", {SqlValue(int64_t{1})});
  EXPECT_FALSE(too_few.ok());
  conn->reset();
  fs::remove(path);
}

// Rows handed to one statement (RowSet) and keys (inSet) keep their text exactly.
TEST(SqliteRowSetTest, RowsAndKeysComeBackAsWritten) {
  fs::path path = fs::temp_directory_path() / ("cue_rowset_" + common::newId() + ".db");
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  sql_util::expectRowSetRoundTrip(**conn);
  conn->reset();
  removeDatabase(path);
}

// PostgreSQL's array literals (RowSet and inSet there): every text quoted, quotes and
// backslashes escaped, NULL bare.
TEST(RowSetTest, ArrayLiteralQuotesTextAndLeavesNullBare) {
  EXPECT_EQ(sql_util::arrayLiteral({SqlValue(std::string("a\"b")), SqlValue(int64_t{-5}), SqlValue(),
                                    SqlValue(std::string("x\\y")), SqlValue(std::string("{,}")),
                                    SqlValue(std::string(""))}),
            R"({"a\"b",-5,NULL,"x\\y","{,}",""})");
  EXPECT_EQ(sql_util::arrayLiteral({}), "{}");
}

// The WAL header's checkpoint sequence number (big-endian, bytes 12-15): it goes up by one
// each time the WAL starts over from its beginning.
namespace {
uint32_t walSequence(const fs::path& wal) {
  std::ifstream in(wal, std::ios::binary);
  unsigned char b[16] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  return (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
}
}  // namespace

// A bulk write runs with a 32 MB page cache and gives the 256 MB one back. A transaction
// that writes more than the small cache holds spills pages into the WAL before its commit,
// and commits whole.
TEST(SqliteBulkWriteTest, RunsWithTheSmallCacheAndCommitsWhatSpilled) {
  fs::path path = fs::temp_directory_path() / ("cue_bulk_" + common::newId() + ".db");
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  SqliteConnection& db = **conn;
  auto cacheKib = [&] {
    auto rows = db.query("PRAGMA cache_size", {});
    return rows.ok() && rows->size() == 1 ? (*rows)[0].i64(0) : 0;
  };
  EXPECT_EQ(cacheKib(), -262144);
  ASSERT_TRUE(db.execScript("CREATE TABLE blob (b BLOB)").ok());
  ASSERT_TRUE(db.begin().ok());
  ASSERT_TRUE(db.beginBulkWrite().ok());
  EXPECT_EQ(cacheKib(), -32768);
  // 48 MB, a row a page.
  ASSERT_TRUE(db.exec("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE "
                      "x < 12000) INSERT INTO blob (b) SELECT randomblob(4000) FROM n",
                      {})
                  .ok());
  EXPECT_GT(fs::file_size(path.string() + "-wal"), uintmax_t{8} << 20)
      << "pages spilled into the WAL before the commit";
  ASSERT_TRUE(db.endBulkWrite().ok());
  ASSERT_TRUE(db.commit().ok());
  EXPECT_EQ(cacheKib(), -262144);
  auto count = db.query("SELECT COUNT(*), SUM(LENGTH(b)) FROM blob", {});
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ((*count)[0].i64(0), 12000);
  EXPECT_EQ((*count)[0].i64(1), 48'000'000);
  auto check = db.query("PRAGMA integrity_check", {});
  ASSERT_TRUE(check.ok());
  EXPECT_EQ((*check)[0].str(0), "ok");
  conn->reset();
  removeDatabase(path);
}

// The background checkpointer copies the WAL into the database file, and a write after a
// complete checkpoint starts the WAL over instead of growing it. (It once did nothing: its
// connection had not yet read the database, so it did not know it was in WAL mode, and the
// WAL of a busy cuebot grew by gigabytes.)
TEST(SqliteCheckpointTest, WalIsCopiedIntoTheDatabaseAndStartsOver) {
  fs::path path = fs::temp_directory_path() / ("cue_ckpt_" + common::newId() + ".db");
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  SqliteConnection& db = **conn;
  // Every commit asks for a checkpoint, so the last one of a run of writes is followed by one.
  ASSERT_TRUE(db.checkpointInBackground(path.string(), /*pages=*/1).ok());
  ASSERT_TRUE(db.execScript("CREATE TABLE blob (b BLOB)").ok());
  auto write = [&](int commits) {
    for (int i = 0; i < commits; ++i)  // about four pages a commit
      ASSERT_TRUE(db.exec("INSERT INTO blob (b) VALUES (randomblob(15000))", {}).ok());
  };
  // Waits (at most 20 s) until the checkpointer has copied the whole WAL after the last commit.
  auto caughtUp = [&]() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!db.walCheckpointedSinceLastCommit()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polled with a deadline
    }
    return true;
  };
  const fs::path wal = path.string() + "-wal";
  write(50);
  ASSERT_TRUE(caughtUp()) << "no checkpoint copied the WAL (" << fs::file_size(wal) << " bytes)";
  auto pages = db.query("PRAGMA page_count", {});
  auto page_size = db.query("PRAGMA page_size", {});
  ASSERT_TRUE(pages.ok() && page_size.ok());
  EXPECT_GE(fs::file_size(path), static_cast<uintmax_t>((*pages)[0].i64(0) * (*page_size)[0].i64(0)))
      << "the database file holds every page";
  const uint32_t before = walSequence(wal);
  write(1);
  EXPECT_EQ(walSequence(wal), before + 1) << "the next write started the WAL over";
  conn->reset();
  removeDatabase(path);
}

// A writer that never pauses still gets its WAL started over: a checkpoint that ran
// beside commits leaves their frames to the next commit, which copies them, and the write
// after it starts the WAL from its beginning (before, the WAL of a busy cuebot grew by
// hundreds of megabytes, as no checkpoint ever finished between two commits).
TEST(SqliteCheckpointTest, BusyWriterWalStartsOver) {
  fs::path path = fs::temp_directory_path() / ("cue_ckpt_" + common::newId() + ".db");
  auto conn = SqliteConnection::open(path.string());
  ASSERT_TRUE(conn.ok()) << conn.status();
  SqliteConnection& db = **conn;
  ASSERT_TRUE(db.checkpointInBackground(path.string(), /*pages=*/1, std::chrono::milliseconds(1)).ok());
  ASSERT_TRUE(db.execScript("CREATE TABLE blob (b BLOB)").ok());
  const fs::path wal = path.string() + "-wal";
  ASSERT_TRUE(db.exec("INSERT INTO blob (b) VALUES (randomblob(15000))", {}).ok());
  const uint32_t first = walSequence(wal);
  int restarts = 0;
  uint32_t last = first;
  // About four pages a commit, back to back, until the WAL has started over five times (at
  // most 20 s, or until the WAL reaches 256 MB).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (restarts < 5 && std::chrono::steady_clock::now() < deadline &&
         fs::file_size(wal) < (uintmax_t{256} << 20)) {
    ASSERT_TRUE(db.begin().ok());  // as the store writes: a transaction, then commit()
    ASSERT_TRUE(db.exec("INSERT INTO blob (b) VALUES (randomblob(15000))", {}).ok());
    ASSERT_TRUE(db.exec("DELETE FROM blob WHERE rowid < (SELECT max(rowid) FROM blob)", {}).ok());
    ASSERT_TRUE(db.commit().ok());
    const uint32_t now = walSequence(wal);
    if (now != last) ++restarts;
    last = now;
  }
  EXPECT_EQ(restarts, 5) << "the WAL grew to " << fs::file_size(wal) << " bytes";
  conn->reset();
  removeDatabase(path);
}

}  // namespace cue::store::conformance
