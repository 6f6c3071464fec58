// SqlStore: frames ending on their hosts (completeFrames). Contracts in store.h; what a
// frame's end does to it is core/completion_rules.h's. A batch is written with one
// statement per step for all its completions (procs read, procs released, hosts' idle
// resources, history, frames, depends, jobs), not one per completion: on PostgreSQL each
// statement is a round trip, and cuebot commits the completions that arrive together as
// one batch.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status.h"
#include "core/completion_rules.h"
#include "store/sql_row_set.h"
#include "store/sql_rows.h"
#include "store/sql_util.h"

namespace cue::store {

using core::FrameState;
using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

// The most completions one set of statements carries (parameters per statement stay
// well under both backends' limits).
constexpr size_t kMaxChunk = 128;

// A completion whose proc the store holds, with what the statements need.
struct Accepted {
  size_t index;  // into the batch and the results
  const FrameCompletion* done;
  std::string host_id;
  std::string layer_id;
  CoreUnits cores = 0;
  MemoryKb reserved_memory = 0;
  EpochSec booked_time = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  MemoryKb max_rss = 0;
  MemoryKb max_gpu_memory = 0;
  bool depend_held = false;  // the frame waits on depends (a retry goes to DEPEND)
  core::CompletionOutcome outcome;
};

// Reads the procs of `chunk` and decides each frame's next state; fills `results` for the
// completions the store does not hold (NOT_FOUND).
absl::StatusOr<std::vector<Accepted>> readChunk(
    SqlConnection& db, const std::vector<size_t>& chunk, const std::vector<FrameCompletion>& batch,
    std::vector<absl::StatusOr<CompletionResult>>& results) {
  std::vector<std::string> proc_ids;
  for (size_t i : chunk) proc_ids.push_back(batch[i].proc_id);
  P params;
  ASSIGN_OR_RETURN(
      auto rows,
      db.query(
          absl::StrCat(
              "SELECT p.id, p.frame_id, p.host_id, p.reserved_cores, p.reserved_memory, "
              "p.booked_time, p.kill_reason, f.state, f.retry_count, f.layer_id, f.job_id, "
              "j.max_retries, j.state, j.auto_eat, p.max_rss, p.reserved_gpus, "
              "p.max_gpu_memory, p.reserved_gpu_memory, f.depend_count FROM proc p JOIN frame f "
              "ON p.frame_id = f.id JOIN job j "
              "ON f.job_id = j.id WHERE ",
              inSet(db, "p.id", proc_ids, params)),
          params));
  std::map<std::string, const SqlRow*, std::less<>> by_proc;
  for (const auto& r : rows) by_proc.emplace(r.str(0), &r);
  std::vector<Accepted> out;
  for (size_t i : chunk) {
    const FrameCompletion& d = batch[i];
    auto it = by_proc.find(d.proc_id);
    if (it == by_proc.end() || it->second->str(1) != d.frame_id) {
      results[i] =
          absl::NotFoundError(absl::StrCat("no proc ", d.proc_id, " runs frame ", d.frame_id,
                                           ": the completion was already handled"));
      continue;
    }
    const SqlRow& r = *it->second;
    Accepted a;
    a.index = i;
    a.done = &d;
    a.host_id = r.str(2);
    a.cores = r.i32(3);
    a.reserved_memory = r.i64(4);
    a.booked_time = r.i64(5);
    a.layer_id = r.str(9);
    a.gpus = r.i32(15);
    a.gpu_memory = r.i64(17);
    a.max_rss = std::max(d.max_rss, r.i64(14));
    a.max_gpu_memory = std::max(d.max_gpu_memory, r.i64(16));
    a.depend_held = r.i64(18) > 0;
    core::CompletionFacts facts;
    facts.frame_state = core::parseFrameState(r.str(7)).value_or(FrameState::kWaiting);
    facts.retry_count = r.i32(8);
    facts.max_retries = r.i32(11);
    facts.job_pending = r.str(12) == "PENDING";
    facts.auto_eat = r.b(13);
    facts.kill_requested = !r.str(6).empty();
    facts.exit_status = d.exit_status;
    facts.exit_signal = d.exit_signal;
    facts.oom_retry_memory = d.oom_retry_memory;
    a.outcome = core::completionOutcome(facts);
    CompletionResult res;
    res.new_state = a.outcome.next;
    res.host_id = a.host_id;
    res.job_id = r.str(10);
    results[i] = std::move(res);
    out.push_back(std::move(a));
  }
  return out;
}

// Releases the procs (their hosts get back what they reserved), records the attempts and
// moves the frames that were still RUNNING to their next state: one execAll (one round
// trip on PostgreSQL). ABORTED when one of the frames changed meanwhile (another cuebot):
// the transaction runs again.
absl::Status releaseAndUpdate(SqlConnection& db, const std::vector<Accepted>& chunk,
                              const std::vector<absl::StatusOr<CompletionResult>>& results) {
  std::vector<std::string> procs;
  std::map<std::string, HostResources, std::less<>> hosts;
  for (const auto& a : chunk) {
    procs.push_back(a.done->proc_id);
    hosts[a.host_id].add(a.cores, a.reserved_memory, a.gpus, a.gpu_memory);
  }
  std::vector<SqlStatement> statements(2);
  statements[0].sql =
      absl::StrCat("DELETE FROM proc WHERE ", inSet(db, "id", procs, statements[0].params));
  // What booking took (Store::book) is given back: idle stays cores less the sum of procs.
  statements[1] = changeIdleStatement(db, hosts, /*give_back=*/true);
  RowSet history_rows(db, {"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "BIGINT",
                           "BIGINT", "BIGINT", "INTEGER", "INTEGER", "BIGINT"});
  for (const auto& a : chunk) {
    const FrameCompletion& d = *a.done;
    history_rows.add(s(common::newId()), s(d.frame_id), s(results[a.index]->job_id), s(d.proc_id),
                     s(d.host_name), i(a.cores), i(a.reserved_memory), i(a.booked_time), i(d.now),
                     i(d.exit_status), i(d.exit_signal), i(a.max_rss));
  }
  SqlStatement& history = statements.emplace_back();
  history.sql = history_rows.insert(
      "frame_history (id, frame_id, job_id, proc_id, host_name, cores, reserved_memory, "
      "start_time, stop_time, exit_status, exit_signal, max_rss)",
      "", history.params);
  RowSet frame_rows(db, {"TEXT", "TEXT", "INTEGER", "INTEGER", "INTEGER", "BIGINT", "BIGINT",
                         "BIGINT", "TEXT", "BIGINT", "BIGINT"});
  for (const auto& a : chunk) {
    if (a.outcome.settled) continue;
    const FrameCompletion& d = *a.done;
    frame_rows.add(s(d.frame_id), s(st(a.outcome.next)), i(a.outcome.retry_count), i(d.exit_status),
                   i(d.exit_signal), i(d.now), i(a.max_rss),
                   i(static_cast<int64_t>(d.run_time) * a.cores / 100),
                   s(lastResource(d.host_name, a.cores, a.gpus)), i(a.outcome.reserved_memory),
                   i(a.max_gpu_memory));
  }
  const size_t rows = frame_rows.rows();
  size_t update = 0;  // the frames' update, in statements
  if (rows > 0) {
    // On PostgreSQL the frames are counted and their layers' usage summed here, instead of
    // by frame_count_state and frame_usage, a PL/pgSQL call per frame each (schema V9).
    SqlStatement frames;
    frames.sql = absl::StrCat(
        "WITH v (id, state, retry_count, exit_status, exit_signal, stop_time, max_rss, "
        "core_time, last_resource, reserved_memory, max_gpu_memory) AS (",
        frame_rows.sql(frames.params),
        ") UPDATE frame SET state = CASE WHEN v.state = 'WAITING' AND frame.depend_count > "
        "0 THEN 'DEPEND' ELSE v.state END, retry_count = v.retry_count, exit_status = "
        "v.exit_status, exit_signal = v.exit_signal, stop_time = v.stop_time, max_rss = "
        "CASE WHEN frame.max_rss > v.max_rss THEN frame.max_rss ELSE v.max_rss END, "
        "total_core_time = frame.total_core_time + v.core_time, last_resource = "
        "v.last_resource, reserved_memory = CASE WHEN v.reserved_memory > 0 THEN "
        "v.reserved_memory ELSE frame.reserved_memory END, max_gpu_memory = CASE WHEN "
        "frame.max_gpu_memory > v.max_gpu_memory THEN frame.max_gpu_memory ELSE "
        "v.max_gpu_memory END, version = frame.version + 1, updated_time = ",
        nowSeconds(db), " FROM v WHERE frame.id = v.id AND frame.state = 'RUNNING'");
    update = addCountedUpdate(db, statements, std::move(frames));
  }
  if (rows > 0 && countsItself(db)) {
    FrameCountChanges counts;
    std::map<std::string, LayerUsage> usage;
    for (const auto& a : chunk) {
      if (a.outcome.settled) continue;
      const FrameState next = a.outcome.next == FrameState::kWaiting && a.depend_held
                                  ? FrameState::kDepend
                                  : a.outcome.next;
      const std::string& job_id = results[a.index]->job_id;
      --counts[{a.layer_id, job_id, "RUNNING"}];
      ++counts[{a.layer_id, job_id, st(next)}];
      LayerUsage& u = usage[a.layer_id];
      u.core_time += static_cast<int64_t>(a.done->run_time) * a.cores / 100;
      u.peak_rss = std::max(u.peak_rss, a.max_rss);
    }
    if (auto c = frameCountStatement(db, counts)) statements.push_back(*std::move(c));
    if (auto u = layerUsageStatement(db, usage)) statements.push_back(*std::move(u));
  }
  ASSIGN_OR_RETURN(auto changed, db.execAll(statements));
  if (rows > 0 && changed[update] != static_cast<int64_t>(rows))
    return absl::AbortedError("a frame changed state during its completion");
  return absl::OkStatus();
}

// Satisfies the depends the done frames complete and finishes the jobs they complete.
absl::Status settleDoneFrames(SqlConnection& db, const std::vector<Accepted>& chunk,
                              std::vector<absl::StatusOr<CompletionResult>>& results) {
  std::vector<DependChangeResult> released(chunk.size());
  std::vector<DoneFrame> done;
  std::vector<std::pair<std::string, size_t>> jobs;  // job id, its last done completion in chunk
  for (size_t k = 0; k < chunk.size(); ++k) {
    const Accepted& a = chunk[k];
    if (a.outcome.settled || !core::isDone(a.outcome.next)) continue;
    const std::string& job_id = results[a.index]->job_id;
    done.push_back(DoneFrame{&job_id, &a.layer_id, &a.done->frame_id, &released[k]});
    auto it =
        std::find_if(jobs.begin(), jobs.end(), [&](const auto& j) { return j.first == job_id; });
    if (it == jobs.end())
      jobs.emplace_back(job_id, k);
    else
      it->second = k;
  }
  if (done.empty()) return absl::OkStatus();
  // The jobs with frames still to finish, read with the depends (one round trip): what
  // the depends release only moves frames between states that are not finished.
  std::vector<std::string> job_ids;
  for (const auto& [id, k] : jobs) job_ids.push_back(id);
  SqlStatement open_jobs;
  open_jobs.sql = absl::StrCat("SELECT job_id FROM frame_count WHERE ",
                               inSet(db, "job_id", job_ids, open_jobs.params),
                               " AND state NOT IN ('SUCCEEDED', 'EATEN') GROUP BY job_id "
                               "HAVING SUM(n) > 0");
  std::vector<SqlRow> open;
  RETURN_IF_ERROR(framesDone(db, done, &open_jobs, &open));
  std::set<std::string, std::less<>> still_open;
  for (const auto& r : open) still_open.insert(r.str(0));
  for (const auto& [job_id, k] : jobs) {
    if (still_open.contains(job_id)) continue;
    const Accepted& a = chunk[k];
    ASSIGN_OR_RETURN(results[a.index]->job_finished,
                     finishJobIfDone(db, job_id, a.done->now, &released[k]));
  }
  for (size_t k = 0; k < chunk.size(); ++k)
    if (!released[k].job_ids.empty())
      results[chunk[k].index]->released_job_ids = std::move(released[k].job_ids);
  return absl::OkStatus();
}

// Splits the completions at `indices` into chunks of at most kMaxChunk with no proc or
// frame twice (a second completion of the same proc goes to a later chunk, which finds it
// handled).
std::vector<std::vector<size_t>> chunksOf(const std::vector<FrameCompletion>& batch,
                                          const std::vector<size_t>& indices) {
  std::vector<std::vector<size_t>> out;
  std::set<absl::string_view> procs, frames;
  for (size_t i : indices) {
    const FrameCompletion& d = batch[i];
    if (out.empty() || out.back().size() >= kMaxChunk || procs.contains(d.proc_id) ||
        frames.contains(d.frame_id)) {
      out.emplace_back();
      procs.clear();
      frames.clear();
    }
    out.back().push_back(i);
    procs.insert(d.proc_id);
    frames.insert(d.frame_id);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<absl::StatusOr<CompletionResult>>> SqlStore::completeInTransaction(
    const std::vector<FrameCompletion>& batch) {
  // Every entry is set below: refused here, or by readChunk (NOT_FOUND or its result).
  std::vector<absl::StatusOr<CompletionResult>> results(batch.size(),
                                                        absl::UnknownError("not handled"));
  std::vector<size_t> valid;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].oom_retry_memory >= 0)
      valid.push_back(i);
    else
      results[i] = absl::InvalidArgumentError(absl::StrCat(
          "completion of frame ", batch[i].frame_id, ": oom_retry_memory must not be negative"));
  }
  for (const auto& chunk : chunksOf(batch, valid)) {
    ASSIGN_OR_RETURN(auto accepted, readChunk(*db_, chunk, batch, results));
    if (accepted.empty()) continue;
    RETURN_IF_ERROR(releaseAndUpdate(*db_, accepted, results));
    RETURN_IF_ERROR(settleDoneFrames(*db_, accepted, results));
  }
  return results;
}

absl::StatusOr<std::vector<absl::StatusOr<CompletionResult>>> SqlStore::completeFrames(
    const std::vector<FrameCompletion>& batch) {
  return transact([&] { return completeInTransaction(batch); });
}

}  // namespace cue::store
