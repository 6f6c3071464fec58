#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/process.h"
#include "common/status.h"
#include "store/sqlite/page_cache.h"
#include "store/sqlite/wal_write_buffer.h"

namespace cue::store {

namespace {

// Statements without parameters on a raw connection (execScript, the checkpointer's own).
absl::Status runScript(sqlite3* db, absl::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return absl::InternalError(absl::StrCat("SQLite script failed: ", msg));
  }
  return absl::OkStatus();
}

// A 256 MB page cache (in KiB): a farm's frame indexes stay in memory (SQLite's default of
// 2 MB made every insert of a million-frame job a disk read). Bulk writes run with less.
constexpr absl::string_view kCacheSize = "PRAGMA cache_size=-262144";

// A connection of our own to `path` (one thread at a time), with a 10 s busy timeout.
absl::StatusOr<sqlite3*> openRaw(const std::string& path, int flags, absl::string_view what) {
  sqlite3* db = nullptr;
  installPageCacheLayer();  // before anything initializes SQLite (the VFS registration does)
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, walWriteBufferVfs());
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("cannot open SQLite database ", path, what, ": ", msg));
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
  ASSIGN_OR_RETURN(sqlite3 * db, openRaw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ""));
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  auto st = conn->execScript(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
      "PRAGMA temp_store=MEMORY;");
  if (st.ok()) st = conn->execScript(kCacheSize);
  if (!st.ok()) return st;
  return conn;
}

class SqliteConnection::Checkpointer {
 public:
  Checkpointer(sqlite3* db, int pages, std::chrono::milliseconds pace)
      : db_(db), pages_(pages), pace_(pace) {
    thread_ = std::thread([this] {
      common::nameThisThread("checkpoint");
      run();
    });
  }
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    sqlite3_close(db_);
  }
  // sqlite3_wal_hook: after each commit, with the WAL's size in pages. Past the threshold,
  // a commit asks for a checkpoint: the first to ask wakes the checkpointer, the others
  // find it asked (a wake-up per commit cost hundreds of futex calls a second).
  static int onCommit(void* self, sqlite3*, const char*, int wal_pages) {
    auto* c = static_cast<Checkpointer*>(self);
    c->commits_.fetch_add(1);
    c->wal_pages_.store(wal_pages);
    if (wal_pages >= c->pages_ && !c->asked_.exchange(true)) {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->due_ = true;
      c->cv_.notify_all();
    }
    return SQLITE_OK;
  }

  // The writer's transactions pass through a gate (begin: enter; commit or rollback:
  // leave), which the checkpointer closes for its last pass only.
  void enter() {
    std::unique_lock<std::mutex> lock(gate_mu_);
    gate_cv_.wait(lock, [this] { return !gate_closed_; });
    in_transaction_ = true;
  }
  void leave() {
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      in_transaction_ = false;
    }
    gate_cv_.notify_all();
  }

  bool caughtUp() const {
    const uint64_t commits = commits_.load();
    return commits > 0 && caught_up_to_.load() == commits;
  }

 private:
  // One PASSIVE checkpoint; returns the WAL frames it left uncopied (those committed
  // while it ran included), or -1.
  int checkpoint() {
    const uint64_t commits = commits_.load();
    int log = -1, copied = -1;
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (log < 0) return -1;
    if (copied == log && commits_.load() == commits) {
      caught_up_to_.store(commits);
      return 0;
    }
    return std::max(1, wal_pages_.load() - copied);
  }

  // Syncs the database file and the WAL through this connection's handles, outside the
  // gate: the checkpoint that ends the WAL syncs both, and with the passes' tens of
  // megabytes already on disk its syncs flush only what the last frames changed.
  void syncFiles() {
    for (int op : {SQLITE_FCNTL_FILE_POINTER, SQLITE_FCNTL_JOURNAL_POINTER}) {
      sqlite3_file* file = nullptr;
      if (sqlite3_file_control(db_, "main", op, &file) == SQLITE_OK && file && file->pMethods)
        file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    }
  }

  // The last few frames with the writer held at the gate: with nothing left to copy, the
  // next write starts the WAL over (a checkpoint racing a busy writer never catches up
  // alone, and the WAL grew by hundreds of megabytes).
  void checkpointWithWriterHeld() {
    {
      std::unique_lock<std::mutex> lock(gate_mu_);
      gate_closed_ = true;
      gate_cv_.wait(lock, [this] { return !in_transaction_; });
    }
    checkpoint();
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      gate_closed_ = false;
    }
    gate_cv_.notify_all();
  }

  // At most one checkpoint per pace: a page written by many commits in that time (a host,
  // a job's counters, an index leaf) is copied once, not once per commit.
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stopping_ || due_; });
      if (stopping_) return;
      due_ = false;
      asked_ = false;
      lock.unlock();
      // Again while the commits made during the last pass are many (each pass copies what
      // the one before left: a few milliseconds' worth after two or three), then, once the
      // WAL is large (kRestartFactor), the rest with the writer held for those few frames
      // only, so that the next write starts the WAL over. The files are synced before that
      // last pass (and the frames committed meanwhile copied), so that the writer is held
      // for the syncs of a few frames, not of everything the passes copied: in a churn on
      // ext4 the held pass went from 17 to 8 ms (median), the fixed cost of two syncs.
      int left = checkpoint();
      for (int pass = 0; pass < 4 && left > kHeldFrames; ++pass) left = checkpoint();
      if (left > 0 && wal_pages_.load() >= pages_ * kRestartFactor) {
        syncFiles();
        if (checkpoint() > 0) checkpointWithWriterHeld();
      }
      lock.lock();
      cv_.wait_for(lock, pace_, [this] { return stopping_; });
    }
  }

  sqlite3* db_;  // the checkpointer's own connection
  const int pages_;
  const std::chrono::milliseconds pace_;
  std::atomic<uint64_t> commits_{0};       // commits seen by onCommit
  std::atomic<uint64_t> caught_up_to_{0};  // commits_ when the last whole-WAL checkpoint began
  std::atomic<int> wal_pages_{0};          // the WAL's size after the last commit
  static constexpr int kHeldFrames = 64;   // most frames copied with the writer held
  // The writer is held to start the WAL over only once the WAL holds this many times the
  // checkpoint threshold (about 125 MB at 1,000 pages): a busy writer's WAL grows to that
  // and starts over, while the passes between copy it as before. Held every 0.6 s (each
  // pace), the 8 ms of syncs were the churn's slowest launches; its p99 fell from
  // 8.3-11.6 ms (median 11.0) to 8.5-12.1 (median 9.4), five runs each.
  static constexpr int kRestartFactor = 32;
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool gate_closed_ = false;
  bool in_transaction_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false;
  std::atomic<bool> asked_{false};  // due_ is set, or about to be: commits need not wake
  bool stopping_ = false;
  std::thread thread_;
};

SqliteConnection::SqliteConnection(sqlite3* db) : db_(db) {}

bool SqliteConnection::walCheckpointedSinceLastCommit() const {
  return checkpointer_ && checkpointer_->caughtUp();
}

absl::Status SqliteConnection::checkpointInBackground(const std::string& path, int pages,
                                                      std::chrono::milliseconds pace) {
  ASSIGN_OR_RETURN(sqlite3 * db, openRaw(path, SQLITE_OPEN_READWRITE, " for checkpoints"));
  // A connection learns that the database is in WAL mode when it first reads it; until then
  // sqlite3_wal_checkpoint_v2 does nothing and says nothing is wrong (its frame counts
  // come back -1), and the WAL grew for as long as cuebot ran.
  if (absl::Status st = runScript(db, "PRAGMA journal_mode=WAL"); !st.ok()) {
    sqlite3_close(db);
    return absl::InternalError(absl::StrCat("checkpointer for ", path, ": ", st.message()));
  }
  // The database file grows 16 MB at a time: a checkpoint that reaches the end of the WAL
  // otherwise extends it to the pages it now has, and that size change cost 10-20 ms of
  // file-system sync each time on a growing store.
  int chunk = 16 << 20;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
  checkpointer_ = std::make_unique<Checkpointer>(db, pages, pace);
  // Replaces SQLite's automatic checkpoint in the committing connection.
  sqlite3_wal_hook(db_, &Checkpointer::onCommit, checkpointer_.get());
  return absl::OkStatus();
}

SqliteConnection::~SqliteConnection() {
  if (checkpointer_) sqlite3_wal_hook(db_, nullptr, nullptr);
  checkpointer_.reset();
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

absl::Status SqliteConnection::error(absl::string_view what, absl::string_view sql) const {
  int code = sqlite3_extended_errcode(db_);
  std::string msg = absl::StrCat(what, ": ", sqlite3_errmsg(db_), " in: ", sql.substr(0, 200));
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    return absl::AlreadyExistsError(msg);
  if ((code & 0xff) == SQLITE_CONSTRAINT) return absl::FailedPreconditionError(msg);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

namespace {

// The shared SQL numbers parameters PostgreSQL's way ("$7"); SQLite reads "$7" as a parameter
// *named* "$7" whose index must be looked up by name (a linear scan per parameter, so a
// 10,000-id IN list cost 50 M steps per call). "?7" is SQLite's own form: index 7, no lookup
// when binding, though SQLite still looks each one up by number once as it compiles the
// statement (a scan of the numbers before it). So a statement whose parameters are $1, $2,
// ... $N, each once and in that order (the generated VALUES and IN lists of bookings and
// completions), gets plain "?", which SQLite numbers by position without any lookup; any
// other statement gets "?N". Quoted text ('...', "...") is left as it is.
std::string numberedParams(absl::string_view sql) {
  // Where each "$N" outside quotes begins and ends, and whether they run 1, 2, ... N.
  struct Param {
    size_t at, end;
  };
  std::vector<Param> found;
  bool in_order = true;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
      size_t end = i + 1;
      uint64_t n = 0;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9' && n < 1'000'000)
        n = n * 10 + static_cast<uint64_t>(sql[end++] - '0');
      in_order = in_order && n == found.size() + 1;
      found.push_back({i, end});
      i = end - 1;
    }
  }
  std::string out;
  out.reserve(sql.size());
  size_t from = 0;
  for (const Param& p : found) {
    out.append(sql.data() + from, p.at - from);
    out += '?';
    if (!in_order) out.append(sql.data() + p.at + 1, p.end - p.at - 1);
    from = p.end;
  }
  out.append(sql.data() + from, sql.size() - from);
  return out;
}

}  // namespace

absl::StatusOr<sqlite3_stmt*> SqliteConnection::prepare(absl::string_view sql,
                                                        const std::vector<SqlValue>& params) {
  sqlite3_stmt* stmt = nullptr;
  auto it = cache_.find(std::string_view(sql.data(), sql.size()));
  if (it != cache_.end()) {
    stmt = it->second;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  } else {
    const std::string text = numberedParams(sql);
    if (sqlite3_prepare_v2(db_, text.c_str(), static_cast<int>(text.size()), &stmt, nullptr) !=
        SQLITE_OK)
      return error("prepare", sql);
    // Binding is by position: every parameter must be "?N" at index N (or an unused number).
    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt, i);
      if (name != nullptr && absl::StrCat("?", i) != name) {
        sqlite3_finalize(stmt);
        return absl::InternalError(
            absl::StrCat("parameter ", name, " is not numbered $N in: ", sql));
      }
    }
    cache_.emplace(std::string(sql), stmt);
  }
  // "?7" (written "$7") binds params[6]; the count is the highest number used.
  const int n = sqlite3_bind_parameter_count(stmt);
  if (static_cast<size_t>(n) > params.size())
    return absl::InternalError(absl::StrCat("parameter $", n, " unbound in: ", sql));
  for (int i = 1; i <= n; ++i) {
    const SqlValue& v = params[i - 1];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, i);
    } else if (auto* x = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, i, *x);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, i, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      // Static: the caller's params outlive the step, and the next use clears the binding.
      rc = sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return error("bind", sql);
  }
  return stmt;
}

absl::StatusOr<int64_t> SqliteConnection::exec(absl::string_view sql,
                                               const std::vector<SqlValue>& params) {
  auto stmt = prepare(sql, params);
  if (!stmt.ok()) return stmt.status();
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    auto st = error("exec", sql);
    sqlite3_reset(*stmt);
    return st;
  }
  sqlite3_reset(*stmt);
  return static_cast<int64_t>(sqlite3_changes(db_));
}

absl::Status SqliteConnection::stepRows(sqlite3_stmt* stmt, absl::string_view sql,
                                        absl::FunctionRef<void(std::vector<SqlValue>&)> row) {
  const int cols = sqlite3_column_count(stmt);
  std::vector<SqlValue> values(static_cast<size_t>(cols));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    values.resize(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      SqlValue& v = values[static_cast<size_t>(c)];
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: v = static_cast<int64_t>(sqlite3_column_int64(stmt, c)); break;
        case SQLITE_FLOAT: v = sqlite3_column_double(stmt, c); break;
        case SQLITE_NULL: v = std::monostate{}; break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          const auto n = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
          if (auto* str = std::get_if<std::string>(&v))
            str->assign(text, n);  // the row before's buffer, when it is reused
          else
            v.emplace<std::string>(text, n);
        }
      }
    }
    row(values);
  }
  absl::Status st = rc == SQLITE_DONE ? absl::OkStatus() : error("query", sql);
  sqlite3_reset(stmt);
  return st;
}

absl::StatusOr<std::vector<SqlRow>> SqliteConnection::query(absl::string_view sql,
                                                            const std::vector<SqlValue>& params) {
  auto stmt = prepare(sql, params);
  if (!stmt.ok()) return stmt.status();
  std::vector<SqlRow> rows;
  RETURN_IF_ERROR(
      stepRows(*stmt, sql, [&](std::vector<SqlValue>& values) { rows.emplace_back(std::move(values)); }));
  return rows;
}

absl::Status SqliteConnection::queryEach(absl::string_view sql,
                                         const std::vector<SqlValue>& params,
                                         absl::FunctionRef<void(const SqlRow&)> row) {
  auto stmt = prepare(sql, params);
  if (!stmt.ok()) return stmt.status();
  SqlRow reused;
  return stepRows(*stmt, sql, [&](std::vector<SqlValue>& values) {
    reused.values().swap(values);
    row(reused);
    reused.values().swap(values);
  });
}

absl::Status SqliteConnection::execScript(absl::string_view sql) { return runScript(db_, sql); }

absl::Status SqliteConnection::begin() {
  if (checkpointer_) checkpointer_->enter();
  absl::Status st = execScript("BEGIN IMMEDIATE");
  if (!st.ok() && checkpointer_) checkpointer_->leave();
  return st;
}
// Deferred: a WAL reader takes a snapshot at its first read and takes no write lock.
absl::Status SqliteConnection::beginRead() { return execScript("BEGIN"); }

absl::Status SqliteConnection::beginBulkWrite() { return execScript("PRAGMA cache_size=-32768"); }

absl::Status SqliteConnection::endBulkWrite() { return execScript(kCacheSize); }

// A writer's COMMIT that fails leaves the transaction open: the store rolls it back.
absl::Status SqliteConnection::commit() {
  absl::Status st = execScript("COMMIT");
  if (st.ok() && checkpointer_) checkpointer_->leave();
  return st;
}
absl::Status SqliteConnection::rollback() {
  absl::Status st = execScript("ROLLBACK");
  if (checkpointer_) checkpointer_->leave();
  return st;
}

}  // namespace cue::store
