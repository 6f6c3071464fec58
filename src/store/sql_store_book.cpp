// SqlStore: making bookings durable (book; unbook is in sql_store_hosts.cpp). Contracts
// in store.h. A few bookings (a host visit) are written one by one, each a compare-and-set
// on its host and frame; many (a farm sweep) with one statement per step for a whole
// chunk: hosts and frames read, frames moved to RUNNING, hosts' idle resources, procs. On
// PostgreSQL every statement is a round trip, and a cold farm's first sweep books thousands of
// frames in one transaction.
#include <map>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "store/sql_rows.h"
#include "store/sql_util.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

// Fewer bookings than this are written one by one (fewer statements for a host visit). On
// PostgreSQL, where each statement is a round trip and the set's writes are one pipeline,
// from 2 (setBasedFrom).
constexpr size_t kSetBasedFrom = 8;
size_t setBasedFrom(const SqlConnection& db) {
  return db.dialect() == "postgresql" ? 2 : kSetBasedFrom;
}
// The most bookings one set of statements carries.
constexpr size_t kMaxChunk = 256;

// The frame counts of the bookings' layers: each frame moved from WAITING to RUNNING.
SqlStatement countMoves(const SqlConnection& db, const std::vector<const Booking*>& fits) {
  FrameCountChanges changes;
  for (const Booking* bk : fits) {
    --changes[{bk->layer_id, bk->job_id, "WAITING"}];
    ++changes[{bk->layer_id, bk->job_id, "RUNNING"}];
  }
  return *frameCountStatement(db, changes);  // fits is never empty
}

// One booking: compare-and-set on the host's idle resources, then on the frame's state.
absl::StatusOr<bool> bookOne(SqlConnection& db, const Booking& bk) {
  ASSIGN_OR_RETURN(
      auto host_ok,
      db.exec("UPDATE host SET idle_cores = idle_cores - $2, idle_memory = "
              "idle_memory - $3, idle_gpus = idle_gpus - $4, idle_gpu_memory = "
              "idle_gpu_memory - $5 WHERE id = $1 AND state = 'UP' AND "
              "lock_state = 'OPEN' AND idle_cores >= $2 AND idle_memory >= $3 "
              "AND idle_gpus >= $4 AND idle_gpu_memory >= $5",
              {s(bk.host_id), i(bk.cores), i(bk.memory), i(bk.gpus), i(bk.gpu_memory)}));
  if (host_ok == 0) return false;
  ASSIGN_OR_RETURN(auto frame_ok,
                   db.exec(absl::StrCat("UPDATE frame SET state = 'RUNNING', start_time = $2, "
                                        "stop_time = 0, reserved_memory = $3, version = version "
                                        "+ 1, last_resource = (SELECT name FROM host WHERE id = "
                                        "$4) || $5, updated_time = ",
                                        nowSeconds(db),
                                        " WHERE id = $1 AND state = 'WAITING' AND job_id = $6 "
                                        "AND layer_id = $7"),
                           {s(bk.frame_id), i(bk.now), i(bk.memory), s(bk.host_id),
                            s(lastResource("", bk.cores, bk.gpus)), s(bk.job_id), s(bk.layer_id)}));
  if (frame_ok == 0) {
    RETURN_IF_ERROR(recomputeIdle(db, bk.host_id));
    return false;
  }
  RETURN_IF_ERROR(
      db.exec("INSERT INTO proc (id, host_id, job_id, layer_id, frame_id, show_id, "
              "reserved_cores, reserved_memory, reserved_gpus, reserved_gpu_memory, "
              "booked_time, ping_time, log_path) SELECT $1, $2, $3, $4, $5, j.show_id, $6, "
              "$7, $8, $9, $10, $10, $11 FROM job j WHERE j.id = $3",
              {s(bk.proc_id), s(bk.host_id), s(bk.job_id), s(bk.layer_id), s(bk.frame_id),
               i(bk.cores), i(bk.memory), i(bk.gpus), i(bk.gpu_memory), i(bk.now), s(bk.log_path)})
          .status());
  return true;
}

struct HostRoom {
  std::string name;
  bool open = false;  // UP and OPEN
  HostResources idle;
};

// A chunk of bookings (no frame twice) with one statement per step: the same outcome as
// bookOne for each, in order.
absl::Status bookChunk(SqlConnection& db, const std::vector<const Booking*>& chunk,
                       std::vector<Booking>& made) {
  // The hosts' room and which frames still wait: one queryAll (one round trip).
  std::vector<std::string> host_ids, frame_ids;
  for (const Booking* bk : chunk) {
    host_ids.push_back(bk->host_id);
    frame_ids.push_back(bk->frame_id);
  }
  std::vector<SqlStatement> reads(2);
  reads[0].sql = absl::StrCat(
      "SELECT id, name, CASE WHEN state = 'UP' AND lock_state = 'OPEN' THEN 1 ELSE 0 END, "
      "idle_cores, idle_memory, idle_gpus, idle_gpu_memory FROM host WHERE ",
      inSet(db, "id", host_ids, reads[0].params));
  reads[1].sql = absl::StrCat("SELECT id, job_id, layer_id FROM frame WHERE ",
                              inSet(db, "id", frame_ids, reads[1].params),
                              " AND state = 'WAITING'");
  ASSIGN_OR_RETURN(auto rows, db.queryAll(reads));
  std::map<std::string, HostRoom, std::less<>> room;
  for (const auto& r : rows[0])
    room[r.str(0)] = HostRoom{r.str(1), r.b(2), {r.i64(3), r.i64(4), r.i64(5), r.i64(6)}};
  // Waiting frames by id: their job and layer (a booking naming others is not booked).
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> waiting;
  for (const auto& r : rows[1]) waiting[r.str(0)] = {r.str(1), r.str(2)};
  // What fits, in order, as bookOne's compare-and-sets would decide one after another.
  std::vector<const Booking*> fits;
  for (const Booking* bk : chunk) {
    auto frame = waiting.find(bk->frame_id);
    if (frame == waiting.end() || frame->second.first != bk->job_id ||
        frame->second.second != bk->layer_id)
      continue;
    auto it = room.find(bk->host_id);
    if (it == room.end()) continue;
    HostRoom& h = it->second;
    if (!h.open || !h.idle.covers(bk->cores, bk->memory, bk->gpus, bk->gpu_memory)) continue;
    h.idle.add(-bk->cores, -bk->memory, -bk->gpus, -bk->gpu_memory);
    fits.push_back(bk);
  }
  if (fits.empty()) return absl::OkStatus();
  // The frames RUNNING, their hosts' idle resources and the procs: one execAll (one round
  // trip on PostgreSQL). There the chunk's frames are counted by one statement
  // (countMoves) instead of by the frame_count_state trigger, a PL/pgSQL call per frame.
  std::vector<SqlStatement> statements;
  RowSet frame_rows(db, {"TEXT", "BIGINT", "BIGINT", "TEXT"});
  for (const Booking* bk : fits)
    frame_rows.add(s(bk->frame_id), i(bk->now), i(bk->memory),
                   s(lastResource(room[bk->host_id].name, bk->cores, bk->gpus)));
  SqlStatement frames;
  frames.sql = absl::StrCat(
      "WITH v (id, now, memory, last_resource) AS (", frame_rows.sql(frames.params),
      ") UPDATE frame SET state = 'RUNNING', start_time = v.now, stop_time = 0, reserved_memory "
      "= v.memory, version = frame.version + 1, updated_time = ",
      nowSeconds(db),
      ", last_resource = v.last_resource FROM v WHERE frame.id = v.id AND frame.state = "
      "'WAITING'");
  const size_t update = addCountedUpdate(db, statements, std::move(frames));
  if (countsItself(db)) statements.push_back(countMoves(db, fits));
  std::map<std::string, HostResources, std::less<>> taken;
  for (const Booking* bk : fits)
    taken[bk->host_id].add(bk->cores, bk->memory, bk->gpus, bk->gpu_memory);
  statements.push_back(changeIdleStatement(db, taken, /*give_back=*/false));
  RowSet proc_rows(db, {"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "BIGINT", "INTEGER",
                       "BIGINT", "BIGINT", "TEXT"});
  for (const Booking* bk : fits)
    proc_rows.add(s(bk->proc_id), s(bk->host_id), s(bk->job_id), s(bk->layer_id), s(bk->frame_id),
                  i(bk->cores), i(bk->memory), i(bk->gpus), i(bk->gpu_memory), i(bk->now),
                  s(bk->log_path));
  SqlStatement& procs = statements.emplace_back();
  procs.sql = absl::StrCat(
      "WITH v (id, host_id, job_id, layer_id, frame_id, cores, memory, gpus, gpu_memory, now, "
      "log_path) AS (",
      proc_rows.sql(procs.params),
      ") INSERT INTO proc (id, host_id, job_id, layer_id, frame_id, show_id, reserved_cores, "
      "reserved_memory, reserved_gpus, reserved_gpu_memory, booked_time, ping_time, log_path) "
      "SELECT v.id, v.host_id, v.job_id, v.layer_id, v.frame_id, j.show_id, v.cores, v.memory, "
      "v.gpus, v.gpu_memory, v.now, v.now, v.log_path FROM v JOIN job j ON j.id = v.job_id");
  ASSIGN_OR_RETURN(auto changed, db.execAll(statements));
  // Read WAITING above, in this transaction: any other answer is a race lost to another
  // cuebot (the transaction runs again).
  if (changed[update] != static_cast<int64_t>(fits.size()))
    return absl::AbortedError("a frame changed state while it was being booked");
  for (const Booking* bk : fits) made.push_back(*bk);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Booking>> SqlStore::bookInTransaction(
    const std::vector<Booking>& bookings) {
  RETURN_IF_ERROR(checkBookingFence());
  std::vector<Booking> made;
  made.reserve(bookings.size());
  if (bookings.size() < setBasedFrom(*db_)) {
    for (const auto& bk : bookings) {
      ASSIGN_OR_RETURN(bool ok, bookOne(*db_, bk));
      if (ok) made.push_back(bk);
    }
    return made;
  }
  // Chunks with no frame twice: a frame's second booking goes to a later chunk, where
  // the frame is no longer WAITING.
  std::vector<const Booking*> chunk;
  std::set<std::string_view> frames;
  for (const auto& bk : bookings) {
    if (chunk.size() >= kMaxChunk || frames.contains(bk.frame_id)) {
      RETURN_IF_ERROR(bookChunk(*db_, chunk, made));
      chunk.clear();
      frames.clear();
    }
    chunk.push_back(&bk);
    frames.insert(bk.frame_id);
  }
  if (!chunk.empty()) RETURN_IF_ERROR(bookChunk(*db_, chunk, made));
  return made;
}

absl::StatusOr<std::vector<Booking>> SqlStore::book(const std::vector<Booking>& bookings) {
  return transact([&] { return bookInTransaction(bookings); });
}

absl::StatusOr<CompletedAndBooked> SqlStore::completeFramesAndBook(
    const std::vector<FrameCompletion>& batch, const std::vector<Booking>& bookings) {
  return transact([&]() -> absl::StatusOr<CompletedAndBooked> {
    CompletedAndBooked out;
    ASSIGN_OR_RETURN(out.completions, completeInTransaction(batch));
    if (!bookings.empty()) {
      ASSIGN_OR_RETURN(out.made, bookInTransaction(bookings));
    }
    return out;
  });
}

}  // namespace cue::store
