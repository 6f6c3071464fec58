// SqlStore's depends: the helpers that create and satisfy depends inside other
// transactions (job creation, frame completion, a job ending), and the public depend
// methods (read, satisfy, unsatisfy, drop). Every decision, "is this depend satisfied
// now", "which depends does this entity wait on", is core/depend_rules.h's; the SQL here
// reads what a rule needs and persists what it decided. Contracts are in store.h.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "core/depend_rules.h"
#include "store/sql_rows.h"
#include "store/sql_store.h"
#include "store/sql_util.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace sql_util {

core::Depend toDepend(const SqlRow& r) {
  core::Depend d;
  d.id = r.str(0);
  d.type = core::parseDependType(r.str(1)).value_or(core::DependType::kJobOnJob);
  d.target = r.str(2) == "EXTERNAL" ? core::DependTarget::kExternal : core::DependTarget::kInternal;
  d.any_frame = r.b(3);
  d.active = r.b(4);
  d.er_job_id = r.str(5);
  d.er_layer_id = r.str(6);
  d.er_frame_id = r.str(7);
  d.on_job_id = r.str(8);
  d.on_layer_id = r.str(9);
  d.on_frame_id = r.str(10);
  return d;
}

}  // namespace sql_util

namespace {

// The condition (on frame alias f) selecting the frames of one side of a depend: the
// frame when the side names one, else the layer, else the whole job. Appends the id to
// params and refers to it by position.
std::string sideFrames(const std::string& job, const std::string& layer, const std::string& frame,
                       P& params) {
  if (!frame.empty()) {
    params.push_back(s(frame));
    return absl::StrCat("f.id = $", params.size());
  }
  if (!layer.empty()) {
    params.push_back(s(layer));
    return absl::StrCat("f.layer_id = $", params.size());
  }
  params.push_back(s(job));
  return absl::StrCat("f.job_id = $", params.size());
}

absl::StatusOr<std::vector<core::Depend>> loadDepends(SqlConnection& db, absl::string_view where,
                                                      const P& params) {
  return mapRows<core::Depend>(
      db.query(absl::StrCat("SELECT ", kDependCols, " FROM depend WHERE ", where, " ORDER BY id"),
               params),
      toDepend);
}

absl::StatusOr<core::Depend> loadDepend(SqlConnection& db, const std::string& id) {
  return mapOne<core::Depend>(
      db.query(absl::StrCat("SELECT ", kDependCols, " FROM depend WHERE id = $1"), {s(id)}),
      toDepend, "depend id", id);
}

// What the rules need about a depend's depend-on side: its job's state and how many of
// its frames are done.
absl::StatusOr<core::DependProgress> progressOf(SqlConnection& db, const core::Depend& d) {
  core::DependProgress p;
  ASSIGN_OR_RETURN(auto job, db.query("SELECT state FROM job WHERE id = $1", {s(d.on_job_id)}));
  if (!job.empty())
    p.on_job_state = core::parseJobState(job.front().str(0)).value_or(core::JobState::kPending);
  P params;
  std::string where = sideFrames(d.on_job_id, d.on_layer_id, d.on_frame_id, params);
  ASSIGN_OR_RETURN(auto counts,
                   db.query(absl::StrCat("SELECT f.state, COUNT(*) FROM frame f WHERE ", where,
                                         " GROUP BY f.state"),
                            params));
  for (const auto& row : counts) {
    auto state = core::parseFrameState(row.str(0));
    const auto n = row.i32(1);
    if (state && core::isDone(*state))
      p.on_frames_done += n;
    else
      p.on_frames_open += n;
  }
  return p;
}

// The waiting side of `d` is held once more: counts up, WAITING frames to DEPEND.
absl::Status holdWaiters(SqlConnection& db, const core::Depend& d) {
  P params;
  std::string where = sideFrames(d.er_job_id, d.er_layer_id, d.er_frame_id, params);
  RETURN_IF_ERROR(
      db.exec(absl::StrCat("UPDATE frame SET depend_count = depend_count + 1 WHERE id IN (SELECT "
                           "f.id FROM frame f WHERE ",
                           where, ")"),
              params)
          .status());
  return db
      .exec(absl::StrCat("UPDATE frame SET state = 'DEPEND', version = version + 1 WHERE state = "
                         "'WAITING' AND id IN (SELECT f.id FROM frame f WHERE ",
                         where, ")"),
            params)
      .status();
}

// The waiting side of `d` is held once less: counts down, frames in DEPEND held by
// nothing else become WAITING.
absl::Status releaseWaiters(SqlConnection& db, const core::Depend& d) {
  P params;
  std::string where = sideFrames(d.er_job_id, d.er_layer_id, d.er_frame_id, params);
  RETURN_IF_ERROR(
      db.exec(absl::StrCat("UPDATE frame SET depend_count = depend_count - 1 WHERE depend_count > "
                           "0 AND id IN (SELECT f.id FROM frame f WHERE ",
                           where, ")"),
              params)
          .status());
  return db
      .exec(absl::StrCat("UPDATE frame SET state = 'WAITING', version = version + 1 WHERE state = "
                         "'DEPEND' AND depend_count = 0 AND id IN (SELECT f.id FROM frame f WHERE ",
                         where, ")"),
            params)
      .status();
}

// Marks an active depend satisfied and releases its waiting side. False when it was
// already satisfied (nothing changed).
absl::StatusOr<bool> markSatisfied(SqlConnection& db, const core::Depend& d) {
  ASSIGN_OR_RETURN(auto n,
                   db.exec("UPDATE depend SET active = 0 WHERE id = $1 AND active = 1", {s(d.id)}));
  if (n == 0) return false;
  RETURN_IF_ERROR(releaseWaiters(db, d));
  return true;
}

void record(DependChangeResult& out, const core::Depend& d);

// Satisfies `d` when the rules say its depend-on side is complete; what it released is
// added to `released` (when given).
absl::Status satisfyIfComplete(SqlConnection& db, const core::Depend& d,
                               DependChangeResult* released) {
  ASSIGN_OR_RETURN(auto progress, progressOf(db, d));
  if (!core::isDependSatisfied(d, progress)) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool changed, markSatisfied(db, d));
  if (changed && released) record(*released, d);
  return absl::OkStatus();
}

// The entity `id` of level `kind` with the ids of what contains it. NOT_FOUND when unknown.
absl::StatusOr<core::DependEntityRef> entityRef(SqlConnection& db, core::DependEntity kind,
                                                const std::string& id) {
  core::DependEntityRef ref;
  ref.kind = kind;
  switch (kind) {
    case core::DependEntity::kJob: {
      ASSIGN_OR_RETURN(auto rows, db.query("SELECT id FROM job WHERE id = $1", {s(id)}));
      if (rows.empty()) return notFound("job id", id);
      ref.job_id = id;
      return ref;
    }
    case core::DependEntity::kLayer: {
      ASSIGN_OR_RETURN(auto rows, db.query("SELECT job_id FROM layer WHERE id = $1", {s(id)}));
      if (rows.empty()) return notFound("layer id", id);
      ref.job_id = rows[0].str(0);
      ref.layer_id = id;
      return ref;
    }
    case core::DependEntity::kFrame: {
      ASSIGN_OR_RETURN(auto rows,
                       db.query("SELECT job_id, layer_id FROM frame WHERE id = $1", {s(id)}));
      if (rows.empty()) return notFound("frame id", id);
      ref.job_id = rows[0].str(0);
      ref.layer_id = rows[0].str(1);
      ref.frame_id = id;
      return ref;
    }
  }
  return absl::InvalidArgumentError("unknown depend entity kind");
}

absl::StatusOr<std::vector<core::Depend>> waitedOnBy(SqlConnection& db,
                                                     const core::DependEntityRef& ref) {
  ASSIGN_OR_RETURN(auto all, loadDepends(db, "er_job_id = $1", {s(ref.job_id)}));
  std::erase_if(all, [&](const core::Depend& d) { return !core::isDependOfWaiter(d, ref); });
  return all;
}

void record(DependChangeResult& out, const core::Depend& d) {
  out.depends.push_back(d.id);
  if (std::find(out.job_ids.begin(), out.job_ids.end(), d.er_job_id) == out.job_ids.end())
    out.job_ids.push_back(d.er_job_id);
}

}  // namespace

// ---- helpers for other transactions -----------------------------------------------

namespace sql_util {

absl::Status addDepend(SqlConnection& db, const core::Depend& d) {
  RETURN_IF_ERROR(db.exec("INSERT INTO depend (id, type, target, any_frame, active, er_job_id, "
                          "er_layer_id, er_frame_id, on_job_id, on_layer_id, on_frame_id) VALUES "
                          "($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10)",
                          {s(d.id), s(core::toString(d.type)),
                           s(d.target == core::DependTarget::kExternal ? "EXTERNAL" : "INTERNAL"),
                           b(d.any_frame), s(d.er_job_id), s(d.er_layer_id), s(d.er_frame_id),
                           s(d.on_job_id), s(d.on_layer_id), s(d.on_frame_id)})
                      .status());
  ASSIGN_OR_RETURN(auto progress, progressOf(db, d));
  if (core::isDependSatisfied(d, progress))
    return db.exec("UPDATE depend SET active = 0 WHERE id = $1", {s(d.id)}).status();
  return holdWaiters(db, d);
}

absl::Status frameDone(SqlConnection& db, const std::string& job_id, const std::string& layer_id,
                       const std::string& frame_id, DependChangeResult* released) {
  return framesDone(db, {DoneFrame{&job_id, &layer_id, &frame_id, released}});
}

absl::Status framesDone(SqlConnection& db, const std::vector<DoneFrame>& done,
                        const SqlStatement* also, std::vector<SqlRow>* also_rows) {
  if (done.empty()) return absl::OkStatus();
  std::vector<std::string> jobs;
  for (const auto& f : done)
    if (std::find(jobs.begin(), jobs.end(), *f.job_id) == jobs.end()) jobs.push_back(*f.job_id);
  std::vector<SqlStatement> reads(1);
  reads[0].sql = absl::StrCat("SELECT ", kDependCols, " FROM depend WHERE on_job_id IN (",
                              inList(jobs, reads[0].params), ") AND active = 1 ORDER BY id");
  if (also != nullptr) reads.push_back(*also);
  ASSIGN_OR_RETURN(auto rows, db.queryAll(reads));
  if (also_rows != nullptr && also != nullptr) *also_rows = std::move(rows[1]);
  ASSIGN_OR_RETURN(auto deps, mapRows<core::Depend>(std::move(rows[0]), toDepend));
  for (const auto& d : deps) {
    auto first = std::find_if(done.begin(), done.end(), [&](const DoneFrame& f) {
      return core::dependWatchesFrame(d, *f.job_id, *f.layer_id, *f.frame_id);
    });
    if (first != done.end()) RETURN_IF_ERROR(satisfyIfComplete(db, d, first->released));
  }
  return absl::OkStatus();
}

absl::Status jobOver(SqlConnection& db, const std::string& job_id, DependChangeResult* released) {
  ASSIGN_OR_RETURN(auto deps, loadDepends(db, "on_job_id = $1 AND active = 1", {s(job_id)}));
  for (const auto& d : deps) RETURN_IF_ERROR(satisfyIfComplete(db, d, released));
  return absl::OkStatus();
}

}  // namespace sql_util

// ---- public methods ---------------------------------------------------------------

absl::StatusOr<core::Depend> SqlStore::getDepend(const std::string& id) {
  return read([&] { return loadDepend(*db_, id); });
}

absl::StatusOr<std::vector<core::Depend>> SqlStore::dependsOn(core::DependEntity kind,
                                                              const std::string& id) {
  return transact([&]() -> absl::StatusOr<std::vector<core::Depend>> {
    ASSIGN_OR_RETURN(auto ref, entityRef(*db_, kind, id));
    return waitedOnBy(*db_, ref);
  });
}

absl::StatusOr<std::vector<core::Depend>> SqlStore::dependsOnThis(core::DependEntity kind,
                                                                  const std::string& id) {
  return transact([&]() -> absl::StatusOr<std::vector<core::Depend>> {
    ASSIGN_OR_RETURN(auto ref, entityRef(*db_, kind, id));
    ASSIGN_OR_RETURN(auto all, loadDepends(*db_, "on_job_id = $1", {s(ref.job_id)}));
    std::erase_if(all, [&](const core::Depend& d) { return !core::isDependOnTarget(d, ref); });
    return all;
  });
}

absl::StatusOr<DependChangeResult> SqlStore::satisfyDepend(const std::string& id) {
  return transact([&]() -> absl::StatusOr<DependChangeResult> {
    DependChangeResult out;
    ASSIGN_OR_RETURN(auto d, loadDepend(*db_, id));
    ASSIGN_OR_RETURN(bool changed, markSatisfied(*db_, d));
    if (changed) record(out, d);
    return out;
  });
}

absl::StatusOr<DependChangeResult> SqlStore::unsatisfyDepend(const std::string& id) {
  return transact([&]() -> absl::StatusOr<DependChangeResult> {
    DependChangeResult out;
    ASSIGN_OR_RETURN(auto d, loadDepend(*db_, id));
    ASSIGN_OR_RETURN(
        auto n, db_->exec("UPDATE depend SET active = 1 WHERE id = $1 AND active = 0", {s(id)}));
    if (n == 0) return out;
    RETURN_IF_ERROR(holdWaiters(*db_, d));
    record(out, d);
    return out;
  });
}

absl::StatusOr<DependChangeResult> SqlStore::dropDepends(core::DependEntity kind,
                                                         const std::string& id,
                                                         core::DependTarget target) {
  return transact([&]() -> absl::StatusOr<DependChangeResult> {
    DependChangeResult out;
    ASSIGN_OR_RETURN(auto ref, entityRef(*db_, kind, id));
    ASSIGN_OR_RETURN(auto deps, waitedOnBy(*db_, ref));
    for (const auto& d : deps) {
      if (!d.active || !core::matchesTarget(d, target)) continue;
      ASSIGN_OR_RETURN(bool changed, markSatisfied(*db_, d));
      if (changed) record(out, d);
    }
    return out;
  });
}

}  // namespace cue::store
