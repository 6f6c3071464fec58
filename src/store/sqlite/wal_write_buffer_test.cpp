// The WAL write buffer (wal_write_buffer.h) under SqliteConnection, on real files: a commit
// is one write and is in the file when it returns; frames SQLite writes again land where
// they belong; a write that fails fails its commit, which changes nothing.
#include "store/sqlite/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "common/ids.h"
#include "store/sqlite/sqlite_connection.h"

namespace cue::store {
namespace {

namespace fs = std::filesystem;

class WalWriteBufferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cue_walbuf_" + common::newId());
    fs::create_directories(dir_);
    path_ = dir_ / "cue.db";
    auto conn = SqliteConnection::open(path_.string());
    ASSERT_TRUE(conn.ok()) << conn.status();
    db_ = std::move(*conn);
    ASSERT_TRUE(db_->execScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)").ok());
  }
  void TearDown() override {
    db_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Copies the database and its WAL (not the wal-index) as they are on disk now, as a
  // crash would leave them, and opens the copy: SQLite rebuilds the index from the WAL.
  std::unique_ptr<SqliteConnection> openCopyOfFiles() {
    const fs::path copy = dir_ / ("copy-" + common::newId() + ".db");
    fs::copy_file(path_, copy);
    fs::copy_file(path_.string() + "-wal", copy.string() + "-wal");
    auto conn = SqliteConnection::open(copy.string());
    EXPECT_TRUE(conn.ok()) << conn.status();
    return conn.ok() ? std::move(*conn) : nullptr;
  }
  static int64_t count(SqliteConnection& db, const std::string& sql) {
    auto rows = db.query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }

  fs::path dir_, path_;
  std::unique_ptr<SqliteConnection> db_;
};

TEST_F(WalWriteBufferTest, ACommitIsOneWriteAndInTheFileWhenItReturns) {
  const uint64_t before = walWriteBufferWrites();
  ASSERT_TRUE(db_->begin().ok());
  for (int i = 0; i < 200; ++i)  // about 25 pages (100 KB): 50 writes without the buffer
    ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (?1, randomblob(400))", {int64_t{i}}).ok());
  ASSERT_TRUE(db_->commit().ok());
  EXPECT_EQ(walWriteBufferWrites() - before, 1u);
  auto copy = openCopyOfFiles();
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t"), 200);
  // A commit larger than one write (1 MB) is written in pieces, all of them.
  ASSERT_TRUE(db_->begin().ok());
  for (int i = 200; i < 2200; ++i)
    ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (?1, randomblob(500))", {int64_t{i}}).ok());
  ASSERT_TRUE(db_->commit().ok());
  copy = openCopyOfFiles();
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t"), 2200);
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t WHERE length(v) = 500"), 2000);
}

// With a cache of a few pages, SQLite writes pages of the open transaction to the WAL and
// writes some of them again (and their checksums) before the commit: those writes go to
// their places in the file, and the result is whole.
TEST_F(WalWriteBufferTest, FramesWrittenAgainWithinATransactionLandInPlace) {
  ASSERT_TRUE(db_->execScript("PRAGMA cache_size=4").ok());
  ASSERT_TRUE(db_->begin().ok());
  for (int i = 0; i < 300; ++i)
    ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (?1, randomblob(300))", {int64_t{i}}).ok());
  for (int round = 0; round < 3; ++round)
    ASSERT_TRUE(db_->exec("UPDATE t SET v = randomblob(300) WHERE k % 7 = ?1",
                          {int64_t{round}}).ok());
  ASSERT_TRUE(db_->commit().ok());
  ASSERT_TRUE(db_->exec("UPDATE t SET v = zeroblob(10) WHERE k < 5", {}).ok());
  auto copy = openCopyOfFiles();
  ASSERT_NE(copy, nullptr);
  auto check = copy->query("PRAGMA integrity_check", {});
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ((*check)[0].text(0), "ok");
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t"), 300);
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t WHERE length(v) = 10"), 5);
}

// A commit whose write fails (here the file size limit, as a full disk would) reports the
// error, and the database keeps what it had: the buffer's write is the commit's write.
TEST_F(WalWriteBufferTest, AFailedWriteFailsItsCommitAndChangesNothing) {
  ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (1, randomblob(100))", {}).ok());
  const auto wal_size = fs::file_size(path_.string() + "-wal");
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
  struct rlimit limit = old_limit;
  limit.rlim_cur = wal_size + 16 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  absl::Status committed;
  if (db_->begin().ok()) {
    for (int i = 2; i < 300; ++i)  // about 300 KB of pages
      if (!db_->exec("INSERT INTO t (k, v) VALUES (?1, randomblob(1000))", {int64_t{i}}).ok())
        break;
    committed = db_->commit();
    if (!committed.ok()) (void)db_->rollback();
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(committed.ok()) << "the commit's write went past the limit";
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM t"), 1);
  ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (2, randomblob(100))", {}).ok());
  auto copy = openCopyOfFiles();
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(count(*copy, "SELECT count(*) FROM t"), 2);
  auto check = copy->query("PRAGMA integrity_check", {});
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ((*check)[0].text(0), "ok");
}

}  // namespace
}  // namespace cue::store
