// SQLite behind SqlConnection: WAL journal, foreign keys on, a busy timeout so that
// several processes can share one file. Prepared statements are cached by SQL text.
// The store's writer checkpoints the WAL into the database file on a thread of its own
// (checkpointInBackground) rather than inside the commit that crossed the WAL's threshold.
#pragma once

#include <chrono>
#include <memory>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cue::store {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database file at `path`; ":memory:" works too.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> open(const std::string& path);
  ~SqliteConnection() override;

  absl::StatusOr<int64_t> exec(absl::string_view sql, const std::vector<SqlValue>& params) override;
  absl::StatusOr<std::vector<SqlRow>> query(absl::string_view sql,
                                            const std::vector<SqlValue>& params) override;
  absl::Status queryEach(absl::string_view sql, const std::vector<SqlValue>& params,
                         absl::FunctionRef<void(const SqlRow&)> row) override;
  absl::Status execScript(absl::string_view sql) override;
  absl::Status begin() override;
  absl::Status beginRead() override;
  absl::Status commit() override;
  absl::Status rollback() override;
  absl::string_view dialect() const override { return "sqlite"; }
  // A bulk write runs with a 32 MB page cache instead of 256 MB. Its pages are appended at
  // the ends of the frame table and indexes: a small cache holds the pages it goes on
  // writing as well as a large one (a large one fills with pages nobody reads and evicts
  // the farm's), and filling 256 MB of pages that the process never touched before cost a
  // million-frame submission a fifth of its time in page faults.
  absl::Status beginBulkWrite() override;
  absl::Status endBulkWrite() override;

  // From now on a commit that leaves `pages` or more pages in the WAL wakes a checkpointer
  // thread, which copies the WAL into the database file (PASSIVE: it does not hold up the
  // writer or readers) on a connection of its own to `path`, at most once per `pace` (a
  // page many commits wrote is copied once). SQLite's default does the same work inside
  // the commit that crossed the threshold, so one commit in a thousand paid for all of
  // them. Once the WAL holds 32 times `pages`, a last pass of a few dozen frames holds the
  // writer's next transaction back (begin() waits), so that the WAL starts over instead of
  // growing without end.
  absl::Status checkpointInBackground(const std::string& path, int pages = 1000,
                                      std::chrono::milliseconds pace =
                                          std::chrono::milliseconds(250));
  // True once a checkpoint that began after the last commit copied the whole WAL into the
  // database file (the next write starts the WAL over). False without a checkpointer.
  bool walCheckpointedSinceLastCommit() const;

 private:
  class Checkpointer;
  explicit SqliteConnection(sqlite3* db);
  absl::StatusOr<sqlite3_stmt*> prepare(absl::string_view sql, const std::vector<SqlValue>& params);
  absl::Status error(absl::string_view what, absl::string_view sql) const;

  // Steps `stmt` to its end, handing each row to `row` (filled in place).
  absl::Status stepRows(sqlite3_stmt* stmt, absl::string_view sql,
                        absl::FunctionRef<void(std::vector<SqlValue>&)> row);

  // Looked up by the caller's SQL text as it is (no copy of the key per statement).
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
  std::unique_ptr<Checkpointer> checkpointer_;  // destroyed before db_ is closed
};

}  // namespace cue::store
