// The page cache layer (page_cache.h): what it knows of a cache's page numbers, and under
// SqliteConnection on a real file, commits that split pages skip the cache's walk while
// a truncation that may drop a page still happens.
#include "store/sqlite/page_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "common/ids.h"
#include "store/sqlite/sqlite_connection.h"

namespace cue::store {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kTemporary = 262145;  // the locking byte's page for 4 KB pages

TEST(PageKeyBoundTest, ASwapThroughTheTemporaryNumberLeavesNothingPastTheEnd) {
  PageKeyBound b(kTemporary);
  for (uint32_t k = 1; k <= 100; ++k) b.created(k);
  EXPECT_FALSE(b.mayHoldFrom(101));  // the database's 100 pages: nothing past them
  // A balance swaps pages 40 and 90 through the temporary number.
  b.moved(40, kTemporary);
  EXPECT_TRUE(b.mayHoldFrom(101));  // a page holds the temporary number meanwhile
  b.moved(90, 40);
  b.moved(kTemporary, 90);
  EXPECT_FALSE(b.mayHoldFrom(101));
  EXPECT_TRUE(b.mayHoldFrom(100));  // page 100 is there
}

TEST(PageKeyBoundTest, PagesCreatedOrMovedPastTheEndAreTruncatedAndThenForgotten) {
  PageKeyBound b(kTemporary);
  for (uint32_t k = 1; k <= 10; ++k) b.created(k);
  b.created(15);  // a transaction grew the database, then rolled back to 10 pages
  EXPECT_TRUE(b.mayHoldFrom(11));
  b.truncated(11);
  EXPECT_FALSE(b.mayHoldFrom(11));
  b.moved(3, 12);
  EXPECT_TRUE(b.mayHoldFrom(11));
  // A truncation below the temporary number drops a page left there too.
  b.moved(4, kTemporary);
  b.truncated(11);
  EXPECT_FALSE(b.mayHoldFrom(11));
}

class PageCacheLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cue_pcache_" + common::newId());
    fs::create_directories(dir_);
    auto conn = SqliteConnection::open((dir_ / "cue.db").string());
    ASSERT_TRUE(conn.ok()) << conn.status();
    db_ = std::move(*conn);
    // Text keys in random order: inserts split and rebalance index pages all over.
    ASSERT_TRUE(db_->execScript("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)").ok());
  }
  void TearDown() override {
    db_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void insert(int from, int to) {
    for (int i = from; i < to; ++i)
      ASSERT_TRUE(db_->exec("INSERT INTO t (k, v) VALUES (hex(randomblob(16)) || ?1, "
                            "randomblob(300))",
                            {std::to_string(i)})
                      .ok());
  }
  int64_t count(const std::string& sql) {
    auto rows = db_->query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }
  std::string integrity() {
    auto rows = db_->query("PRAGMA integrity_check", {});
    return rows.ok() && !rows->empty() ? (*rows)[0].str(0) : rows.status().ToString();
  }

  fs::path dir_;
  std::unique_ptr<SqliteConnection> db_;
};

TEST_F(PageCacheLayerTest, CommitsThatSplitPagesSkipTheWalkAndTheDataStaysWhole) {
  ASSERT_TRUE(installPageCacheLayer()) << "SQLite was initialized before the store opened";
  const uint64_t before = pageCacheTruncationsSkipped();
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(db_->begin().ok());
    insert(round * 100, round * 100 + 100);
    ASSERT_TRUE(db_->commit().ok());
  }
  // Every commit truncates the cache at the database's end; the layer answered them. Most
  // of these commits swapped pages through the temporary number: counted as a page past
  // the end, the swap sends a commit to the walk (5 of 50 skipped then, checked).
  EXPECT_GE(pageCacheTruncationsSkipped() - before, 50u);
  EXPECT_EQ(count("SELECT count(*) FROM t"), 5000);
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(PageCacheLayerTest, AConnectionSeesWhatAnotherWroteSinceItsPagesWereCached) {
  ASSERT_TRUE(db_->begin().ok());
  insert(0, 2000);
  ASSERT_TRUE(db_->commit().ok());
  EXPECT_EQ(count("SELECT count(*) FROM t WHERE length(v) = 300"), 2000);  // all cached now
  // Another connection rewrites every row: the first one's cache must be emptied when it
  // next reads (a truncation of everything, which the layer must never skip).
  auto other = SqliteConnection::open((dir_ / "cue.db").string());
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->execScript("UPDATE t SET v = randomblob(100)").ok());
  EXPECT_EQ(count("SELECT count(*) FROM t WHERE length(v) = 100"), 2000);
  EXPECT_EQ(integrity(), "ok");
}

}  // namespace
}  // namespace cue::store
