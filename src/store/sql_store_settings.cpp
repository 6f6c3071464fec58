// SqlStore's settings patches (jobs, layers, groups, shows, hosts, allocations), the
// deletes of shows, groups, hosts, facilities and allocations, and farm-wide settings.
// Each public method is one transaction (SqlStore::transact); the contracts are in store.h.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/sql_util.h"
#include "store/sql_rows.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

template <typename T, typename V>
void put(std::vector<Assignment>& sets, absl::string_view column, const std::optional<T>& v,
         V (*conv)(T)) {
  if (v) sets.emplace_back(column, conv(*v));
}

SqlValue i32v(int32_t v) { return i(v); }
SqlValue i64v(int64_t v) { return i(v); }
SqlValue boolv(bool v) { return b(v); }
SqlValue strv(std::string v) { return s(v); }

absl::StatusOr<int64_t> count(SqlConnection& db, const std::string& sql, const P& params) {
  ASSIGN_OR_RETURN(auto rows, db.query(sql, params));
  return rows.empty() ? 0 : rows.front().i64(0);
}

}  // namespace

absl::Status SqlStore::updateJob(const std::string& id, const JobPatch& p) {
  std::vector<Assignment> sets;
  put(sets, "max_retries", p.max_retries, i32v);
  put(sets, "min_gpus", p.min_gpus, i32v);
  put(sets, "max_gpus", p.max_gpus, i32v);
  put(sets, "auto_eat", p.auto_eat, boolv);
  put(sets, "email", p.email, strv);
  return transact([&] { return updateById(*db_, "job", "job id", id, sets); });
}

absl::Status SqlStore::updateLayer(const std::string& id, const LayerPatch& p) {
  std::vector<Assignment> sets;
  put(sets, "min_cores", p.min_cores, i32v);
  put(sets, "max_cores", p.max_cores, i32v);
  put(sets, "threadable", p.threadable, boolv);
  put(sets, "memory_optimizer", p.memory_optimizer, boolv);
  put(sets, "min_memory", p.min_memory, i64v);
  put(sets, "min_gpu_memory", p.min_gpu_memory, i64v);
  put(sets, "min_gpus", p.min_gpus, i32v);
  put(sets, "max_gpus", p.max_gpus, i32v);
  put(sets, "timeout", p.timeout_min, i32v);
  put(sets, "timeout_llu", p.timeout_llu_min, i32v);
  put(sets, "dispatch_order", p.dispatch_order, i32v);
  if (p.outputs) sets.emplace_back("outputs", s(joinList(*p.outputs)));
  put(sets, "start_after", p.start_after, i64v);
  put(sets, "start_after_reason", p.start_after_reason, strv);
  return transact([&] { return updateById(*db_, "layer", "layer id", id, sets); });
}

absl::StatusOr<core::Group> SqlStore::getGroup(const std::string& id) {
  return read([&]() -> absl::StatusOr<core::Group> {
    return mapOne<core::Group>(
        db_->query(absl::StrCat("SELECT ", kGroupCols, " FROM folder WHERE id = $1"), {s(id)}),
        toGroup, "group id", id);
  });
}

absl::Status SqlStore::updateGroup(const std::string& id, const GroupPatch& p) {
  if (p.name && p.name->empty()) return absl::InvalidArgumentError("a group name cannot be empty");
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto g, mapOne<core::Group>(db_->query(absl::StrCat("SELECT ", kGroupCols,
                                                                         " FROM folder WHERE id = $1"),
                                                            {s(id)}),
                                                 toGroup, "group id", id));
    const std::string name = p.name.value_or(g.name);
    const std::string parent = p.parent_id.value_or(g.parent_id);
    if (p.parent_id) {
      if (g.parent_id.empty())
        return absl::FailedPreconditionError(
            absl::StrCat("group ", g.name, " is its show's root group: it has no parent to change"));
      ASSIGN_OR_RETURN(auto rows,
                       db_->query("SELECT show_id FROM folder WHERE id = $1", {s(parent)}));
      if (rows.empty()) return notFound("group id", parent);
      if (rows.front().str(0) != g.show_id)
        return absl::InvalidArgumentError(
            absl::StrCat("group ", parent, " belongs to another show than group ", g.name));
    }
    if (p.name || p.parent_id) {
      ASSIGN_OR_RETURN(auto n, count(*db_,
                                     "SELECT COUNT(*) FROM folder WHERE show_id = $1 AND "
                                     "parent_id = $2 AND name = $3 AND id <> $4",
                                     {s(g.show_id), s(parent), s(name), s(id)}));
      if (n > 0)
        return absl::AlreadyExistsError(
            absl::StrCat("group ", name, " already exists under group ", parent));
    }
    std::vector<Assignment> sets;
    put(sets, "name", p.name, strv);
    put(sets, "parent_id", p.parent_id, strv);
    put(sets, "dept", p.department, strv);
    put(sets, "default_job_priority", p.default_job_priority, i32v);
    put(sets, "default_job_min_cores", p.default_job_min_cores, i32v);
    put(sets, "default_job_max_cores", p.default_job_max_cores, i32v);
    put(sets, "default_job_min_gpus", p.default_job_min_gpus, i32v);
    put(sets, "default_job_max_gpus", p.default_job_max_gpus, i32v);
    put(sets, "min_gpus", p.min_gpus, i32v);
    put(sets, "max_gpus", p.max_gpus, i32v);
    return updateById(*db_, "folder", "group id", id, sets);
  });
}

absl::Status SqlStore::deleteGroup(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT name, parent_id FROM folder WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("group id", id);
    const std::string name = rows.front().str(0);
    if (rows.front().str(1).empty())
      return absl::FailedPreconditionError(
          absl::StrCat("group ", name, " is its show's root group and cannot be deleted"));
    ASSIGN_OR_RETURN(auto children,
                     count(*db_, "SELECT COUNT(*) FROM folder WHERE parent_id = $1", {s(id)}));
    if (children > 0)
      return absl::FailedPreconditionError(
          absl::StrCat("group ", name, " holds ", children, " groups: move or delete them first"));
    ASSIGN_OR_RETURN(auto jobs, count(*db_,
                                      "SELECT COUNT(*) FROM job WHERE folder_id = $1 AND state "
                                      "= 'PENDING'",
                                      {s(id)}));
    if (jobs > 0)
      return absl::FailedPreconditionError(
          absl::StrCat("group ", name, " holds ", jobs, " pending jobs: move them first"));
    // Finished jobs keep their history in the show's root group.
    RETURN_IF_ERROR(db_->exec("UPDATE job SET folder_id = (SELECT f.id FROM folder f JOIN "
                              "folder g ON f.show_id = g.show_id WHERE g.id = $1 AND "
                              "f.parent_id = '') WHERE folder_id = $1",
                              {s(id)})
                        .status());
    return db_->exec("DELETE FROM folder WHERE id = $1", {s(id)}).status();
  });
}

absl::Status SqlStore::updateShow(const std::string& id, const ShowPatch& p) {
  std::vector<Assignment> sets;
  put(sets, "comment_email", p.comment_email, strv);
  put(sets, "default_min_gpus", p.default_min_gpus, i32v);
  put(sets, "default_max_gpus", p.default_max_gpus, i32v);
  put(sets, "scheduler_managed", p.scheduler_managed, boolv);
  return transact([&] { return updateById(*db_, "show", "show id", id, sets); });
}

absl::Status SqlStore::deleteShow(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM show WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("show id", id);
    ASSIGN_OR_RETURN(auto jobs, count(*db_, "SELECT COUNT(*) FROM job WHERE show_id = $1", {s(id)}));
    if (jobs > 0)
      return absl::FailedPreconditionError(
          absl::StrCat("show ", rows.front().str(0), " has launched ", jobs,
                       " jobs and cannot be deleted; set it inactive instead"));
    for (const char* sql : {
             "DELETE FROM matcher WHERE filter_id IN (SELECT id FROM filter WHERE show_id = $1)",
             "DELETE FROM action WHERE filter_id IN (SELECT id FROM filter WHERE show_id = $1)",
             "DELETE FROM filter WHERE show_id = $1",
             "DELETE FROM subscription WHERE show_id = $1",
             "DELETE FROM service WHERE show_id = $1",
             "DELETE FROM task WHERE show_dept_id IN (SELECT id FROM show_dept WHERE show_id = $1)",
             "DELETE FROM show_dept WHERE show_id = $1",
             "DELETE FROM deed WHERE owner_id IN (SELECT id FROM owner WHERE show_id = $1)",
             "DELETE FROM owner WHERE show_id = $1",
             "DELETE FROM folder WHERE show_id = $1",
             "DELETE FROM show WHERE id = $1",
         })
      RETURN_IF_ERROR(db_->exec(sql, {s(id)}).status());
    return absl::OkStatus();
  });
}

absl::StatusOr<core::Facility> SqlStore::createFacility(const std::string& name) {
  if (name.empty() || name.find('.') != std::string::npos)
    return absl::InvalidArgumentError(
        absl::StrCat("facility name \"", name, "\" is invalid: it must be non-empty without '.'"));
  return transact([&]() -> absl::StatusOr<core::Facility> {
    ASSIGN_OR_RETURN(auto n, count(*db_, "SELECT COUNT(*) FROM facility WHERE name = $1", {s(name)}));
    if (n > 0) return absl::AlreadyExistsError(absl::StrCat("facility ", name, " already exists"));
    core::Facility f{common::newId(), name};
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO facility (id, name) VALUES ($1, $2)", {s(f.id), s(name)}).status());
    return f;
  });
}

absl::Status SqlStore::renameFacility(const std::string& id, const std::string& name) {
  if (name.empty() || name.find('.') != std::string::npos)
    return absl::InvalidArgumentError(
        absl::StrCat("facility name \"", name, "\" is invalid: it must be non-empty without '.'"));
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM facility WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("facility id", id);
    const std::string old = rows.front().str(0);
    ASSIGN_OR_RETURN(auto n, count(*db_, "SELECT COUNT(*) FROM facility WHERE name = $1 AND id <> $2",
                                   {s(name), s(id)}));
    if (n > 0) return absl::AlreadyExistsError(absl::StrCat("facility ", name, " already exists"));
    RETURN_IF_ERROR(updateById(*db_, "facility", "facility id", id, {{"name", s(name)}}));
    // Allocation names carry the facility: "<facility>.<name>".
    ASSIGN_OR_RETURN(auto allocs,
                     db_->query("SELECT id, name FROM alloc WHERE facility_id = $1", {s(id)}));
    for (const auto& a : allocs) {
      std::string full = a.str(1);
      if (full.rfind(old + ".", 0) == 0) full = name + full.substr(old.size());
      RETURN_IF_ERROR(updateById(*db_, "alloc", "allocation id", a.str(0), {{"name", s(full)}}));
    }
    return absl::OkStatus();
  });
}

absl::Status SqlStore::deleteFacility(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM facility WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("facility id", id);
    ASSIGN_OR_RETURN(auto n, count(*db_, "SELECT COUNT(*) FROM alloc WHERE facility_id = $1", {s(id)}));
    if (n > 0)
      return absl::FailedPreconditionError(absl::StrCat(
          "facility ", rows.front().str(0), " has ", n, " allocations: delete them first"));
    return db_->exec("DELETE FROM facility WHERE id = $1", {s(id)}).status();
  });
}

absl::StatusOr<core::Allocation> SqlStore::createAllocation(const std::string& facility_id,
                                                            const std::string& name,
                                                            const std::string& tag) {
  if (name.empty() || name.find('.') != std::string::npos)
    return absl::InvalidArgumentError(absl::StrCat(
        "allocation name \"", name, "\" is invalid: give the short name, non-empty, without '.'"));
  if (tag.empty() || tag.find('|') != std::string::npos)
    return absl::InvalidArgumentError(
        absl::StrCat("allocation tag \"", tag, "\" is invalid: it must be non-empty without '|'"));
  return transact([&]() -> absl::StatusOr<core::Allocation> {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT name FROM facility WHERE id = $1", {s(facility_id)}));
    if (rows.empty()) return notFound("facility id", facility_id);
    const std::string full = absl::StrCat(rows.front().str(0), ".", name);
    ASSIGN_OR_RETURN(auto n, count(*db_, "SELECT COUNT(*) FROM alloc WHERE name = $1", {s(full)}));
    if (n > 0) return absl::AlreadyExistsError(absl::StrCat("allocation ", full, " already exists"));
    const std::string id = common::newId();
    RETURN_IF_ERROR(db_->exec("INSERT INTO alloc (id, name, facility_id, tag) VALUES ($1, $2, $3, $4)",
                              {s(id), s(full), s(facility_id), s(tag)})
                        .status());
    return mapOne<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " WHERE a.id = $1"), {s(id)}), toAlloc,
        "allocation id", id);
  });
}

absl::StatusOr<core::Allocation> SqlStore::getAllocation(const std::string& id) {
  return read([&]() -> absl::StatusOr<core::Allocation> {
    return mapOne<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " WHERE a.id = $1"), {s(id)}), toAlloc,
        "allocation id", id);
  });
}

absl::Status SqlStore::updateAllocation(const std::string& id, const AllocationPatch& p) {
  if (p.name && (p.name->empty() || p.name->find('.') == std::string::npos))
    return absl::InvalidArgumentError(absl::StrCat(
        "allocation name \"", *p.name, "\" is invalid: it must be \"<facility>.<name>\""));
  if (p.tag && (p.tag->empty() || p.tag->find('|') != std::string::npos))
    return absl::InvalidArgumentError(
        absl::StrCat("allocation tag \"", *p.tag, "\" is invalid: it must be non-empty without '|'"));
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto a, mapOne<core::Allocation>(
                                 db_->query(absl::StrCat("SELECT ", kAllocCols, " WHERE a.id = $1"),
                                            {s(id)}),
                                 toAlloc, "allocation id", id));
    if (p.name) {
      if (p.name->rfind(a.facility + ".", 0) != 0)
        return absl::InvalidArgumentError(absl::StrCat("allocation name ", *p.name,
                                                       " must start with its facility, ",
                                                       a.facility, "."));
      ASSIGN_OR_RETURN(auto n, count(*db_, "SELECT COUNT(*) FROM alloc WHERE name = $1 AND id <> $2",
                                     {s(*p.name), s(id)}));
      if (n > 0)
        return absl::AlreadyExistsError(absl::StrCat("allocation ", *p.name, " already exists"));
    }
    std::vector<Assignment> sets;
    put(sets, "name", p.name, strv);
    put(sets, "tag", p.tag, strv);
    put(sets, "billable", p.billable, boolv);
    RETURN_IF_ERROR(updateById(*db_, "alloc", "allocation id", id, sets));
    if (p.tag && *p.tag != a.tag) {
      // The hosts of the allocation carry its tag.
      ASSIGN_OR_RETURN(auto hosts, db_->query("SELECT id, tags FROM host WHERE alloc_id = $1", {s(id)}));
      for (const auto& h : hosts) {
        auto tags = splitList(h.str(1));
        std::replace(tags.begin(), tags.end(), a.tag, *p.tag);
        RETURN_IF_ERROR(updateById(*db_, "host", "host id", h.str(0), {{"tags", s(joinList(tags))}}));
      }
    }
    return absl::OkStatus();
  });
}

absl::Status SqlStore::deleteAllocation(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM alloc WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("allocation id", id);
    const std::string name = rows.front().str(0);
    ASSIGN_OR_RETURN(auto hosts, count(*db_, "SELECT COUNT(*) FROM host WHERE alloc_id = $1", {s(id)}));
    ASSIGN_OR_RETURN(auto subs,
                     count(*db_, "SELECT COUNT(*) FROM subscription WHERE alloc_id = $1", {s(id)}));
    if (hosts > 0 || subs > 0)
      return absl::FailedPreconditionError(absl::StrCat("allocation ", name, " has ", hosts,
                                                        " hosts and ", subs,
                                                        " subscriptions: move or delete them first"));
    ASSIGN_OR_RETURN(auto def, db_->query("SELECT value FROM farm_setting WHERE name = "
                                          "'default_allocation'"));
    if (!def.empty() && def.front().str(0) == id)
      return absl::FailedPreconditionError(
          absl::StrCat("allocation ", name, " is the farm's default: set another default first"));
    return db_->exec("DELETE FROM alloc WHERE id = $1", {s(id)}).status();
  });
}

absl::StatusOr<std::string> SqlStore::getSetting(const std::string& name) {
  return read([&]() -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT value FROM farm_setting WHERE name = $1", {s(name)}));
    if (rows.empty()) return notFound("farm setting", name);
    return rows.front().str(0);
  });
}

absl::Status SqlStore::setSetting(const std::string& name, const std::string& value) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(db_->exec("DELETE FROM farm_setting WHERE name = $1", {s(name)}).status());
    return db_->exec("INSERT INTO farm_setting (name, value) VALUES ($1, $2)", {s(name), s(value)})
        .status();
  });
}

absl::Status SqlStore::updateHost(const std::string& id, const HostPatch& p) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT h.tags, a.tag FROM host h JOIN alloc a ON "
                                           "h.alloc_id = a.id WHERE h.id = $1",
                                           {s(id)}));
    if (rows.empty()) return notFound("host id", id);
    std::vector<Assignment> sets;
    put(sets, "os", p.os, strv);
    if (p.alloc_id) {
      ASSIGN_OR_RETURN(auto alloc, db_->query("SELECT tag FROM alloc WHERE id = $1", {s(*p.alloc_id)}));
      if (alloc.empty()) return notFound("allocation id", *p.alloc_id);
      auto tags = splitList(rows.front().str(0));
      std::erase(tags, rows.front().str(1));
      const std::string tag = alloc.front().str(0);
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
      sets.emplace_back("alloc_id", s(*p.alloc_id));
      sets.emplace_back("tags", s(joinList(tags)));
    }
    return updateById(*db_, "host", "host id", id, sets);
  });
}

absl::Status SqlStore::deleteHost(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM host WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("host id", id);
    ASSIGN_OR_RETURN(auto procs, count(*db_, "SELECT COUNT(*) FROM proc WHERE host_id = $1", {s(id)}));
    if (procs > 0)
      return absl::FailedPreconditionError(absl::StrCat(
          "host ", rows.front().str(0), " runs ", procs, " frames: kill them or wait first"));
    for (const char* sql : {"DELETE FROM deed WHERE host_id = $1",
                            "DELETE FROM render_partition WHERE host_id = $1",
                            "DELETE FROM comments WHERE parent_id = $1",
                            "DELETE FROM host WHERE id = $1"})
      RETURN_IF_ERROR(db_->exec(sql, {s(id)}).status());
    return absl::OkStatus();
  });
}

}  // namespace cue::store
