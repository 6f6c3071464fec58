// SqlStore: filters (order, matchers, actions), the job and layer changes filter actions
// make, services, departments and their tasks, render partitions. Contracts in store.h.
#include <algorithm>

#include "common/ids.h"
#include "common/status.h"
#include "store/sql_rows.h"
#include "store/sql_store.h"
#include "store/sql_util.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

constexpr absl::string_view kFilterCols = "id, show_id, name, type, ordering, enabled";
core::Filter toFilter(const SqlRow& r) {
  return core::Filter{r.str(0), r.str(1), r.str(2), static_cast<core::FilterType>(r.i32(3)),
                      static_cast<float>(r.f64(4)), r.b(5)};
}

constexpr absl::string_view kShowDeptCols =
    "sd.id, sd.show_id, sh.name, sd.dept_id, d.name, sd.ti_task, sd.managed_cores, sd.ti_managed";
constexpr absl::string_view kShowDeptFrom =
    " FROM show_dept sd JOIN show sh ON sd.show_id = sh.id JOIN dept d ON sd.dept_id = d.id";
core::ShowDepartment toShowDept(const SqlRow& r) {
  core::ShowDepartment d;
  d.id = r.str(0);
  d.show_id = r.str(1);
  d.show = r.str(2);
  d.dept_id = r.str(3);
  d.dept = r.str(4);
  d.ti_task = r.str(5);
  d.managed_cores = r.i32(6);
  d.ti_managed = r.b(7);
  return d;
}

constexpr absl::string_view kTaskCols =
    "t.id, t.show_dept_id, d.name, t.shot, t.min_cores, t.adjust_cores";
constexpr absl::string_view kTaskFrom =
    " FROM task t JOIN show_dept sd ON t.show_dept_id = sd.id JOIN dept d ON sd.dept_id = d.id";
core::Task toTask(const SqlRow& r) {
  return core::Task{r.str(0), r.str(1), r.str(2), r.str(3), r.i32(4), r.i32(5)};
}

constexpr absl::string_view kPartitionCols =
    "id, host_id, job_id, layer_id, frame_id, type, max_cores, max_memory, max_gpus, "
    "max_gpu_memory, threads";
core::RenderPartition toPartition(const SqlRow& r) {
  core::RenderPartition p;
  p.id = r.str(0);
  p.host_id = r.str(1);
  p.job_id = r.str(2);
  p.layer_id = r.str(3);
  p.frame_id = r.str(4);
  p.type = static_cast<core::RenderPartitionType>(r.i32(5));
  p.max_cores = r.i32(6);
  p.max_memory = r.i64(7);
  p.max_gpus = r.i32(8);
  p.max_gpu_memory = r.i64(9);
  p.threads = r.i32(10);
  return p;
}

// NOT_FOUND unless a row of `table` has that id.
absl::Status mustExist(SqlConnection& db, absl::string_view table, absl::string_view what,
                       const std::string& id) {
  ASSIGN_OR_RETURN(auto rows,
                   db.query(absl::StrCat("SELECT id FROM ", table, " WHERE id = $1"), {s(id)}));
  if (rows.empty()) return notFound(what, id);
  return absl::OkStatus();
}

// An UPDATE that must change one row, else NOT_FOUND.
absl::Status updateOne(SqlConnection& db, absl::string_view sql, const P& params,
                       absl::string_view what, const std::string& id) {
  ASSIGN_OR_RETURN(auto n, db.exec(sql, params));
  if (n == 0) return notFound(what, id);
  return absl::OkStatus();
}

// Renumbers a show's filters 1, 2, 3... by their current order, then name.
absl::Status renumberFilters(SqlConnection& db, const std::string& show_id) {
  ASSIGN_OR_RETURN(auto rows, db.query("SELECT id FROM filter WHERE show_id = $1 "
                                       "ORDER BY ordering, name, id",
                                       {s(show_id)}));
  int64_t n = 0;
  for (const auto& r : rows) {
    ++n;
    RETURN_IF_ERROR(db.exec("UPDATE filter SET ordering = $1 WHERE id = $2",
                            {SqlValue(static_cast<double>(n)), s(r.str(0))})
                        .status());
  }
  return absl::OkStatus();
}

absl::Status checkService(const core::Service& sv) {
  if (sv.name.empty()) return absl::InvalidArgumentError("a service needs a name");
  if (sv.min_cores < 0 || sv.max_cores < 0 || sv.min_memory < 0 || sv.min_gpu_memory < 0 ||
      sv.min_gpus < 0 || sv.max_gpus < 0 || sv.timeout_min < 0 || sv.timeout_llu_min < 0 ||
      sv.min_memory_increase < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("service ", sv.name, ": cores, memory, GPUs and timeouts must not be negative"));
  return absl::OkStatus();
}

}  // namespace

// ---- filters -------------------------------------------------------------------------

absl::StatusOr<core::Filter> SqlStore::getFilter(const std::string& id) {
  return read([&] {
    return mapOne<core::Filter>(
        db_->query(absl::StrCat("SELECT ", kFilterCols, " FROM filter WHERE id = $1"), {s(id)}),
        toFilter, "filter", id);
  });
}

absl::StatusOr<core::Filter> SqlStore::findFilter(const std::string& show_id,
                                                  const std::string& name) {
  return read([&] {
    return mapOne<core::Filter>(
        db_->query(absl::StrCat("SELECT ", kFilterCols,
                                " FROM filter WHERE show_id = $1 AND name = $2"),
                   {s(show_id), s(name)}),
        toFilter, "filter", name);
  });
}

absl::Status SqlStore::updateFilter(const core::Filter& f) {
  if (f.name.empty()) return absl::InvalidArgumentError("a filter needs a name");
  return transact([&] {
    return updateOne(*db_, "UPDATE filter SET name = $1, type = $2, enabled = $3 WHERE id = $4",
                     {s(f.name), i(static_cast<int>(f.type)), b(f.enabled), s(f.id)}, "filter",
                     f.id);
  });
}

absl::Status SqlStore::setFilterOrder(const std::string& id, double order) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT show_id FROM filter WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("filter", id);
    RETURN_IF_ERROR(
        db_->exec("UPDATE filter SET ordering = $1 WHERE id = $2", {SqlValue(order), s(id)})
            .status());
    return renumberFilters(*db_, rows.front().str(0));
  });
}

absl::Status SqlStore::deleteFilter(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT show_id FROM filter WHERE id = $1", {s(id)}));
    if (rows.empty()) return notFound("filter", id);
    RETURN_IF_ERROR(db_->exec("DELETE FROM matcher WHERE filter_id = $1", {s(id)}).status());
    RETURN_IF_ERROR(db_->exec("DELETE FROM action WHERE filter_id = $1", {s(id)}).status());
    RETURN_IF_ERROR(db_->exec("DELETE FROM filter WHERE id = $1", {s(id)}).status());
    return renumberFilters(*db_, rows.front().str(0));
  });
}

absl::StatusOr<core::Matcher> SqlStore::getMatcher(const std::string& id) {
  return read([&] {
    return mapOne<core::Matcher>(
        db_->query(absl::StrCat("SELECT ", kMatcherCols, " FROM matcher WHERE id = $1"), {s(id)}),
        toMatcher, "matcher", id);
  });
}

absl::Status SqlStore::updateMatcher(const core::Matcher& m) {
  return transact([&] {
    return updateOne(*db_,
                     "UPDATE matcher SET subject = $1, match_type = $2, input = $3 WHERE id = $4",
                     {i(static_cast<int>(m.subject)), i(static_cast<int>(m.type)), s(m.input),
                      s(m.id)},
                     "matcher", m.id);
  });
}

absl::Status SqlStore::deleteMatcher(const std::string& id) {
  return transact([&] {
    return updateOne(*db_, "DELETE FROM matcher WHERE id = $1", {s(id)}, "matcher", id);
  });
}

absl::StatusOr<core::Action> SqlStore::getAction(const std::string& id) {
  return read([&] {
    return mapOne<core::Action>(
        db_->query(absl::StrCat("SELECT ", kActionCols, " FROM action WHERE id = $1"), {s(id)}),
        toAction, "action", id);
  });
}

absl::Status SqlStore::updateAction(const core::Action& a) {
  return transact([&] {
    return updateOne(*db_,
                     "UPDATE action SET type = $1, value_type = $2, group_value = $3, "
                     "string_value = $4, integer_value = $5, float_value = $6, "
                     "boolean_value = $7 WHERE id = $8",
                     {i(static_cast<int>(a.type)), i(static_cast<int>(a.value_type)),
                      s(a.group_value), s(a.string_value), i(a.integer_value),
                      SqlValue(static_cast<double>(a.float_value)), b(a.boolean_value), s(a.id)},
                     "action", a.id);
  });
}

absl::Status SqlStore::deleteAction(const std::string& id) {
  return transact([&] {
    return updateOne(*db_, "DELETE FROM action WHERE id = $1", {s(id)}, "action", id);
  });
}

absl::Status SqlStore::setJobGroup(const std::string& job_id, const std::string& group_id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto job, db_->query("SELECT show_id FROM job WHERE id = $1", {s(job_id)}));
    if (job.empty()) return notFound("job", job_id);
    ASSIGN_OR_RETURN(auto group,
                     db_->query("SELECT show_id FROM folder WHERE id = $1", {s(group_id)}));
    if (group.empty()) return notFound("group", group_id);
    if (group.front().str(0) != job.front().str(0))
      return absl::InvalidArgumentError(
          absl::StrCat("group ", group_id, " is not of job ", job_id, "'s show"));
    return db_->exec("UPDATE job SET folder_id = $1 WHERE id = $2", {s(group_id), s(job_id)})
        .status();
  });
}

absl::Status SqlStore::setLayerMaxCores(const std::string& layer_id, CoreUnits max_cores) {
  if (max_cores < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("layer max cores must not be negative (got ", max_cores, ")"));
  return transact([&] {
    return updateOne(*db_, "UPDATE layer SET max_cores = $1 WHERE id = $2",
                     {i(max_cores), s(layer_id)}, "layer", layer_id);
  });
}

// ---- services ------------------------------------------------------------------------

absl::StatusOr<core::Service> SqlStore::createService(const core::Service& sv) {
  RETURN_IF_ERROR(checkService(sv));
  return transact([&]() -> absl::StatusOr<core::Service> {
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM service WHERE show_id = '' AND name = $1",
                                          {s(sv.name)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(absl::StrCat("service ", sv.name, " already exists"));
    core::Service out = sv;
    out.id = common::newId();
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO service (id, show_id, name, threadable, min_cores, max_cores, "
                  "min_memory, min_gpus, max_gpus, min_gpu_memory, tags, timeout, timeout_llu, "
                  "min_memory_increase) VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                  "$11, $12, $13)",
                  {s(out.id), s(out.name), b(out.threadable), i(out.min_cores), i(out.max_cores),
                   i(out.min_memory), i(out.min_gpus), i(out.max_gpus), i(out.min_gpu_memory),
                   s(joinList(out.tags)), i(out.timeout_min), i(out.timeout_llu_min),
                   i(out.min_memory_increase)})
            .status());
    return out;
  });
}

absl::StatusOr<core::Service> SqlStore::getService(const std::string& id) {
  return read([&] {
    return mapOne<core::Service>(
        db_->query(absl::StrCat("SELECT ", kServiceCols, " FROM service WHERE id = $1"), {s(id)}),
        toService, "service", id);
  });
}

absl::Status SqlStore::updateService(const core::Service& sv) {
  RETURN_IF_ERROR(checkService(sv));
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto cur, db_->query("SELECT show_id FROM service WHERE id = $1", {s(sv.id)}));
    if (cur.empty()) return notFound("service", sv.id);
    ASSIGN_OR_RETURN(auto dup,
                     db_->query("SELECT id FROM service WHERE show_id = $1 AND name = $2 AND "
                                "id <> $3",
                                {s(cur.front().str(0)), s(sv.name), s(sv.id)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(absl::StrCat("service ", sv.name, " already exists"));
    return db_
        ->exec("UPDATE service SET name = $1, threadable = $2, min_cores = $3, max_cores = $4, "
               "min_memory = $5, min_gpus = $6, max_gpus = $7, min_gpu_memory = $8, tags = $9, "
               "timeout = $10, timeout_llu = $11, min_memory_increase = $12 WHERE id = $13",
               {s(sv.name), b(sv.threadable), i(sv.min_cores), i(sv.max_cores),
                i(sv.min_memory), i(sv.min_gpus), i(sv.max_gpus), i(sv.min_gpu_memory),
                s(joinList(sv.tags)), i(sv.timeout_min), i(sv.timeout_llu_min),
                i(sv.min_memory_increase), s(sv.id)})
        .status();
  });
}

absl::Status SqlStore::deleteService(const std::string& id) {
  return transact([&] {
    return updateOne(*db_, "DELETE FROM service WHERE id = $1", {s(id)}, "service", id);
  });
}

// ---- departments and tasks -----------------------------------------------------------

absl::Status SqlStore::addDepartmentName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("a department needs a name");
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM dept WHERE name = $1", {s(name)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(absl::StrCat("department ", name, " already exists"));
    return db_->exec("INSERT INTO dept (id, name) VALUES ($1, $2)", {s(common::newId()), s(name)})
        .status();
  });
}

absl::Status SqlStore::removeDepartmentName(const std::string& name) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT id FROM dept WHERE name = $1", {s(name)}));
    if (rows.empty()) return notFound("department", name);
    ASSIGN_OR_RETURN(auto used, db_->query("SELECT id FROM show_dept WHERE dept_id = $1",
                                           {s(rows.front().str(0))}));
    if (!used.empty())
      return absl::FailedPreconditionError(
          absl::StrCat("department ", name, " is used by ", used.size(), " show(s)"));
    return db_->exec("DELETE FROM dept WHERE name = $1", {s(name)}).status();
  });
}

absl::StatusOr<std::vector<core::ShowDepartment>> SqlStore::getShowDepartments(
    const std::string& show_id) {
  return read([&] {
    return mapRows<core::ShowDepartment>(
        db_->query(absl::StrCat("SELECT ", kShowDeptCols, kShowDeptFrom,
                                " WHERE sd.show_id = $1 ORDER BY d.name"),
                   {s(show_id)}),
        toShowDept);
  });
}

absl::StatusOr<core::ShowDepartment> SqlStore::getShowDepartment(const std::string& id) {
  return read([&] {
    return mapOne<core::ShowDepartment>(
        db_->query(absl::StrCat("SELECT ", kShowDeptCols, kShowDeptFrom, " WHERE sd.id = $1"),
                   {s(id)}),
        toShowDept, "department", id);
  });
}

absl::StatusOr<core::ShowDepartment> SqlStore::ensureShowDepartment(const std::string& show_id,
                                                                    const std::string& dept) {
  return transact([&]() -> absl::StatusOr<core::ShowDepartment> {
    RETURN_IF_ERROR(mustExist(*db_, "show", "show", show_id));
    ASSIGN_OR_RETURN(auto d, db_->query("SELECT id FROM dept WHERE name = $1", {s(dept)}));
    if (d.empty()) return notFound("department", dept);
    const std::string dept_id = d.front().str(0);
    auto read = [&] {
      return db_->query(absl::StrCat("SELECT ", kShowDeptCols, kShowDeptFrom,
                                     " WHERE sd.show_id = $1 AND sd.dept_id = $2"),
                        {s(show_id), s(dept_id)});
    };
    ASSIGN_OR_RETURN(auto rows, read());
    if (rows.empty()) {
      RETURN_IF_ERROR(db_->exec("INSERT INTO show_dept (id, show_id, dept_id) VALUES ($1, $2, $3)",
                                {s(common::newId()), s(show_id), s(dept_id)})
                          .status());
      ASSIGN_OR_RETURN(rows, read());
    }
    if (rows.empty()) return absl::InternalError("show department vanished after insert");
    return toShowDept(rows.front());
  });
}

absl::Status SqlStore::updateShowDepartment(const core::ShowDepartment& d) {
  if (d.managed_cores < 0)
    return absl::InvalidArgumentError("a department's managed cores must not be negative");
  return transact([&] {
    return updateOne(*db_,
                     "UPDATE show_dept SET ti_task = $1, managed_cores = $2, ti_managed = $3 "
                     "WHERE id = $4",
                     {s(d.ti_task), i(d.managed_cores), b(d.ti_managed), s(d.id)}, "department",
                     d.id);
  });
}

absl::Status SqlStore::deleteShowDepartment(const std::string& id) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(mustExist(*db_, "show_dept", "department", id));
    RETURN_IF_ERROR(db_->exec("DELETE FROM task WHERE show_dept_id = $1", {s(id)}).status());
    return db_->exec("DELETE FROM show_dept WHERE id = $1", {s(id)}).status();
  });
}

absl::StatusOr<std::vector<core::Task>> SqlStore::getTasks(const std::string& dept_id) {
  return read([&]() -> absl::StatusOr<std::vector<core::Task>> {
    RETURN_IF_ERROR(mustExist(*db_, "show_dept", "department", dept_id));
    return mapRows<core::Task>(
        db_->query(absl::StrCat("SELECT ", kTaskCols, kTaskFrom,
                                " WHERE t.show_dept_id = $1 ORDER BY t.shot"),
                   {s(dept_id)}),
        toTask);
  });
}

absl::StatusOr<core::Task> SqlStore::getTask(const std::string& id) {
  return read([&] {
    return mapOne<core::Task>(
        db_->query(absl::StrCat("SELECT ", kTaskCols, kTaskFrom, " WHERE t.id = $1"), {s(id)}),
        toTask, "task", id);
  });
}

absl::StatusOr<core::Task> SqlStore::createTask(const core::Task& task) {
  if (task.shot.empty()) return absl::InvalidArgumentError("a task needs a shot");
  if (task.min_cores < 0) return absl::InvalidArgumentError("a task's cores must not be negative");
  return transact([&]() -> absl::StatusOr<core::Task> {
    ASSIGN_OR_RETURN(auto d, db_->query("SELECT d.name FROM show_dept sd JOIN dept d ON "
                                        "sd.dept_id = d.id WHERE sd.id = $1",
                                        {s(task.dept_id)}));
    if (d.empty()) return notFound("department", task.dept_id);
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM task WHERE show_dept_id = $1 AND shot = $2",
                                          {s(task.dept_id), s(task.shot)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(
          absl::StrCat("department ", d.front().str(0), " has a task for shot ", task.shot));
    core::Task t = task;
    t.id = common::newId();
    t.dept = d.front().str(0);
    RETURN_IF_ERROR(db_->exec("INSERT INTO task (id, show_dept_id, shot, min_cores, adjust_cores) "
                              "VALUES ($1, $2, $3, $4, $5)",
                              {s(t.id), s(t.dept_id), s(t.shot), i(t.min_cores), i(t.adjust_cores)})
                        .status());
    return t;
  });
}

absl::Status SqlStore::updateTask(const core::Task& t) {
  if (t.min_cores < 0) return absl::InvalidArgumentError("a task's cores must not be negative");
  return transact([&] {
    return updateOne(*db_, "UPDATE task SET min_cores = $1, adjust_cores = $2 WHERE id = $3",
                     {i(t.min_cores), i(t.adjust_cores), s(t.id)}, "task", t.id);
  });
}

absl::Status SqlStore::deleteTask(const std::string& id) {
  return transact(
      [&] { return updateOne(*db_, "DELETE FROM task WHERE id = $1", {s(id)}, "task", id); });
}

absl::Status SqlStore::clearTasks(const std::string& dept_id) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(mustExist(*db_, "show_dept", "department", dept_id));
    return db_->exec("DELETE FROM task WHERE show_dept_id = $1", {s(dept_id)}).status();
  });
}

// ---- render partitions ---------------------------------------------------------------

absl::StatusOr<core::RenderPartition> SqlStore::createRenderPartition(
    const core::RenderPartition& partition) {
  return transact([&]() -> absl::StatusOr<core::RenderPartition> {
    RETURN_IF_ERROR(mustExist(*db_, "host", "host", partition.host_id));
    RETURN_IF_ERROR(mustExist(*db_, "job", "job", partition.job_id));
    if (!partition.layer_id.empty())
      RETURN_IF_ERROR(mustExist(*db_, "layer", "layer", partition.layer_id));
    if (!partition.frame_id.empty())
      RETURN_IF_ERROR(mustExist(*db_, "frame", "frame", partition.frame_id));
    core::RenderPartition p = partition;
    p.id = common::newId();
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO render_partition (id, host_id, job_id, layer_id, frame_id, type, "
                  "max_cores, max_memory, max_gpus, max_gpu_memory, threads) VALUES ($1, $2, $3, "
                  "$4, $5, $6, $7, $8, $9, $10, $11)",
                  {s(p.id), s(p.host_id), s(p.job_id), s(p.layer_id), s(p.frame_id),
                   i(static_cast<int>(p.type)), i(p.max_cores), i(p.max_memory), i(p.max_gpus),
                   i(p.max_gpu_memory), i(p.threads)})
            .status());
    return p;
  });
}

absl::StatusOr<core::RenderPartition> SqlStore::getRenderPartition(const std::string& id) {
  return read([&] {
    return mapOne<core::RenderPartition>(
        db_->query(absl::StrCat("SELECT ", kPartitionCols, " FROM render_partition WHERE id = $1"),
                   {s(id)}),
        toPartition, "render partition", id);
  });
}

absl::StatusOr<std::vector<core::RenderPartition>> SqlStore::getRenderPartitions(
    const std::string& host_id) {
  return read([&] {
    if (host_id.empty())
      return mapRows<core::RenderPartition>(
          db_->query(absl::StrCat("SELECT ", kPartitionCols, " FROM render_partition ORDER BY id")),
          toPartition);
    return mapRows<core::RenderPartition>(
        db_->query(absl::StrCat("SELECT ", kPartitionCols,
                                " FROM render_partition WHERE host_id = $1 ORDER BY id"),
                   {s(host_id)}),
        toPartition);
  });
}

absl::Status SqlStore::updateRenderPartition(const core::RenderPartition& p) {
  if (p.max_cores < 0 || p.max_memory < 0 || p.max_gpus < 0 || p.max_gpu_memory < 0)
    return absl::InvalidArgumentError("a render partition's maximums must not be negative");
  return transact([&] {
    return updateOne(*db_,
                     "UPDATE render_partition SET max_cores = $1, max_memory = $2, max_gpus = $3, "
                     "max_gpu_memory = $4 WHERE id = $5",
                     {i(p.max_cores), i(p.max_memory), i(p.max_gpus), i(p.max_gpu_memory),
                      s(p.id)},
                     "render partition", p.id);
  });
}

absl::Status SqlStore::deleteRenderPartition(const std::string& id) {
  return transact([&] {
    return updateOne(*db_, "DELETE FROM render_partition WHERE id = $1", {s(id)},
                     "render partition", id);
  });
}

}  // namespace cue::store
