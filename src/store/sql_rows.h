// Internal to the store library: SqlStore's row mappers (each with its column list), the
// encodings of maps and IN lists, and the helpers that several of SqlStore's files run inside
// a transaction (finishing a job, recomputing a host's idle resources, requeueing a frame,
// marking procs for killing). Include only from SqlStore's own .cpp files, after sql_util.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "store/sql_row_set.h"
#include "store/sql_util.h"

namespace cue::store::sql_util {

using core::FrameState;

// Maps are stored as "key\x1fvalue\x1e..." (unit and record separators never appear in
// environment names or values that a shell would accept).
inline std::string encodeMap(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) absl::StrAppend(&out, k, "\x1f", v, "\x1e");
  return out;
}

inline std::map<std::string, std::string> decodeMap(const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view rec : absl::StrSplit(text, '\x1e', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(rec, absl::MaxSplits('\x1f', 1));
    out[kv.first] = kv.second;
  }
  return out;
}

inline std::string st(FrameState f) { return std::string(core::toString(f)); }

// "$start, $start+1, ..." placeholders for an IN list, appending values to params.
inline std::string inList(const std::vector<std::string>& values, P& params) {
  std::vector<std::string> marks;
  for (const auto& v : values) {
    params.push_back(s(v));
    marks.push_back(absl::StrCat("$", params.size()));
  }
  return absl::StrJoin(marks, ", ");
}

// ---- row mappers; each goes with a column list constant ----

inline constexpr absl::string_view kShowCols =
    "id, name, active, booking_enabled, dispatch_enabled, default_min_cores, "
    "default_max_cores, comment_email, default_min_gpus, default_max_gpus, scheduler_managed";
inline core::Show toShow(const SqlRow& r) {
  core::Show x;
  x.id = r.str(0);
  x.name = r.str(1);
  x.active = r.b(2);
  x.booking_enabled = r.b(3);
  x.dispatch_enabled = r.b(4);
  x.default_min_cores = r.i32(5);
  x.default_max_cores = r.i32(6);
  x.comment_email = r.str(7);
  x.default_min_gpus = r.i32(8);
  x.default_max_gpus = r.i32(9);
  x.scheduler_managed = r.b(10);
  return x;
}

inline constexpr absl::string_view kAllocCols =
    "a.id, a.name, a.facility_id, f.name, a.tag, a.billable FROM alloc a JOIN facility f ON "
    "a.facility_id = f.id";
inline core::Allocation toAlloc(const SqlRow& r) {
  return core::Allocation{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.b(5)};
}

inline constexpr absl::string_view kSubCols =
    "sb.id, sb.show_id, sh.name, sb.alloc_id, a.name, f.name, sb.size, sb.burst FROM "
    "subscription sb JOIN show sh ON sb.show_id = sh.id JOIN alloc a ON sb.alloc_id = a.id "
    "JOIN facility f ON a.facility_id = f.id";
inline core::Subscription toSub(const SqlRow& r) {
  return core::Subscription{r.str(0), r.str(1), r.str(2), r.str(3),
                            r.str(4), r.str(5), r.i32(6), r.i32(7)};
}

inline constexpr absl::string_view kServiceCols =
    "id, name, threadable, min_cores, max_cores, min_memory, min_gpus, max_gpus, "
    "min_gpu_memory, tags, timeout, timeout_llu, min_memory_increase";
inline core::Service toService(const SqlRow& r) {
  core::Service x;
  x.id = r.str(0);
  x.name = r.str(1);
  x.threadable = r.b(2);
  x.min_cores = r.i32(3);
  x.max_cores = r.i32(4);
  x.min_memory = r.i64(5);
  x.min_gpus = r.i32(6);
  x.max_gpus = r.i32(7);
  x.min_gpu_memory = r.i64(8);
  x.tags = splitList(r.str(9));
  x.timeout_min = r.i32(10);
  x.timeout_llu_min = r.i32(11);
  x.min_memory_increase = r.i64(12);
  return x;
}

inline constexpr absl::string_view kJobCols =
    "j.id, j.name, j.show_id, sh.name, j.shot, j.user_name, j.email, j.uid, j.folder_id, "
    "j.facility, j.dept, j.os, j.priority, j.min_cores, j.max_cores, j.min_gpus, j.max_gpus, "
    "j.max_retries, j.paused, j.auto_eat, j.state, j.log_dir, j.start_time, j.stop_time, j.env, "
    "fo.name";
inline constexpr absl::string_view kJobFrom =
    " FROM job j JOIN show sh ON j.show_id = sh.id JOIN folder fo ON j.folder_id = fo.id";
inline core::Job toJob(const SqlRow& r, size_t o = 0) {
  core::Job j;
  j.id = r.str(o + 0);
  j.name = r.str(o + 1);
  j.show_id = r.str(o + 2);
  j.show = r.str(o + 3);
  j.shot = r.str(o + 4);
  j.user = r.str(o + 5);
  j.email = r.str(o + 6);
  j.uid = r.i32(o + 7);
  j.group_id = r.str(o + 8);
  j.facility = r.str(o + 9);
  j.department = r.str(o + 10);
  j.os = r.str(o + 11);
  j.priority = r.i32(o + 12);
  j.min_cores = r.i32(o + 13);
  j.max_cores = r.i32(o + 14);
  j.min_gpus = r.i32(o + 15);
  j.max_gpus = r.i32(o + 16);
  j.max_retries = r.i32(o + 17);
  j.paused = r.b(o + 18);
  j.auto_eat = r.b(o + 19);
  j.state = core::parseJobState(r.str(o + 20)).value_or(core::JobState::kPending);
  j.log_dir = r.str(o + 21);
  j.start_time = r.i64(o + 22);
  j.stop_time = r.i64(o + 23);
  j.env = decodeMap(r.str(o + 24));
  j.group_name = r.str(o + 25);
  return j;
}
inline constexpr size_t kJobColCount = 26;

inline constexpr absl::string_view kLayerCols =
    "l.id, l.job_id, l.name, l.type, l.command, l.frame_range, l.chunk_size, l.dispatch_order, "
    "l.min_cores, l.max_cores, l.threadable, l.min_memory, l.min_gpus, l.max_gpus, "
    "l.min_gpu_memory, l.tags, l.services, l.limits, l.timeout, l.timeout_llu, l.env, l.outputs, "
    "l.slots_required, l.memory_optimizer, l.start_after, l.start_after_reason";
inline core::Layer toLayer(const SqlRow& r, size_t o = 0) {
  core::Layer l;
  l.id = r.str(o + 0);
  l.job_id = r.str(o + 1);
  l.name = r.str(o + 2);
  l.type = core::parseLayerType(r.str(o + 3)).value_or(core::LayerType::kRender);
  l.command = r.str(o + 4);
  l.range = r.str(o + 5);
  l.chunk_size = r.i32(o + 6);
  l.dispatch_order = r.i32(o + 7);
  l.min_cores = r.i32(o + 8);
  l.max_cores = r.i32(o + 9);
  l.threadable = r.b(o + 10);
  l.min_memory = r.i64(o + 11);
  l.min_gpus = r.i32(o + 12);
  l.max_gpus = r.i32(o + 13);
  l.min_gpu_memory = r.i64(o + 14);
  l.tags = splitList(r.str(o + 15));
  l.services = splitList(r.str(o + 16));
  l.limits = splitList(r.str(o + 17));
  l.timeout_min = r.i32(o + 18);
  l.timeout_llu_min = r.i32(o + 19);
  l.env = decodeMap(r.str(o + 20));
  l.outputs = splitList(r.str(o + 21));
  l.slots_required = r.i32(o + 22);
  l.memory_optimizer = r.b(o + 23);
  l.start_after = r.i64(o + 24);
  l.start_after_reason = r.str(o + 25);
  return l;
}

inline constexpr absl::string_view kFrameCols =
    "f.id, f.job_id, f.layer_id, l.name, f.name, f.number, f.state, f.dispatch_order, "
    "f.retry_count, f.exit_status, f.exit_signal, f.depend_count, f.start_time, f.stop_time, "
    "f.max_rss, f.used_memory, f.reserved_memory, f.max_pss, f.last_resource, "
    "f.total_core_time, f.version, f.checkpoint_state, f.updated_time, f.max_gpu_memory, "
    "f.used_gpu_memory";
inline constexpr absl::string_view kFrameFrom = " FROM frame f JOIN layer l ON f.layer_id = l.id";
inline core::Frame toFrame(const SqlRow& r) {
  core::Frame f;
  f.id = r.str(0);
  f.job_id = r.str(1);
  f.layer_id = r.str(2);
  f.layer_name = r.str(3);
  f.name = r.str(4);
  f.number = r.i32(5);
  f.state = core::parseFrameState(r.str(6)).value_or(FrameState::kWaiting);
  f.dispatch_order = r.i32(7);
  f.retry_count = r.i32(8);
  f.exit_status = r.i32(9);
  f.exit_signal = r.i32(10);
  f.depend_count = r.i32(11);
  f.start_time = r.i64(12);
  f.stop_time = r.i64(13);
  f.max_rss = r.i64(14);
  f.used_memory = r.i64(15);
  f.reserved_memory = r.i64(16);
  f.max_pss = r.i64(17);
  f.last_resource = r.str(18);
  f.total_core_time = r.i32(19);
  f.version = r.i32(20);
  f.checkpoint_state = r.i32(21);
  f.updated_time = r.i64(22);
  f.max_gpu_memory = r.i64(23);
  f.used_gpu_memory = r.i64(24);
  return f;
}

inline constexpr absl::string_view kHostCols =
    "h.id, h.name, h.alloc_id, a.name, fa.name, h.state, h.lock_state, h.thread_mode, "
    "h.nimby_enabled, h.cores, h.idle_cores, h.memory, h.idle_memory, h.gpus, h.idle_gpus, "
    "h.gpu_memory, h.idle_gpu_memory, h.total_memory, h.free_memory, h.total_swap, "
    "h.free_swap, h.total_mcp, h.free_mcp, h.load, h.boot_time, h.ping_time, h.os, h.tags, "
    "h.rqd_address, h.slots FROM host h JOIN alloc a ON h.alloc_id = a.id JOIN facility fa ON "
    "a.facility_id = fa.id";
inline core::Host toHost(const SqlRow& r) {
  core::Host h;
  h.id = r.str(0);
  h.name = r.str(1);
  h.alloc_id = r.str(2);
  h.alloc_name = r.str(3);
  h.facility = r.str(4);
  h.state = core::parseHardwareState(r.str(5)).value_or(core::HardwareState::kDown);
  h.lock_state = core::parseLockState(r.str(6)).value_or(core::LockState::kOpen);
  h.thread_mode = core::parseThreadMode(r.str(7)).value_or(core::ThreadMode::kAuto);
  h.nimby_enabled = r.b(8);
  h.cores = r.i32(9);
  h.idle_cores = r.i32(10);
  h.memory = r.i64(11);
  h.idle_memory = r.i64(12);
  h.gpus = r.i32(13);
  h.idle_gpus = r.i32(14);
  h.gpu_memory = r.i64(15);
  h.idle_gpu_memory = r.i64(16);
  h.total_memory = r.i64(17);
  h.free_memory = r.i64(18);
  h.total_swap = r.i64(19);
  h.free_swap = r.i64(20);
  h.total_mcp = r.i64(21);
  h.free_mcp = r.i64(22);
  h.load = r.i32(23);
  h.boot_time = r.i64(24);
  h.ping_time = r.i64(25);
  h.os = r.str(26);
  h.tags = splitList(r.str(27));
  h.rqd_address = r.str(28);
  h.slots = r.i32(29);
  return h;
}

inline constexpr absl::string_view kProcCols =
    "p.id, p.host_id, h.name, p.job_id, p.layer_id, p.frame_id, p.show_id, p.reserved_cores, "
    "p.reserved_memory, p.reserved_gpus, p.reserved_gpu_memory, p.used_memory, p.max_rss, "
    "p.used_pss, p.max_pss, p.booked_time, p.ping_time, p.kill_reason, p.log_path, p.unbook, "
    "p.redirect_job_id, p.redirect_group_id, p.used_gpu_memory, p.max_gpu_memory FROM proc p "
    "JOIN host h ON p.host_id = h.id";
inline core::Proc toProc(const SqlRow& r) {
  core::Proc p;
  p.id = r.str(0);
  p.host_id = r.str(1);
  p.host_name = r.str(2);
  p.job_id = r.str(3);
  p.layer_id = r.str(4);
  p.frame_id = r.str(5);
  p.show_id = r.str(6);
  p.reserved_cores = r.i32(7);
  p.reserved_memory = r.i64(8);
  p.reserved_gpus = r.i32(9);
  p.reserved_gpu_memory = r.i64(10);
  p.used_memory = r.i64(11);
  p.max_rss = r.i64(12);
  p.used_pss = r.i64(13);
  p.max_pss = r.i64(14);
  p.booked_time = r.i64(15);
  p.ping_time = r.i64(16);
  // A kill was requested, or an unbook: the proc goes once its frame ends.
  p.unbooked = !r.str(17).empty() || r.b(19);
  p.log_path = r.str(18);
  p.redirect_job_id = r.str(20);
  p.redirect_group_id = r.str(21);
  p.used_gpu_memory = r.i64(22);
  p.max_gpu_memory = r.i64(23);
  return p;
}

// ---- job completion: helpers that run inside a transaction ---------------------
// (the depend helpers, addDepend / frameDone / jobOver, are in sql_store_depend.cpp)

// FINISHED when every frame is SUCCEEDED or EATEN. Returns whether it finished now.
inline absl::StatusOr<bool> finishJobIfDone(SqlConnection& db, const std::string& job_id,
                                            EpochSec now, DependChangeResult* released = nullptr) {
  ASSIGN_OR_RETURN(auto open, db.query("SELECT COALESCE(SUM(n), 0) FROM frame_count WHERE "
                                       "job_id = $1 AND state NOT IN ('SUCCEEDED', 'EATEN')",
                                       {s(job_id)}));
  if (open.front().i64(0) > 0) return false;
  ASSIGN_OR_RETURN(auto n, db.exec("UPDATE job SET state = 'FINISHED', stop_time = $2 WHERE id = "
                                   "$1 AND state = 'PENDING'",
                                   {s(job_id), i(now)}));
  if (n == 0) return false;
  RETURN_IF_ERROR(jobOver(db, job_id, released));
  return true;
}

inline void addCount(core::FrameCounts& c, const std::string& state, int32_t n) {
  c.total += n;
  if (state == "WAITING")
    c.waiting += n;
  else if (state == "RUNNING")
    c.running += n;
  else if (state == "DEAD")
    c.dead += n;
  else if (state == "EATEN")
    c.eaten += n;
  else if (state == "DEPEND")
    c.depend += n;
  else if (state == "SUCCEEDED")
    c.succeeded += n;
  else if (state == "SETUP")
    c.setup += n;
  else if (state == "CHECKPOINT")
    c.checkpoint += n;
}
// Marks the procs of running frames among `where` (a condition on p.) for killing and
// returns them.
inline absl::StatusOr<std::vector<core::Proc>> markProcsForKill(SqlConnection& db,
                                                                const std::string& where,
                                                                const P& params,
                                                                absl::string_view reason) {
  ASSIGN_OR_RETURN(
      auto procs,
      mapRows<core::Proc>(db.query(absl::StrCat("SELECT ", kProcCols, " WHERE ", where), params),
                          toProc));
  for (const auto& p : procs)
    RETURN_IF_ERROR(
        db.exec("UPDATE proc SET kill_reason = $2 WHERE id = $1", {s(p.id), s(reason)}).status());
  return procs;
}

// Recomputes a host's idle resources from the procs booked on it.
inline absl::Status recomputeIdle(SqlConnection& db, const std::string& host_id) {
  return db
      .exec(
          "UPDATE host SET idle_cores = cores - (SELECT COALESCE(SUM(reserved_cores), 0) FROM "
          "proc WHERE host_id = $1), idle_memory = memory - (SELECT "
          "COALESCE(SUM(reserved_memory), 0) FROM proc WHERE host_id = $1), idle_gpus = gpus - "
          "(SELECT COALESCE(SUM(reserved_gpus), 0) FROM proc WHERE host_id = $1), "
          "idle_gpu_memory = gpu_memory - (SELECT COALESCE(SUM(reserved_gpu_memory), 0) FROM "
          "proc WHERE host_id = $1) WHERE id = $1",
          {s(host_id)})
      .status();
}

// A frame's last_resource as OpenCue writes it: "host/cores/gpus" (cores in whole cores).
inline std::string lastResource(absl::string_view host_name, int64_t cores, int64_t gpus) {
  return absl::StrCat(host_name, "/", cores / 100.0, "/", gpus);
}

// Cores, memory, GPUs and GPU memory that procs hold on a host: what booking takes from its
// idle resources and a completion gives back.
struct HostResources {
  int64_t cores = 0, memory = 0, gpus = 0, gpu_memory = 0;
  void add(int64_t c, int64_t m, int64_t g, int64_t gm) {
    cores += c;
    memory += m;
    gpus += g;
    gpu_memory += gm;
  }
  bool covers(int64_t c, int64_t m, int64_t g, int64_t gm) const {
    return cores >= c && memory >= m && gpus >= g && gpu_memory >= gm;
  }
};
// Adds (give_back) or takes each host's resources to or from its idle resources, one
// statement for all the hosts (not empty).
inline SqlStatement changeIdleStatement(
    const SqlConnection& db, const std::map<std::string, HostResources, std::less<>>& hosts,
    bool give_back) {
  RowSet rows(db, {"TEXT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"});
  for (const auto& [id, r] : hosts)
    rows.add(s(id), i(r.cores), i(r.memory), i(r.gpus), i(r.gpu_memory));
  SqlStatement st;
  const char* op = give_back ? " + " : " - ";
  st.sql = absl::StrCat(
      "WITH v (id, cores, memory, gpus, gpu_memory) AS (", rows.sql(st.params),
      ") UPDATE host SET idle_cores = host.idle_cores", op,
      "v.cores, idle_memory = host.idle_memory", op, "v.memory, idle_gpus = host.idle_gpus", op,
      "v.gpus, idle_gpu_memory = host.idle_gpu_memory", op,
      "v.gpu_memory FROM v WHERE host.id = v.id");
  return st;
}

// PostgreSQL: frame_count_state and frame_usage skip the frames of the statements between
// these two (schema V9), and the transaction counts them itself (frameCountStatement,
// layerUsageStatement): a booking or a completion chunk in a few statements instead of
// a PL/pgSQL call per frame.
inline constexpr absl::string_view kCountedHere =
    "SELECT set_config('cue.frames_counted', 'on', true)";
inline constexpr absl::string_view kCountedByTrigger =
    "SELECT set_config('cue.frames_counted', 'off', true)";

// Whether the store's own statements count the frames they move (PostgreSQL), rather
// than leave it to the per-row triggers (SQLite, where they cost a few percent).
inline bool countsItself(const SqlConnection& db) { return db.dialect() == "postgresql"; }

// Appends `update`, a statement that moves frames between states, to `statements`: where
// the store counts itself, between kCountedHere and kCountedByTrigger, and the caller then
// appends frameCountStatement (and layerUsageStatement). Returns the update's index.
inline size_t addCountedUpdate(const SqlConnection& db, std::vector<SqlStatement>& statements,
                               SqlStatement update) {
  const bool here = countsItself(db);
  if (here) statements.push_back({std::string(kCountedHere), {}});
  statements.push_back(std::move(update));
  const size_t at = statements.size() - 1;
  if (here) statements.push_back({std::string(kCountedByTrigger), {}});
  return at;
}

// Frames that moved, by (layer id, job id, state): +n into a state, -n out of it.
using FrameCountChanges = std::map<std::tuple<std::string, std::string, std::string>, int64_t>;

// frame_count moved by `changes` (one upsert); nullopt when nothing moves.
inline std::optional<SqlStatement> frameCountStatement(const SqlConnection& db,
                                                       const FrameCountChanges& changes) {
  RowSet rows(db, {"TEXT", "TEXT", "TEXT", "BIGINT"});
  for (const auto& [key, n] : changes) {
    if (n == 0) continue;
    const auto& [layer, job, state] = key;
    rows.add(SqlValue(layer), SqlValue(job), SqlValue(state), SqlValue(n));
  }
  if (rows.rows() == 0) return std::nullopt;
  SqlStatement st;
  st.sql = absl::StrCat(rows.insert("frame_count (layer_id, job_id, state, n)", "", st.params),
                        " ON CONFLICT (layer_id, state) DO UPDATE SET n = frame_count.n + "
                        "EXCLUDED.n");
  return st;
}

// Per layer: core time added and the highest RSS of its frames now (frame_usage's work).
struct LayerUsage {
  int64_t core_time = 0;
  int64_t peak_rss = 0;
};
inline std::optional<SqlStatement> layerUsageStatement(
    const SqlConnection& db, const std::map<std::string, LayerUsage>& usage) {
  if (usage.empty()) return std::nullopt;
  RowSet rows(db, {"TEXT", "BIGINT", "BIGINT"});
  for (const auto& [layer, u] : usage)
    rows.add(SqlValue(layer), SqlValue(u.core_time), SqlValue(u.peak_rss));
  SqlStatement st;
  st.sql = absl::StrCat(
      "WITH v (id, core_time, peak_rss) AS (", rows.sql(st.params),
      ") UPDATE layer SET core_time = layer.core_time + v.core_time, peak_rss = CASE WHEN "
      "layer.peak_rss > v.peak_rss THEN layer.peak_rss ELSE v.peak_rss END FROM v WHERE "
      "layer.id = v.id");
  return st;
}

inline absl::StatusOr<core::Host> loadHost(SqlConnection& db, absl::string_view where,
                                           const P& params, absl::string_view key) {
  return mapOne<core::Host>(db.query(absl::StrCat("SELECT ", kHostCols, " WHERE ", where), params),
                            toHost, "host", key);
}

// Releases a proc's frame after its host was lost: back to WAITING (or DEPEND).
inline absl::Status requeueFrame(SqlConnection& db, const std::string& frame_id) {
  return db
      .exec(
          "UPDATE frame SET state = CASE WHEN depend_count > 0 THEN 'DEPEND' ELSE 'WAITING' END, "
          "version = version + 1 WHERE id = $1 AND state = 'RUNNING'",
          {s(frame_id)})
      .status();
}

// Filters' matchers and actions.
inline constexpr absl::string_view kMatcherCols = "id, filter_id, subject, match_type, input";
inline core::Matcher toMatcher(const SqlRow& r) {
  return core::Matcher{r.str(0), r.str(1), static_cast<core::MatchSubject>(r.i32(2)),
                       static_cast<core::MatchType>(r.i32(3)), r.str(4)};
}

inline constexpr absl::string_view kActionCols =
    "id, filter_id, type, value_type, group_value, string_value, integer_value, float_value, "
    "boolean_value";
inline core::Action toAction(const SqlRow& r) {
  core::Action a;
  a.id = r.str(0);
  a.filter_id = r.str(1);
  a.type = static_cast<core::ActionType>(r.i32(2));
  a.value_type = static_cast<core::ActionValueType>(r.i32(3));
  a.group_value = r.str(4);
  a.string_value = r.str(5);
  a.integer_value = r.i64(6);
  a.float_value = static_cast<float>(r.f64(7));
  a.boolean_value = r.b(8);
  return a;
}

}  // namespace cue::store::sql_util
