// SqlStore: hosts and procs (booking: sql_store_book.cpp; frame completion:
// sql_store_complete.cpp).
// Contracts in store.h.
#include "store/sql_store.h"

#include <map>
#include <optional>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/ids.h"
#include "common/status.h"
#include "core/host_rules.h"
#include "store/schema.h"
#include "store/sql_rows.h"
#include "store/sql_util.h"

namespace cue::store {

using core::FrameState;
using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

// ---- hosts and procs --------------------------------------------------------------

namespace {

// The state a host that reports goes to (core::stateOnReport), from its stored state.
std::string stateOnReport(const std::string& stored) {
  return std::string(core::toString(
      core::stateOnReport(core::parseHardwareState(stored).value_or(core::HardwareState::kUp))));
}

}  // namespace

absl::StatusOr<core::Host> SqlStore::upsertHost(const HostReportData& r) {
  if (r.name.empty()) return absl::InvalidArgumentError("a host report must name the host");
  return transact([&]() -> absl::StatusOr<core::Host> {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT id, lock_state, state FROM host WHERE name = $1",
                                           {s(r.name)}));
    std::string id;
    if (rows.empty()) {
      id = common::newId();
      // The farm's default allocation (AllocSetDefault) when it is in the host's facility,
      // else the facility's general allocation, else the default, else local.general.
      const std::string facility = r.facility.empty() ? "local" : r.facility;
      ASSIGN_OR_RETURN(
          auto alloc,
          db_->query("SELECT a.id, a.tag FROM alloc a JOIN facility f ON a.facility_id = f.id "
                     "LEFT JOIN farm_setting d ON d.name = 'default_allocation' AND d.value = "
                     "a.id WHERE a.name = $1 OR a.name = 'local.general' OR d.value IS NOT NULL "
                     "ORDER BY (d.value IS NOT NULL AND f.name = $2) DESC, (a.name = $1) DESC, "
                     "(d.value IS NOT NULL) DESC",
                     {s(absl::StrCat(facility, ".general")), s(facility)}));
      if (alloc.empty()) return absl::FailedPreconditionError("no allocation to place hosts in");
      std::vector<std::string> tags = r.tags;
      tags.push_back(alloc[0].str(1));
      RETURN_IF_ERROR(db_->exec("INSERT INTO host (id, name, alloc_id, state, lock_state, cores, "
                                "idle_cores, memory, idle_memory, tags) VALUES ($1, $2, $3, 'UP', "
                                "'OPEN', 0, 0, 0, 0, $4)",
                                {s(id), s(r.name), s(alloc[0].str(0)), s(joinList(tags))})
                          .status());
    } else {
      id = rows[0].str(0);
    }
    std::string lock = r.nimby_locked                                  ? "NIMBY_LOCKED"
                       : (!rows.empty() && rows[0].str(1) == "LOCKED") ? "LOCKED"
                                                                       : "OPEN";
    const std::string state = stateOnReport(rows.empty() ? "UP" : rows[0].str(2));
    RETURN_IF_ERROR(
        db_->exec("UPDATE host SET lock_state = $2, cores = $3, memory = $4, gpus = "
                  "$5, gpu_memory = $6, total_memory = $7, free_memory = $8, total_swap = $9, "
                  "free_swap = $10, total_mcp = $11, free_mcp = $12, load = $13, boot_time = $14, "
                  "ping_time = $15, os = $16, rqd_address = $17, slots = $18, state = $19 WHERE "
                  "id = $1",
                  {s(id), s(lock), i(r.cores), i(r.total_memory), i(r.gpus), i(r.total_gpu_memory),
                   i(r.total_memory), i(r.free_memory), i(r.total_swap), i(r.free_swap),
                   i(r.total_mcp), i(r.free_mcp), i(r.load), i(r.boot_time), i(r.now), s(r.os),
                   s(r.rqd_address), i(r.slots), s(state)})
            .status());
    // Tags: what the rqd reports now (hardware), its allocation's tag, and the tags an
    // admin added (manual).
    ASSIGN_OR_RETURN(auto alloc_tag, db_->query("SELECT a.tag, h.manual_tags FROM host h JOIN "
                                                "alloc a ON h.alloc_id = a.id WHERE h.id = $1",
                                                {s(id)}));
    std::vector<std::string> tags;
    for (const auto& t : r.tags)
      if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
    if (!alloc_tag.empty())
      for (const auto& t : splitList(alloc_tag[0].str(1)))
        if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
    if (!alloc_tag.empty() &&
        std::find(tags.begin(), tags.end(), alloc_tag[0].str(0)) == tags.end())
      tags.push_back(alloc_tag[0].str(0));
    RETURN_IF_ERROR(
        db_->exec("UPDATE host SET tags = $2 WHERE id = $1", {s(id), s(joinList(tags))}).status());
    RETURN_IF_ERROR(recomputeIdle(*db_, id));
    return loadHost(*db_, "h.id = $1", {s(id)}, r.name);
  });
}

namespace {

// One status report inside the caller's transaction: the host's id, or nullopt for a host
// that never booted.
absl::StatusOr<std::optional<std::string>> applyHostReport(SqlConnection& db,
                                                           const HostReportData& r,
                                                           const std::vector<ProcUsage>& usage) {
  ASSIGN_OR_RETURN(auto rows, db.query("SELECT id, lock_state, state FROM host WHERE name = $1",
                                       {s(r.name)}));
  if (rows.empty()) return std::nullopt;
  std::string id = rows[0].str(0);
  std::string lock = rows[0].str(1);
  if (r.nimby_locked)
    lock = "NIMBY_LOCKED";
  else if (lock == "NIMBY_LOCKED")
    lock = "OPEN";
  RETURN_IF_ERROR(
      db.exec("UPDATE host SET state = $9, lock_state = $2, free_memory = $3, free_swap = "
              "$4, free_mcp = $5, load = $6, ping_time = $7, rqd_address = CASE WHEN $8 = '' "
              "THEN rqd_address ELSE $8 END WHERE id = $1",
              {s(id), s(lock), i(r.free_memory), i(r.free_swap), i(r.free_mcp), i(r.load), i(r.now),
               s(r.rqd_address), s(stateOnReport(rows[0].str(2)))})
          .status());
  const std::string frame_usage = absl::StrCat(
      "UPDATE frame SET used_memory = $2, max_rss = CASE WHEN max_rss > $3 THEN max_rss ELSE "
      "$3 END, max_pss = CASE WHEN max_pss > $4 THEN max_pss ELSE $4 END, used_gpu_memory = "
      "$5, max_gpu_memory = CASE WHEN max_gpu_memory > $6 THEN max_gpu_memory ELSE $6 END, "
      "updated_time = ",
      nowSeconds(db), " WHERE id = (SELECT frame_id FROM proc WHERE id = $1)");
  for (const auto& u : usage) {
    // A peak is the highest of what was stored and what the host reports now (an rqd
    // that restarted, or one that does not measure GPUs, reports lower peaks or 0).
    ASSIGN_OR_RETURN(auto n,
                     db.exec("UPDATE proc SET used_memory = $3, max_rss = CASE WHEN max_rss > "
                             "$4 THEN max_rss ELSE $4 END, used_pss = $5, max_pss = CASE WHEN "
                             "max_pss > $6 THEN max_pss ELSE $6 END, ping_time = $7, "
                             "used_gpu_memory = $8, max_gpu_memory = CASE WHEN max_gpu_memory > "
                             "$9 THEN max_gpu_memory ELSE $9 END WHERE id = $1 AND host_id = $2",
                             {s(u.proc_id), s(id), i(u.rss), i(u.max_rss), i(u.pss), i(u.max_pss),
                              i(r.now), i(u.gpu_memory), i(u.max_gpu_memory)}));
    if (n > 0) {
      RETURN_IF_ERROR(db.exec(frame_usage, {s(u.proc_id), i(u.rss), i(u.max_rss), i(u.max_pss),
                                            i(u.gpu_memory), i(u.max_gpu_memory)})
                          .status());
    }
  }
  return id;
}

}  // namespace

absl::StatusOr<core::Host> SqlStore::updateHostReport(const HostReportData& r,
                                                      const std::vector<ProcUsage>& usage) {
  ASSIGN_OR_RETURN(auto hosts, updateHostReports({{r, usage}}));
  return std::move(hosts.front());
}

absl::StatusOr<std::vector<absl::StatusOr<core::Host>>> SqlStore::updateHostReports(
    const std::vector<HostReportUpdate>& reports) {
  using Result = std::vector<absl::StatusOr<core::Host>>;
  return transact([&]() -> absl::StatusOr<Result> {
    std::vector<std::optional<std::string>> ids;
    ids.reserve(reports.size());
    for (const auto& u : reports) {
      ASSIGN_OR_RETURN(auto id, applyHostReport(*db_, u.report, u.usage));
      ids.push_back(std::move(id));
    }
    // The hosts as they are now, in one read.
    std::vector<std::string> found;
    for (const auto& id : ids)
      if (id) found.push_back(*id);
    std::map<std::string, core::Host> by_id;
    if (!found.empty()) {
      P params;
      ASSIGN_OR_RETURN(
          auto hosts,
          mapRows<core::Host>(db_->query(absl::StrCat("SELECT ", kHostCols, " WHERE h.id IN (",
                                                      inList(found, params), ")"),
                                         params),
                              toHost));
      for (auto& h : hosts) by_id.emplace(h.id, std::move(h));
    }
    Result out;
    out.reserve(reports.size());
    for (size_t k = 0; k < reports.size(); ++k) {
      auto it = ids[k] ? by_id.find(*ids[k]) : by_id.end();
      if (it == by_id.end())
        out.push_back(notFound("host", reports[k].report.name));
      else
        out.push_back(it->second);
    }
    return out;
  });
}

absl::StatusOr<std::vector<core::Host>> SqlStore::getHosts(const HostSearch& q) {
  return read([&] {
    P params;
    std::vector<std::string> where;
    if (!q.ids.empty()) where.push_back(absl::StrCat("h.id IN (", inList(q.ids, params), ")"));
    if (!q.names.empty())
      where.push_back(absl::StrCat("h.name IN (", inList(q.names, params), ")"));
    if (!q.allocs.empty())
      where.push_back(absl::StrCat("a.name IN (", inList(q.allocs, params), ")"));
    if (!q.states.empty()) {
      std::vector<std::string> names;
      for (auto x : q.states) names.emplace_back(core::toString(x));
      where.push_back(absl::StrCat("h.state IN (", inList(names, params), ")"));
    }
    if (!q.lock_states.empty()) {
      std::vector<std::string> names;
      for (auto x : q.lock_states) names.emplace_back(core::toString(x));
      where.push_back(absl::StrCat("h.lock_state IN (", inList(names, params), ")"));
    }
    if (!q.substrs.empty()) {
      std::vector<std::string> likes;
      for (const auto& sub : q.substrs) {
        std::string pattern = "%";
        for (char c : sub) {
          if (c == '%' || c == '_' || c == '\\') pattern += '\\';
          pattern += c;
        }
        params.push_back(s(pattern + "%"));
        // LOWER on both sides: case-insensitive on PostgreSQL as SQLite's LIKE is.
        likes.push_back(
            absl::StrCat("LOWER(h.name) LIKE LOWER($", params.size(), ") ESCAPE '\\'"));
      }
      where.push_back(absl::StrCat("(", absl::StrJoin(likes, " OR "), ")"));
    }
    std::vector<std::regex> res;
    for (const auto& r : q.regexes) {
      try {
        res.emplace_back(r);
      } catch (const std::regex_error& e) {
        return absl::StatusOr<std::vector<core::Host>>(absl::InvalidArgumentError(
            absl::StrCat("host search regex \"", r, "\" is invalid: ", e.what())));
      }
    }
    std::string sql = absl::StrCat("SELECT ", kHostCols);
    if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    absl::StrAppend(&sql, " ORDER BY h.name");
    auto hosts = mapRows<core::Host>(db_->query(sql, params), toHost);
    if (hosts.ok() && !res.empty())
      std::erase_if(*hosts, [&](const core::Host& h) {
        for (const auto& re : res)
          if (std::regex_search(h.name, re)) return false;
        return true;
      });
    return hosts;
  });
}

absl::StatusOr<core::Host> SqlStore::findHost(const std::string& name) {
  return read([&] { return loadHost(*db_, "h.name = $1", {s(name)}, name); });
}

absl::StatusOr<core::Host> SqlStore::getHost(const std::string& id) {
  return read([&] { return loadHost(*db_, "h.id = $1", {s(id)}, id); });
}

absl::Status SqlStore::setHostLock(const std::string& host_id, core::LockState lock) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE host SET lock_state = $2 WHERE id = $1",
                                       {s(host_id), s(core::toString(lock))}));
    return n == 0 ? notFound("host id", host_id) : absl::OkStatus();
  });
}

absl::Status SqlStore::setHostState(const std::string& host_id, core::HardwareState state) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE host SET state = $2 WHERE id = $1",
                                       {s(host_id), s(core::toString(state))}));
    return n == 0 ? notFound("host id", host_id) : absl::OkStatus();
  });
}

absl::StatusOr<std::vector<core::Host>> SqlStore::hostsNotPingedSince(EpochSec before) {
  return read([&] {
    return mapRows<core::Host>(
        db_->query(absl::StrCat("SELECT ", kHostCols,
                                " WHERE h.state = 'UP' AND h.ping_time < $1 ORDER BY h.name"),
                   {i(before)}),
        toHost);
  });
}

absl::StatusOr<std::vector<core::Proc>> SqlStore::markHostDown(const std::string& host_id,
                                                               EpochSec now) {
  return transact([&]() -> absl::StatusOr<std::vector<core::Proc>> {
    ASSIGN_OR_RETURN(
        auto procs,
        mapRows<core::Proc>(
            db_->query(absl::StrCat("SELECT ", kProcCols, " WHERE p.host_id = $1"), {s(host_id)}),
            toProc));
    for (const auto& p : procs) {
      RETURN_IF_ERROR(requeueFrame(*db_, p.frame_id));
      RETURN_IF_ERROR(db_->exec("DELETE FROM proc WHERE id = $1", {s(p.id)}).status());
    }
    ASSIGN_OR_RETURN(auto n,
                     db_->exec("UPDATE host SET state = 'DOWN' WHERE id = $1", {s(host_id)}));
    if (n == 0) return notFound("host id", host_id);
    RETURN_IF_ERROR(recomputeIdle(*db_, host_id));
    return procs;
  });
}

absl::StatusOr<std::vector<core::Proc>> SqlStore::releaseProcs(const std::vector<std::string>& ids,
                                                               EpochSec now) {
  return transact([&]() -> absl::StatusOr<std::vector<core::Proc>> {
    std::vector<core::Proc> procs;
    if (ids.empty()) return procs;
    P params;
    ASSIGN_OR_RETURN(
        procs, mapRows<core::Proc>(db_->query(absl::StrCat("SELECT ", kProcCols, " WHERE p.id IN (",
                                                           inList(ids, params), ")"),
                                              params),
                                   toProc));
    std::set<std::string> hosts;
    for (const auto& p : procs) {
      RETURN_IF_ERROR(requeueFrame(*db_, p.frame_id));
      RETURN_IF_ERROR(db_->exec("DELETE FROM proc WHERE id = $1", {s(p.id)}).status());
      hosts.insert(p.host_id);
    }
    for (const auto& h : hosts) RETURN_IF_ERROR(recomputeIdle(*db_, h));
    return procs;
  });
}

absl::Status SqlStore::touchAllHosts(EpochSec now) {
  return transact([&] {
    return db_->exec("UPDATE host SET ping_time = $1 WHERE state = 'UP'", {i(now)}).status();
  });
}

absl::StatusOr<std::vector<core::Proc>> SqlStore::getProcs(const ProcSearch& q) {
  return read([&] {
    P params;
    std::vector<std::string> where;
    if (!q.ids.empty()) where.push_back(absl::StrCat("p.id IN (", inList(q.ids, params), ")"));
    if (!q.host_ids.empty())
      where.push_back(absl::StrCat("p.host_id IN (", inList(q.host_ids, params), ")"));
    if (!q.job_ids.empty())
      where.push_back(absl::StrCat("p.job_id IN (", inList(q.job_ids, params), ")"));
    if (!q.frame_ids.empty())
      where.push_back(absl::StrCat("p.frame_id IN (", inList(q.frame_ids, params), ")"));
    std::string sql = absl::StrCat("SELECT ", kProcCols);
    if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    absl::StrAppend(&sql, " ORDER BY h.name, p.booked_time");
    return mapRows<core::Proc>(db_->query(sql, params), toProc);
  });
}

// ---- dispatch ---------------------------------------------------------------------

absl::StatusOr<std::vector<LayerCandidate>> SqlStore::dispatchCandidates(const core::Host& host,
                                                                         int32_t frames_per_layer) {
  return read([&]() -> absl::StatusOr<std::vector<LayerCandidate>> {
    std::vector<LayerCandidate> out;
    ASSIGN_OR_RETURN(
        auto rows,
        db_->query(absl::StrCat(
                       "SELECT ", kJobCols, ", ", kLayerCols, ", sb.burst", kJobFrom,
                       " JOIN layer l ON l.job_id = j.id JOIN subscription sb ON sb.show_id = "
                       "j.show_id AND sb.alloc_id = $1 WHERE j.state = 'PENDING' AND j.paused = 0 "
                       "AND sh.dispatch_enabled = 1 AND l.min_cores <= $2 AND l.min_memory <= $3 "
                       "AND l.min_gpus <= $4 AND EXISTS (SELECT 1 FROM frame f WHERE f.layer_id = "
                       "l.id AND f.state = 'WAITING') ORDER BY j.priority DESC, j.start_time, "
                       "j.id, l.dispatch_order LIMIT 200"),
                   {s(host.alloc_id), i(host.idle_cores), i(host.idle_memory), i(host.idle_gpus)}));
    if (rows.empty()) return out;
    ASSIGN_OR_RETURN(auto show_cores,
                     db_->query("SELECT p.show_id, SUM(p.reserved_cores) FROM proc p JOIN host h "
                                "ON p.host_id = h.id WHERE h.alloc_id = $1 GROUP BY p.show_id",
                                {s(host.alloc_id)}));
    std::map<std::string, CoreUnits> by_show;
    for (const auto& r : show_cores) by_show[r.str(0)] = r.i32(1);
    std::map<std::string, CoreUnits> by_job;
    for (const auto& r : rows) {
      LayerCandidate c;
      c.job = toJob(r, 0);
      c.layer = toLayer(r, kJobColCount);
      c.show_burst = r.i32(r.size() - 1);
      if (!by_job.contains(c.job.id)) {
        ASSIGN_OR_RETURN(auto jc, db_->query("SELECT COALESCE(SUM(reserved_cores), 0) FROM proc "
                                             "WHERE job_id = $1",
                                             {s(c.job.id)}));
        by_job[c.job.id] = jc.front().i32(0);
      }
      c.job_running_cores = by_job[c.job.id];
      c.show_running_cores = by_show[c.job.show_id];
      ASSIGN_OR_RETURN(c.waiting,
                       mapRows<core::Frame>(
                           db_->query(absl::StrCat("SELECT ", kFrameCols, kFrameFrom,
                                                   " WHERE f.layer_id = $1 AND f.state = "
                                                   "'WAITING' ORDER BY f.dispatch_order LIMIT $2"),
                                      {s(c.layer.id), i(frames_per_layer)}),
                           toFrame));
      out.push_back(std::move(c));
    }
    return out;
  });
}

absl::Status SqlStore::unbook(const std::string& proc_id, bool fail, int32_t exit_status,
                              EpochSec now) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT host_id, frame_id FROM proc WHERE id = $1", {s(proc_id)}));
    if (rows.empty()) return notFound("proc", proc_id);
    std::string host_id = rows[0].str(0), frame_id = rows[0].str(1);
    RETURN_IF_ERROR(db_->exec("DELETE FROM proc WHERE id = $1", {s(proc_id)}).status());
    RETURN_IF_ERROR(recomputeIdle(*db_, host_id));
    if (!fail) return requeueFrame(*db_, frame_id);
    return db_
        ->exec(
            "UPDATE frame SET state = 'DEAD', exit_status = $2, stop_time = $3, version = "
            "version + 1 WHERE id = $1 AND state = 'RUNNING'",
            {s(frame_id), i(exit_status), i(now)})
        .status();
  });
}

}  // namespace cue::store
