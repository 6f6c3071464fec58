// SqlStore: jobs, layers and frames: creation, reads, counts, and the frame changes
// (kill, retry, eat). Contracts in store.h.
#include "store/sql_store.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/ids.h"
#include "common/status.h"
#include "store/schema.h"
#include "store/sql_row_set.h"
#include "store/sql_rows.h"
#include "store/sql_util.h"

namespace cue::store {

using core::FrameState;
using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

// ---- jobs -------------------------------------------------------------------------

namespace {

// Rows per INSERT statement: on SQLite a hundred (a placeholder per value, and the same
// text for every full statement, prepared once); on PostgreSQL, where a column is one
// array parameter, ten thousand.
size_t insertChunk(const SqlConnection& db) { return db.dialect() == "postgresql" ? 10'000 : 100; }

// The new jobs that cannot go in, checked before any row is written: the first (in order)
// whose name a pending job has (in the store, or earlier in `jobs`), or whose group is not
// one of its show's. Two queries for all the jobs (one round trip on PostgreSQL).
absl::Status checkNewJobs(SqlConnection& db, const std::vector<NewJob>& jobs) {
  constexpr size_t kKeys = 1'000;  // keys per query: well under SQLite's parameter limit
  std::map<std::string, std::string, std::less<>> pending;  // name -> id
  std::set<std::pair<std::string, std::string>> groups;     // (folder id, show id)
  for (size_t at = 0; at < jobs.size(); at += kKeys) {
    const size_t end = std::min(jobs.size(), at + kKeys);
    std::vector<std::string> names, folders;
    for (size_t k = at; k < end; ++k) {
      names.push_back(jobs[k].job.name);
      folders.push_back(jobs[k].job.group_id);
    }
    std::vector<SqlStatement> reads(2);
    reads[0].sql =
        absl::StrCat("SELECT name, id FROM job WHERE ", inSet(db, "name", names, reads[0].params),
                     " AND state = 'PENDING'");
    reads[1].sql = absl::StrCat("SELECT id, show_id FROM folder WHERE ",
                                inSet(db, "id", folders, reads[1].params));
    ASSIGN_OR_RETURN(auto rows, db.queryAll(reads));
    for (const auto& r : rows[0]) pending.emplace(r.str(0), r.str(1));
    for (const auto& r : rows[1]) groups.emplace(r.str(0), r.str(1));
  }
  for (const auto& nj : jobs) {
    const core::Job& j = nj.job;
    auto [dup, fresh] = pending.emplace(j.name, j.id);
    if (!fresh)
      return absl::AlreadyExistsError(
          absl::StrCat("a pending job named ", j.name, " already exists (id ", dup->second, ")"));
    // Checked here: a foreign-key failure would read as ALREADY_EXISTS.
    if (!groups.contains({j.group_id, j.show_id}))
      return absl::NotFoundError(
          absl::StrCat("job ", j.name, ": no group ", j.group_id, " in show ", j.show_id));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SqlStore::createJobs(const std::vector<NewJob>& jobs) {
  size_t frames = 0;
  for (const auto& nj : jobs) frames += nj.frames.size();
  return transact([&]() -> absl::Status {
    // So many frames' pages are written once and not read back soon (beginBulkWrite).
    constexpr size_t kBulkFrames = 50'000;
    const bool bulk = frames >= kBulkFrames;
    if (bulk) RETURN_IF_ERROR(db_->beginBulkWrite());
    absl::Cleanup end_bulk = [&] {
      if (bulk) (void)db_->endBulkWrite();
    };
    RETURN_IF_ERROR(checkNewJobs(*db_, jobs));
    // Every job's rows go in through execAll (one round trip on PostgreSQL per pipeline of
    // statements), a pipeline at most kPipeline statements long: jobs, then layers, then
    // frames, then the frame counts, each table a statement per insertChunk rows.
    constexpr size_t kPipeline = 32;
    const size_t chunk = insertChunk(*db_);
    std::vector<SqlStatement> writes;
    auto flush = [&]() -> absl::Status {
      if (writes.empty()) return absl::OkStatus();
      auto st = db_->execAll(writes).status();
      writes.clear();
      return st;
    };
    // Writes `rows` once they are `at_least` (a full statement, or 1 for what is left).
    auto write = [&](RowSet& rows, absl::string_view into, absl::string_view constants,
                     size_t at_least) -> absl::Status {
      if (rows.rows() == 0 || rows.rows() < at_least) return absl::OkStatus();
      SqlStatement& w = writes.emplace_back();
      w.sql = rows.insert(into, constants, w.params);
      return writes.size() < kPipeline ? absl::OkStatus() : flush();
    };
    constexpr absl::string_view kJobInto =
        "job (id, name, show_id, shot, user_name, email, uid, folder_id, facility, dept, os, "
        "priority, min_cores, max_cores, min_gpus, max_gpus, max_retries, paused, auto_eat, "
        "log_dir, start_time, env, state)";
    RowSet job_rows(*db_,
                    {"TEXT",   "TEXT",   "TEXT",   "TEXT",   "TEXT",   "TEXT",   "BIGINT", "TEXT",
                     "TEXT",   "TEXT",   "TEXT",   "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT",
                     "BIGINT", "BIGINT", "BIGINT", "TEXT",   "BIGINT", "TEXT"});
    for (const auto& nj : jobs) {
      const core::Job& j = nj.job;
      job_rows.add(s(j.id), s(j.name), s(j.show_id), s(j.shot), s(j.user), s(j.email), i(j.uid),
                   s(j.group_id), s(j.facility), s(j.department), s(j.os), i(j.priority),
                   i(j.min_cores), i(j.max_cores), i(j.min_gpus), i(j.max_gpus), i(j.max_retries),
                   b(j.paused), b(j.auto_eat), s(j.log_dir), i(j.start_time), s(encodeMap(j.env)));
      RETURN_IF_ERROR(write(job_rows, kJobInto, "'PENDING'", chunk));
    }
    RETURN_IF_ERROR(write(job_rows, kJobInto, "'PENDING'", 1));

    constexpr absl::string_view kLayerInto =
        "layer (id, job_id, name, type, command, frame_range, chunk_size, dispatch_order, "
        "min_cores, max_cores, threadable, min_memory, min_gpus, max_gpus, min_gpu_memory, "
        "tags, services, limits, timeout, timeout_llu, env, outputs, slots_required)";
    RowSet layer_rows(
        *db_, {"TEXT",   "TEXT",   "TEXT",   "TEXT",   "TEXT",   "TEXT",   "BIGINT", "BIGINT",
               "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "TEXT",
               "TEXT",   "TEXT",   "BIGINT", "BIGINT", "TEXT",   "TEXT",   "BIGINT"});
    for (const auto& nj : jobs)
      for (const auto& l : nj.layers) {
        layer_rows.add(
            s(l.id), s(nj.job.id), s(l.name), s(core::toString(l.type)), s(l.command), s(l.range),
            i(l.chunk_size), i(l.dispatch_order), i(l.min_cores), i(l.max_cores), b(l.threadable),
            i(l.min_memory), i(l.min_gpus), i(l.max_gpus), i(l.min_gpu_memory), s(joinList(l.tags)),
            s(joinList(l.services)), s(joinList(l.limits)), i(l.timeout_min), i(l.timeout_llu_min),
            s(encodeMap(l.env)), s(joinList(l.outputs)), i(l.slots_required));
        RETURN_IF_ERROR(write(layer_rows, kLayerInto, "", chunk));
      }
    RETURN_IF_ERROR(write(layer_rows, kLayerInto, "", 1));

    constexpr absl::string_view kFrameInto =
        "frame (id, job_id, layer_id, name, number, dispatch_order, state)";
    constexpr absl::string_view kCountInto = "frame_count (layer_id, job_id, n, state)";
    RowSet frame_rows(*db_, {"TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT"});
    // The first counts (a row per layer); state changes are counted as they happen.
    RowSet count_rows(*db_, {"TEXT", "TEXT", "BIGINT"});
    for (const auto& nj : jobs) {
      std::map<std::string, int64_t> per_layer;
      for (const core::Frame& f : nj.frames) {
        frame_rows.add(s(f.id), s(nj.job.id), s(f.layer_id), s(f.name), i(f.number),
                       i(f.dispatch_order));
        ++per_layer[f.layer_id];
        RETURN_IF_ERROR(write(frame_rows, kFrameInto, "'WAITING'", chunk));
      }
      for (const auto& [layer_id, n] : per_layer) {
        count_rows.add(s(layer_id), s(nj.job.id), i(n));
        RETURN_IF_ERROR(write(count_rows, kCountInto, "'WAITING'", chunk));
      }
    }
    RETURN_IF_ERROR(write(frame_rows, kFrameInto, "'WAITING'", 1));
    RETURN_IF_ERROR(write(count_rows, kCountInto, "'WAITING'", 1));
    RETURN_IF_ERROR(flush());
    for (const auto& nj : jobs)
      for (const auto& d : nj.depends) RETURN_IF_ERROR(addDepend(*db_, d));
    return absl::OkStatus();
  });
}

absl::StatusOr<core::Job> SqlStore::getJob(const std::string& id) {
  return read([&] {
    return mapOne<core::Job>(
        db_->query(absl::StrCat("SELECT ", kJobCols, kJobFrom, " WHERE j.id = $1"), {s(id)}),
        [](const SqlRow& r) { return toJob(r); }, "job id", id);
  });
}

absl::StatusOr<core::Job> SqlStore::findJob(const std::string& name) {
  return read([&] {
    return mapOne<core::Job>(
        db_->query(absl::StrCat("SELECT ", kJobCols, kJobFrom,
                                " WHERE j.name = $1 AND j.state = 'PENDING'"),
                   {s(name)}),
        [](const SqlRow& r) { return toJob(r); }, "job", name);
  });
}

absl::StatusOr<std::vector<core::Job>> SqlStore::getJobs(const JobSearch& q) {
  return read([&]() -> absl::StatusOr<std::vector<core::Job>> {
    P params;
    std::vector<std::string> where;
    if (!q.include_finished) where.push_back("j.state = 'PENDING'");
    if (!q.ids.empty()) where.push_back(absl::StrCat("j.id IN (", inList(q.ids, params), ")"));
    if (!q.names.empty())
      where.push_back(absl::StrCat("j.name IN (", inList(q.names, params), ")"));
    if (!q.shows.empty())
      where.push_back(absl::StrCat("sh.name IN (", inList(q.shows, params), ")"));
    if (!q.shots.empty())
      where.push_back(absl::StrCat("j.shot IN (", inList(q.shots, params), ")"));
    if (!q.users.empty())
      where.push_back(absl::StrCat("j.user_name IN (", inList(q.users, params), ")"));
    std::string sql = absl::StrCat("SELECT ", kJobCols, kJobFrom);
    if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    absl::StrAppend(&sql, " ORDER BY j.start_time, j.name");
    ASSIGN_OR_RETURN(auto jobs, mapRows<core::Job>(db_->query(sql, params),
                                                   [](const SqlRow& r) { return toJob(r); }));
    if (!q.regexes.empty()) {
      std::vector<std::regex> res;
      for (const auto& r : q.regexes) {
        try {
          res.emplace_back(r);
        } catch (const std::regex_error& e) {
          return absl::InvalidArgumentError(
              absl::StrCat("job search regex \"", r, "\" is invalid: ", e.what()));
        }
      }
      std::erase_if(jobs, [&](const core::Job& j) {
        for (const auto& re : res)
          if (std::regex_search(j.name, re)) return false;
        return true;
      });
    }
    if (q.limit > 0 && jobs.size() > static_cast<size_t>(q.limit)) jobs.resize(q.limit);
    return jobs;
  });
}

absl::StatusOr<std::vector<core::Layer>> SqlStore::getLayers(const std::string& job_id) {
  return getLayersOfJobs({job_id});
}

absl::StatusOr<std::vector<core::Layer>> SqlStore::getLayersOfJobs(
    const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return std::vector<core::Layer>{};
  return read([&] {
    P params;
    std::string sql = absl::StrCat("SELECT ", kLayerCols, " FROM layer l WHERE ",
                                   inSet(*db_, "l.job_id", job_ids, params),
                                   " ORDER BY l.job_id, l.dispatch_order");
    return mapRows<core::Layer>(db_->query(sql, params),
                                [](const SqlRow& r) { return toLayer(r); });
  });
}

absl::StatusOr<core::Layer> SqlStore::getLayer(const std::string& id) {
  return read([&] {
    return mapOne<core::Layer>(
        db_->query(absl::StrCat("SELECT ", kLayerCols, " FROM layer l WHERE l.id = $1"), {s(id)}),
        [](const SqlRow& r) { return toLayer(r); }, "layer id", id);
  });
}

absl::StatusOr<core::Layer> SqlStore::findLayer(const std::string& job_id,
                                                const std::string& name) {
  return read([&] {
    return mapOne<core::Layer>(
        db_->query(absl::StrCat("SELECT ", kLayerCols,
                                " FROM layer l WHERE l.job_id = $1 AND l.name = $2"),
                   {s(job_id), s(name)}),
        [](const SqlRow& r) { return toLayer(r); }, "layer", name);
  });
}

namespace {

// `wanted` frames of one layer from position `skip` in dispatch order. A layer's dispatch
// orders are 0..n-1 (as created, and as ReorderFrames and StaggerFrames leave them), so the
// page starts at dispatch_order = skip: one index seek, however deep the page. Should the
// rows read not be exactly positions skip.. (orders edited outside Cue), the page is read
// again by stepping over `skip` index entries.
absl::StatusOr<std::vector<SqlRow>> layerPage(SqlConnection& db, const std::string& layer_id,
                                              int64_t skip, int64_t wanted) {
  const std::string head =
      absl::StrCat("SELECT ", kFrameCols, kFrameFrom, " WHERE f.layer_id = $1");
  ASSIGN_OR_RETURN(auto rows, db.query(absl::StrCat(head,
                                                    " AND f.dispatch_order >= $2 ORDER BY "
                                                    "f.dispatch_order LIMIT ",
                                                    wanted),
                                       {s(layer_id), i(skip)}));
  const auto order = [](const SqlRow& r) { return r.i64(7); };  // f.dispatch_order
  if (!rows.empty() && order(rows.front()) == skip &&
      order(rows.back()) == skip + static_cast<int64_t>(rows.size()) - 1)
    return rows;
  return db.query(absl::StrCat(head, " ORDER BY f.dispatch_order LIMIT ", wanted, " OFFSET ", skip),
                  {s(layer_id)});
}

// A page of a job's frames (optionally of some layers) in dispatch order, read layer by
// layer along the frame_layer_order index: the layers' frame counts say which layer the
// page starts in, and the page is one index range of that layer, so that a page deep in a
// 1,000,000-frame job costs what the first page costs.
absl::StatusOr<std::vector<core::Frame>> framePage(SqlConnection& db, const FrameSearch& q) {
  ASSIGN_OR_RETURN(auto layers,
                   db.query("SELECT l.id, l.name, COALESCE(SUM(c.n), 0) FROM layer l LEFT JOIN "
                            "frame_count c ON c.layer_id = l.id WHERE l.job_id = $1 GROUP BY "
                            "l.id, l.name, l.dispatch_order ORDER BY l.dispatch_order",
                            {s(q.job_id)}));
  int64_t skip = static_cast<int64_t>(std::max(q.page, 1) - 1) * q.limit + std::max(q.offset, 0);
  int64_t wanted = q.limit;
  std::vector<core::Frame> out;
  for (const auto& l : layers) {
    if (wanted <= 0) break;
    if (!q.layers.empty() && std::find(q.layers.begin(), q.layers.end(), l.str(1)) == q.layers.end())
      continue;
    const int64_t total = l.i64(2);
    if (skip >= total) {
      skip -= total;
      continue;
    }
    ASSIGN_OR_RETURN(auto rows, layerPage(db, l.str(0), skip, wanted));
    for (const auto& r : rows) out.push_back(toFrame(r));
    wanted -= static_cast<int64_t>(rows.size());
    skip = 0;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<core::Frame>> SqlStore::getFrames(const FrameSearch& q) {
  if (q.job_id.empty() && q.ids.empty())
    return absl::InvalidArgumentError("a frame search needs a job or frame ids");
  const bool plain_page = !q.job_id.empty() && q.limit > 0 && q.ids.empty() &&
                          q.states.empty() && !q.number_range && q.names.empty() &&
                          !q.max_rss_range && !q.duration_range && q.updated_since == 0;
  if (plain_page) return read([&] { return framePage(*db_, q); });
  // A read: on a reader connection, so that GUIs polling frames (GetUpdatedFrames, searches)
  // never wait for the booking writer.
  return read([&] {
    P params;
    std::vector<std::string> where;
    if (!q.job_id.empty()) {
      params.push_back(s(q.job_id));
      where.push_back("f.job_id = $1");
    }
    if (!q.ids.empty()) where.push_back(absl::StrCat("f.id IN (", inList(q.ids, params), ")"));
    if (!q.layers.empty())
      where.push_back(absl::StrCat("l.name IN (", inList(q.layers, params), ")"));
    if (!q.states.empty()) {
      std::vector<std::string> names;
      for (auto st_ : q.states) names.push_back(st(st_));
      where.push_back(absl::StrCat("f.state IN (", inList(names, params), ")"));
    }
    if (q.number_range) {
      params.push_back(i(q.number_range->first));
      params.push_back(i(q.number_range->second));
      where.push_back(
          absl::StrCat("f.number BETWEEN $", params.size() - 1, " AND $", params.size()));
    }
    if (!q.names.empty()) where.push_back(absl::StrCat("f.name IN (", inList(q.names, params), ")"));
    // A range [lo, hi] (hi -1: no upper bound) on an SQL expression.
    auto range = [&](const std::string& expr, int64_t lo, int64_t hi) {
      params.push_back(i(lo));
      where.push_back(absl::StrCat(expr, " >= $", params.size()));
      if (hi >= 0) {
        params.push_back(i(hi));
        where.push_back(absl::StrCat(expr, " <= $", params.size()));
      }
    };
    if (q.max_rss_range) range("f.max_rss", q.max_rss_range->first, q.max_rss_range->second);
    if (q.duration_range) {
      params.push_back(i(q.now));
      const std::string duration = absl::StrCat(
          "(CASE WHEN f.start_time = 0 THEN 0 WHEN f.stop_time >= f.start_time THEN f.stop_time - "
          "f.start_time ELSE $", params.size(), " - f.start_time END)");
      range(duration, q.duration_range->first, q.duration_range->second);
    }
    if (q.updated_since > 0) {
      params.push_back(i(q.updated_since));
      where.push_back(absl::StrCat("f.updated_time >= $", params.size()));
      // Every state, when the query names none: frame_job_state (job, state, updated_time)
      // then seeks each state's frames changed since the time instead of reading all the
      // job's frames (schema V12).
      if (q.states.empty()) {
        std::vector<std::string> all;
        for (core::FrameState state : core::allFrameStates())
          all.push_back(absl::StrCat("'", st(state), "'"));
        where.push_back(absl::StrCat("f.state IN (", absl::StrJoin(all, ", "), ")"));
      }
    }
    std::string sql =
        absl::StrCat("SELECT ", kFrameCols, kFrameFrom, " WHERE ", absl::StrJoin(where, " AND "),
                     " ORDER BY l.dispatch_order, f.dispatch_order");
    if (q.limit > 0) {
      absl::StrAppend(&sql, " LIMIT ", q.limit, " OFFSET ",
                      static_cast<int64_t>(std::max(q.page, 1) - 1) * q.limit +
                          std::max(q.offset, 0));
    } else if (q.offset > 0) {
      absl::StrAppend(&sql, " LIMIT 2147483647 OFFSET ", q.offset);  // both dialects
    }
    return mapRows<core::Frame>(db_->query(sql, params), toFrame);
  });
}

absl::StatusOr<core::Frame> SqlStore::getFrame(const std::string& id) {
  return read([&] {
    return mapOne<core::Frame>(
        db_->query(absl::StrCat("SELECT ", kFrameCols, kFrameFrom, " WHERE f.id = $1"), {s(id)}),
        toFrame, "frame id", id);
  });
}

absl::StatusOr<WaitingByLayer> SqlStore::waitingFrames(
    const std::string& job_id) {
  return read([&]() -> absl::StatusOr<WaitingByLayer> {
    // By the (job_id, state) index: only the waiting frames are visited. They come mostly in
    // insertion order, which is dispatch order until frames are reordered: sorted here.
    WaitingByLayer out;
    std::vector<WaitingFrame>* layer = nullptr;  // rows of one layer mostly come together
    std::string layer_id;
    RETURN_IF_ERROR(db_->queryEach(
        "SELECT layer_id, id, number, reserved_memory, dispatch_order FROM frame WHERE "
        "job_id = $1 AND state = 'WAITING'",
        {s(job_id)}, [&](const SqlRow& r) {
          if (layer == nullptr || r.text(0) != layer_id) {
            layer_id = std::string(r.text(0));
            layer = &out[layer_id];
          }
          layer->push_back(WaitingFrame{std::string(r.text(1)), r.i32(2), r.i64(3), r.i32(4)});
        }));
    auto by_order = [](const WaitingFrame& a, const WaitingFrame& b) {
      return a.dispatch_order < b.dispatch_order;
    };
    for (auto& [id, frames] : out)
      if (!std::is_sorted(frames.begin(), frames.end(), by_order))
        std::stable_sort(frames.begin(), frames.end(), by_order);
    return out;
  });
}

absl::StatusOr<std::vector<core::Depend>> SqlStore::getDepends(const std::string& job_id) {
  return read([&] {
    return mapRows<core::Depend>(
        db_->query(absl::StrCat("SELECT ", kDependCols,
                                " FROM depend WHERE er_job_id = $1 OR on_job_id = $1"),
                   {s(job_id)}),
        toDepend);
  });
}


absl::StatusOr<std::map<std::string, core::FrameCounts>> SqlStore::jobFrameCounts(
    const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return std::map<std::string, core::FrameCounts>{};
  return read([&]() -> absl::StatusOr<std::map<std::string, core::FrameCounts>> {
    std::map<std::string, core::FrameCounts> out;  // local: a retried run starts afresh
    P params;
    const std::string in = inList(job_ids, params);
    ASSIGN_OR_RETURN(auto rows,
                     db_->query(absl::StrCat("SELECT job_id, state, SUM(n) FROM frame_count "
                                             "WHERE job_id IN (", in, ") GROUP BY job_id, state"),
                                params));
    for (const auto& id : job_ids) out[id];
    for (const auto& r : rows) addCount(out[r.str(0)], r.str(1), r.i32(2));
    ASSIGN_OR_RETURN(auto usage,
                     db_->query(absl::StrCat("SELECT job_id, SUM(core_time), MAX(peak_rss) FROM "
                                             "layer WHERE job_id IN (", in, ") GROUP BY job_id"),
                                params));
    for (const auto& r : usage) {
      out[r.str(0)].core_seconds = r.i64(1);
      out[r.str(0)].max_rss = r.i64(2);
    }
    ASSIGN_OR_RETURN(auto booked,
                     db_->query(absl::StrCat("SELECT job_id, SUM(reserved_cores), "
                                             "SUM(reserved_gpus) FROM proc WHERE job_id IN (",
                                             in, ") GROUP BY job_id"),
                                params));
    for (const auto& r : booked) {
      out[r.str(0)].reserved_cores = r.i64(1);
      out[r.str(0)].reserved_gpus = r.i32(2);
    }
    return out;
  });
}

absl::StatusOr<std::map<std::string, core::FrameCounts>> SqlStore::layerFrameCounts(
    const std::string& job_id) {
  return read([&]() -> absl::StatusOr<std::map<std::string, core::FrameCounts>> {
    std::map<std::string, core::FrameCounts> out;
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT layer_id, state, n FROM frame_count WHERE "
                                           "job_id = $1",
                                           {s(job_id)}));
    for (const auto& r : rows) addCount(out[r.str(0)], r.str(1), r.i32(2));
    ASSIGN_OR_RETURN(auto usage, db_->query("SELECT id, core_time, peak_rss FROM layer WHERE "
                                            "job_id = $1",
                                            {s(job_id)}));
    for (const auto& r : usage) {
      auto it = out.find(r.str(0));
      if (it == out.end()) continue;
      it->second.core_seconds = r.i64(1);
      it->second.max_rss = r.i64(2);
    }
    ASSIGN_OR_RETURN(auto booked, db_->query("SELECT layer_id, SUM(reserved_cores), "
                                             "SUM(reserved_gpus) FROM proc WHERE job_id = $1 "
                                             "GROUP BY layer_id",
                                             {s(job_id)}));
    for (const auto& r : booked) {
      auto it = out.find(r.str(0));
      if (it == out.end()) continue;
      it->second.reserved_cores = r.i64(1);
      it->second.reserved_gpus = r.i32(2);
    }
    return out;
  });
}

absl::StatusOr<std::vector<core::FrameAttempt>> SqlStore::getFrameHistory(
    const std::string& frame_id) {
  return read([&] {
    return mapRows<core::FrameAttempt>(
        db_->query("SELECT frame_id, job_id, proc_id, host_name, cores, reserved_memory, "
                   "start_time, stop_time, exit_status, exit_signal, max_rss FROM frame_history "
                   "WHERE frame_id = $1 ORDER BY start_time, stop_time",
                   {s(frame_id)}),
        [](const SqlRow& r) {
          return core::FrameAttempt{r.str(0), r.str(1), r.str(2), r.str(3), r.i32(4), r.i64(5),
                                    r.i64(6), r.i64(7), r.i32(8), r.i32(9), r.i64(10)};
        });
  });
}

absl::Status SqlStore::setJobPaused(const std::string& job_id, bool paused) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n,
                     db_->exec("UPDATE job SET paused = $2 WHERE id = $1", {s(job_id), b(paused)}));
    return n == 0 ? notFound("job id", job_id) : absl::OkStatus();
  });
}

absl::Status SqlStore::setJobPriority(const std::string& job_id, int32_t priority) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(
        auto n, db_->exec("UPDATE job SET priority = $2 WHERE id = $1", {s(job_id), i(priority)}));
    return n == 0 ? notFound("job id", job_id) : absl::OkStatus();
  });
}


absl::StatusOr<FrameChangeResult> SqlStore::killJob(const std::string& job_id, EpochSec now) {
  return transact([&]() -> absl::StatusOr<FrameChangeResult> {
    FrameChangeResult out;
    ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE job SET state = 'FINISHED', stop_time = $2 WHERE id "
                                       "= $1 AND state = 'PENDING'",
                                       {s(job_id), i(now)}));
    if (n == 0) {
      ASSIGN_OR_RETURN(auto rows, db_->query("SELECT state FROM job WHERE id = $1", {s(job_id)}));
      if (rows.empty()) return notFound("job id", job_id);
    } else {
      out.finished_jobs.push_back(job_id);
      RETURN_IF_ERROR(jobOver(*db_, job_id));
    }
    ASSIGN_OR_RETURN(out.procs_to_kill,
                     markProcsForKill(*db_, "p.job_id = $1", {s(job_id)}, "job killed"));
    out.changed = static_cast<int32_t>(n);
    return out;
  });
}

absl::StatusOr<FrameChangeResult> SqlStore::retryFrames(const std::vector<std::string>& ids,
                                                        EpochSec now) {
  return transact([&]() -> absl::StatusOr<FrameChangeResult> {
    FrameChangeResult out;
    std::set<std::string> jobs;
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto rows, db_->query("SELECT f.state, f.depend_count, f.job_id, j.state "
                                             "FROM frame f JOIN job j ON f.job_id = j.id WHERE "
                                             "f.id = $1",
                                             {s(id)}));
      if (rows.empty()) return notFound("frame id", id);
      std::string state = rows[0].str(0);
      jobs.insert(rows[0].str(2));
      if (state == "RUNNING") {
        ASSIGN_OR_RETURN(auto procs, markProcsForKill(*db_, "p.frame_id = $1", {s(id)}, "retry"));
        out.procs_to_kill.insert(out.procs_to_kill.end(), procs.begin(), procs.end());
        continue;
      }
      if (state == "WAITING" || state == "DEPEND") continue;
      std::string next = rows[0].i64(1) > 0 ? "DEPEND" : "WAITING";
      ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE frame SET state = $2, version = version + 1 "
                                         "WHERE id = $1 AND state = $3",
                                         {s(id), s(next), s(state)}));
      out.changed += static_cast<int32_t>(n);
    }
    // A finished job with retried frames runs again.
    for (const auto& job : jobs) {
      RETURN_IF_ERROR(db_->exec("UPDATE job SET state = 'PENDING', stop_time = 0 WHERE id = $1 "
                                "AND state = 'FINISHED' AND EXISTS (SELECT 1 FROM frame WHERE "
                                "job_id = $1 AND state IN ('WAITING', 'DEPEND'))",
                                {s(job)})
                          .status());
    }
    return out;
  });
}

absl::StatusOr<FrameChangeResult> SqlStore::eatFrames(const std::vector<std::string>& ids,
                                                      EpochSec now) {
  return transact([&]() -> absl::StatusOr<FrameChangeResult> {
    FrameChangeResult out;
    std::set<std::string> jobs;
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto rows, db_->query("SELECT state, job_id, layer_id FROM frame WHERE id = "
                                             "$1",
                                             {s(id)}));
      if (rows.empty()) return notFound("frame id", id);
      std::string state = rows[0].str(0);
      if (state == "EATEN" || state == "SUCCEEDED") continue;
      if (state == "RUNNING") {
        ASSIGN_OR_RETURN(auto procs, markProcsForKill(*db_, "p.frame_id = $1", {s(id)}, "eaten"));
        out.procs_to_kill.insert(out.procs_to_kill.end(), procs.begin(), procs.end());
      }
      ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE frame SET state = 'EATEN', stop_time = $2, "
                                         "version = version + 1 WHERE id = $1 AND state = $3",
                                         {s(id), i(now), s(state)}));
      out.changed += static_cast<int32_t>(n);
      jobs.insert(rows[0].str(1));
      RETURN_IF_ERROR(frameDone(*db_, rows[0].str(1), rows[0].str(2), id));
    }
    for (const auto& job : jobs) {
      ASSIGN_OR_RETURN(bool fin, finishJobIfDone(*db_, job, now));
      if (fin) out.finished_jobs.push_back(job);
    }
    return out;
  });
}

absl::StatusOr<FrameChangeResult> SqlStore::killFrames(const std::vector<std::string>& ids) {
  return transact([&]() -> absl::StatusOr<FrameChangeResult> {
    FrameChangeResult out;
    if (ids.empty()) return out;
    P params;
    std::string where = absl::StrCat("p.frame_id IN (", inList(ids, params), ")");
    ASSIGN_OR_RETURN(out.procs_to_kill, markProcsForKill(*db_, where, params, "killed"));
    out.changed = static_cast<int32_t>(out.procs_to_kill.size());
    return out;
  });
}

}  // namespace cue::store
