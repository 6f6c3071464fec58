// Internal to the store library: small helpers shared by SqlStore's source files
// (sql_store*.cpp; the row mappers are in sql_rows.h). Not part of the Store interface; include it
// only from SqlStore's own .cpp files.
//
// Everything here runs inside a transaction that the caller holds (SqlStore::transact),
// on the caller's thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "core/types.h"
#include "store/sql.h"
#include "store/sql_store.h"

namespace cue::store {

inline const absl::Status& statusOf(const absl::Status& st) { return st; }
template <typename T>
const absl::Status& statusOf(const absl::StatusOr<T>& r) {
  return r.status();
}

// Runs fn inside a transaction on the writer; commits if it returns OK, rolls back
// otherwise. A transaction that lost a race with another cuebot (ABORTED: PostgreSQL's
// serialization failures) runs again from the start, a few times; fn must not keep state
// between runs.
template <typename Fn>
auto SqlStore::transact(Fn&& fn) -> decltype(fn()) {
  constexpr int kAttempts = 8;
  std::lock_guard<std::mutex> lock(mu_);
  SqlConnection* const outer = ConnRef::current();
  ConnRef::current() = writer_.get();
  struct Restore {
    SqlConnection* outer;
    ~Restore() { ConnRef::current() = outer; }
  } restore{outer};
  for (int attempt = 1;; ++attempt) {
    RETURN_IF_ERROR(writer_->begin());
    auto result = fn();
    absl::Status st = statusOf(result);
    if (st.ok()) {
      st = writer_->commit();
      if (st.ok()) return result;
    }
    (void)writer_->rollback();
    if (!absl::IsAborted(st) || attempt == kAttempts) return st;
  }
}

template <typename Fn>
auto SqlStore::read(Fn&& fn) -> decltype(fn()) {
  if (readers_.empty()) return transact(std::forward<Fn>(fn));
  SqlConnection* conn = nullptr;
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty(); });
    conn = idle_.back();
    idle_.pop_back();
  }
  SqlConnection* const outer = ConnRef::current();
  ConnRef::current() = conn;
  struct Release {
    SqlStore* store;
    SqlConnection* conn;
    SqlConnection* outer;
    ~Release() {
      ConnRef::current() = outer;
      {
        std::lock_guard<std::mutex> lock(store->pool_mu_);
        store->idle_.push_back(conn);
      }
      store->pool_cv_.notify_one();
    }
  } release{this, conn, outer};
  RETURN_IF_ERROR(conn->beginRead());
  auto result = fn();
  absl::Status st = statusOf(result);
  // A read-only transaction changed nothing: ending it either way only frees its snapshot.
  (void)(st.ok() ? conn->commit() : conn->rollback());
  return result;
}

namespace sql_util {

using P = std::vector<SqlValue>;

// Statement parameters.
inline SqlValue s(const std::string& v) { return SqlValue(v); }
inline SqlValue s(std::string_view v) { return SqlValue(std::string(v)); }
inline SqlValue s(const char* v) { return SqlValue(std::string(v)); }
inline SqlValue s(absl::string_view v) { return SqlValue(std::string(v)); }
inline SqlValue i(int64_t v) { return SqlValue(v); }
inline SqlValue b(bool v) { return SqlValue(static_cast<int64_t>(v ? 1 : 0)); }

// The database's clock in epoch seconds, as the frame_touch trigger stamps a frame's
// updated_time (schema.cpp). The busiest frame updates (booking, completion, usage) stamp
// it themselves, so the trigger need not rewrite the row a second time.
inline absl::string_view nowSeconds(const SqlConnection& db) {
  return db.dialect() == "postgresql" ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)"
                                      : "CAST(strftime('%s', 'now') AS INTEGER)";
}

// Lists of names (tags, services, limits) are stored as TEXT joined with " | ".
inline std::string joinList(const std::vector<std::string>& v) { return absl::StrJoin(v, " | "); }

inline std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, '|')) {
    auto t = absl::StripAsciiWhitespace(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

// NOT_FOUND naming what was looked for and its key: "layer id 1234 was not found".
inline absl::Status notFound(absl::string_view what, absl::string_view key) {
  return absl::NotFoundError(absl::StrCat(what, " ", key, " was not found"));
}

template <typename T, typename Fn>
absl::StatusOr<std::vector<T>> mapRows(absl::StatusOr<std::vector<SqlRow>> rows, Fn fn) {
  if (!rows.ok()) return rows.status();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(fn(r));
  return out;
}

// The first row mapped, or notFound(what, key) when there is none.
template <typename T, typename Fn>
absl::StatusOr<T> mapOne(absl::StatusOr<std::vector<SqlRow>> rows, Fn fn, absl::string_view what,
                         absl::string_view key) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return notFound(what, key);
  return fn(rows->front());
}

// ---- row mappers; each goes with a column list constant ----

inline constexpr absl::string_view kGroupCols =
    "id, name, show_id, parent_id, dept, default_job_priority, default_job_min_cores, "
    "default_job_max_cores, min_cores, max_cores, default_job_min_gpus, default_job_max_gpus, "
    "min_gpus, max_gpus";
inline core::Group toGroup(const SqlRow& r) {
  core::Group g;
  g.id = r.str(0);
  g.name = r.str(1);
  g.show_id = r.str(2);
  g.parent_id = r.str(3);
  g.department = r.str(4);
  g.default_job_priority = r.i32(5);
  g.default_job_min_cores = r.i32(6);
  g.default_job_max_cores = r.i32(7);
  g.min_cores = r.i32(8);
  g.max_cores = r.i32(9);
  g.default_job_min_gpus = r.i32(10);
  g.default_job_max_gpus = r.i32(11);
  g.min_gpus = r.i32(12);
  g.max_gpus = r.i32(13);
  return g;
}

inline constexpr absl::string_view kLimitCols = "id, name, max_value";
inline core::Limit toLimit(const SqlRow& r) { return core::Limit{r.str(0), r.str(1), r.i32(2)}; }

// ---- depends (defined in sql_store_depend.cpp); each runs in the caller's transaction.
// The decisions are core/depend_rules.h's; these read what the rules need and persist
// what they decide.

inline constexpr absl::string_view kDependCols =
    "id, type, target, any_frame, active, er_job_id, er_layer_id, er_frame_id, on_job_id, "
    "on_layer_id, on_frame_id";
core::Depend toDepend(const SqlRow& r);
// Inserts a depend and, unless the rules find it satisfied already, holds its waiting side.
absl::Status addDepend(SqlConnection& db, const core::Depend& d);

// A column and the value to store in it.
using Assignment = std::pair<absl::string_view, SqlValue>;
// UPDATE table SET col = value, ... WHERE id = $1 (sql_store_admin.cpp). With no
// assignments only checks that the row exists. NOT_FOUND (notFound(what, id)) when no row
// has that id. `table` and the column names are constants of SqlStore, never caller input.
absl::Status updateById(SqlConnection& db, absl::string_view table, absl::string_view what,
                        const std::string& id, const std::vector<Assignment>& sets);
// After frame `frame_id` of layer `layer_id` of job `job_id` became done (SUCCEEDED or
// EATEN): satisfies the active depends that the rules find satisfied now. What they
// released is added to `released` when given.
absl::Status frameDone(SqlConnection& db, const std::string& job_id, const std::string& layer_id,
                       const std::string& frame_id, DependChangeResult* released = nullptr);
// A frame that became done, for framesDone: ids, and where what its depends released goes.
struct DoneFrame {
  const std::string* job_id;
  const std::string* layer_id;
  const std::string* frame_id;
  DependChangeResult* released;  // may be null
};
// frameDone for several frames at once, reading the active depends of their jobs in one
// statement. A depend that several of them satisfy is counted once, with the first.
// `also`, when given, is a query sent with that statement (one round trip on PostgreSQL);
// its rows go to `also_rows`.
absl::Status framesDone(SqlConnection& db, const std::vector<DoneFrame>& done,
                        const SqlStatement* also = nullptr,
                        std::vector<SqlRow>* also_rows = nullptr);
// After job `job_id` became FINISHED (done or killed): satisfies the depends on it.
absl::Status jobOver(SqlConnection& db, const std::string& job_id,
                     DependChangeResult* released = nullptr);

}  // namespace sql_util
}  // namespace cue::store
