// SqlStore: creation, migrations, seed data and reference data (shows, facilities,
// allocations, subscriptions, groups, services, limits). The other areas are in
// sql_store_*.cpp; shared row mappers in sql_rows.h.
#include "store/sql_store.h"

#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/ids.h"
#include "common/status.h"
#include "store/schema.h"
#include "store/sql_rows.h"
#include "store/sql_util.h"

namespace cue::store {

using core::FrameState;
using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

// ---- creation and migrations (SqlStore::transact is in sql_util.h) ----------------

SqlStore::SqlStore(std::unique_ptr<SqlConnection> writer,
                   std::vector<std::unique_ptr<SqlConnection>> readers)
    : writer_(std::move(writer)), db_(writer_.get()), readers_(std::move(readers)) {
  for (auto& r : readers_) idle_.push_back(r.get());
}

absl::StatusOr<std::unique_ptr<SqlStore>> SqlStore::create(
    std::unique_ptr<SqlConnection> conn, std::vector<std::unique_ptr<SqlConnection>> readers) {
  std::unique_ptr<SqlStore> store(new SqlStore(std::move(conn), std::move(readers)));
  RETURN_IF_ERROR(store->migrate());
  return store;
}

absl::Status SqlStore::migrate() {
  // Cuebots starting together on one PostgreSQL database migrate one after the other: a
  // session lock held outside the transaction, so that the second's snapshot, taken
  // after the first committed, sees the tables the first made.
  const bool postgres = db_->dialect() == "postgresql";
  constexpr int64_t kMigrationLock = 0x637565;  // "cue"
  if (postgres) RETURN_IF_ERROR(db_->exec("SELECT pg_advisory_lock($1)", {i(kMigrationLock)}).status());
  auto st = migrateLocked();
  if (postgres) (void)db_->exec("SELECT pg_advisory_unlock($1)", {i(kMigrationLock)});
  return st;
}

absl::Status SqlStore::migrateLocked() {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(
        db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)").status());
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT version FROM schema_version"));
    int64_t version = rows.empty() ? 0 : rows.front().i64(0);
    const auto& all = migrations(db_->dialect());
    if (version > static_cast<int64_t>(all.size()))
      return absl::FailedPreconditionError(absl::StrCat("store schema version ", version,
                                                        " is newer than this cuebot's (",
                                                        all.size(), "): upgrade cuebot"));
    bool fresh = version == 0;
    for (size_t v = version; v < all.size(); ++v) RETURN_IF_ERROR(db_->execScript(all[v]));
    if (rows.empty()) {
      RETURN_IF_ERROR(
          db_->exec("INSERT INTO schema_version (version) VALUES ($1)", {i(all.size())}).status());
    } else {
      RETURN_IF_ERROR(
          db_->exec("UPDATE schema_version SET version = $1", {i(all.size())}).status());
    }
    if (fresh) RETURN_IF_ERROR(seed());
    return absl::OkStatus();
  });
}

// What OpenCue seeds: show "testing" with its root group, facilities local and cloud,
// five allocations, the testing subscriptions, departments and default services.
absl::Status SqlStore::seed() {
  const std::string show_id = "00000000-0000-0000-0000-000000000000";
  RETURN_IF_ERROR(db_->exec("INSERT INTO show (id, name, default_min_cores, default_max_cores) "
                            "VALUES ($1, 'testing', 100, 200000)",
                            {s(show_id)})
                      .status());
  RETURN_IF_ERROR(db_->exec("INSERT INTO folder (id, name, show_id, dept) VALUES ($1, 'testing', "
                            "$2, 'Pipeline')",
                            {s("A0000000-0000-0000-0000-000000000000"), s(show_id)})
                      .status());
  for (const char* dept :
       {"Lighting", "Animation", "Hair", "Cloth", "Layout", "FX", "Pipeline", "Unknown"}) {
    RETURN_IF_ERROR(db_->exec("INSERT INTO dept (id, name) VALUES ($1, $2)",
                              {s(common::newId()), s(std::string(dept))})
                        .status());
  }
  const std::string local = "AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAA1";
  const std::string cloud = "AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAA0";
  RETURN_IF_ERROR(
      db_->exec("INSERT INTO facility (id, name) VALUES ($1, 'local')", {s(local)}).status());
  RETURN_IF_ERROR(
      db_->exec("INSERT INTO facility (id, name) VALUES ($1, 'cloud')", {s(cloud)}).status());
  struct A {
    const char* id;
    const char* name;
    const char* tag;
    const std::string* facility;
  };
  const A allocs[] = {
      {"00000000-0000-0000-0000-000000000000", "local.general", "general", &local},
      {"00000000-0000-0000-0000-000000000001", "local.desktop", "desktop", &local},
      {"00000000-0000-0000-0000-000000000002", "local.unassigned", "unassigned", &local},
      {"00000000-0000-0000-0000-000000000003", "cloud.general", "general", &cloud},
      {"00000000-0000-0000-0000-000000000004", "cloud.unassigned", "unassigned", &cloud},
  };
  for (const auto& a : allocs) {
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO alloc (id, name, facility_id, tag) VALUES ($1, $2, $3, $4)",
                  {s(std::string(a.id)), s(std::string(a.name)), s(*a.facility),
                   s(std::string(a.tag))})
            .status());
  }
  for (const char* alloc :
       {"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000003"}) {
    RETURN_IF_ERROR(db_->exec("INSERT INTO subscription (id, show_id, alloc_id, size, burst) "
                              "VALUES ($1, $2, $3, 100000, 100000)",
                              {s(common::newId()), s(show_id), s(std::string(alloc))})
                        .status());
  }
  struct Svc {
    const char* name;
    bool threadable;
    int cores;
    int64_t memory;
    const char* tags;
  };
  const Svc services[] = {
      {"default", false, 100, 3355443, "general | desktop"},
      {"prman", false, 100, 3355443, "general | desktop"},
      {"arnold", true, 100, 3355443, "general | desktop"},
      {"shell", false, 100, 3355443, "general | util"},
      {"maya", false, 100, 2097152, "general | desktop"},
      {"houdini", false, 100, 3355443, "general | desktop"},
      {"katana", true, 100, 2097152, "general | desktop | util"},
      {"nuke", false, 100, 2097152, "general | desktop"},
      {"preprocess", false, 10, 393216, "util"},
      {"postprocess", false, 10, 524288, "util"},
  };
  for (const auto& sv : services) {
    RETURN_IF_ERROR(db_->exec("INSERT INTO service (id, name, threadable, min_cores, max_cores, "
                              "min_memory, tags) VALUES ($1, $2, $3, $4, 0, $5, $6)",
                              {s(common::newId()), s(std::string(sv.name)), b(sv.threadable),
                               i(sv.cores), i(sv.memory), s(std::string(sv.tags))})
                        .status());
  }
  return absl::OkStatus();
}

// ---- reference data -------------------------------------------------------------

absl::StatusOr<std::vector<core::Show>> SqlStore::getShows() {
  return read([&] {
    return mapRows<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show ORDER BY name")), toShow);
  });
}

absl::StatusOr<core::Show> SqlStore::findShow(const std::string& name) {
  return read([&] {
    return mapOne<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show WHERE name = $1"), {s(name)}),
        toShow, "show", name);
  });
}

absl::StatusOr<core::Show> SqlStore::getShow(const std::string& id) {
  return read([&] {
    return mapOne<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show WHERE id = $1"), {s(id)}), toShow,
        "show id", id);
  });
}

absl::StatusOr<core::Show> SqlStore::createShow(const std::string& name) {
  static const std::regex kName("^[A-Za-z0-9_]+$");
  if (!std::regex_match(name, kName))
    return absl::InvalidArgumentError(absl::StrCat(
        "show name \"", name, "\" is invalid: use letters, digits and underscores only"));
  return transact([&]() -> absl::StatusOr<core::Show> {
    ASSIGN_OR_RETURN(auto existing, db_->query("SELECT id FROM show WHERE name = $1", {s(name)}));
    if (!existing.empty())
      return absl::AlreadyExistsError(absl::StrCat("show ", name, " already exists"));
    std::string id = common::newId();
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO show (id, name) VALUES ($1, $2)", {s(id), s(name)}).status());
    RETURN_IF_ERROR(db_->exec("INSERT INTO folder (id, name, show_id) VALUES ($1, $2, $3)",
                              {s(common::newId()), s(name), s(id)})
                        .status());
    return mapOne<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show WHERE id = $1"), {s(id)}), toShow,
        "show", name);
  });
}

absl::StatusOr<std::vector<core::Facility>> SqlStore::getFacilities() {
  return read([&] {
    return mapRows<core::Facility>(db_->query("SELECT id, name FROM facility ORDER BY name"),
                                   [](const SqlRow& r) {
                                     return core::Facility{r.str(0), r.str(1)};
                                   });
  });
}

absl::StatusOr<core::Facility> SqlStore::findFacility(const std::string& name) {
  return read([&] {
    return mapOne<core::Facility>(
        db_->query("SELECT id, name FROM facility WHERE name = $1", {s(name)}),
        [](const SqlRow& r) {
          return core::Facility{r.str(0), r.str(1)};
        },
        "facility", name);
  });
}

absl::StatusOr<std::vector<core::Allocation>> SqlStore::getAllocations() {
  return read([&] {
    return mapRows<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " ORDER BY a.name")), toAlloc);
  });
}

absl::StatusOr<core::Allocation> SqlStore::findAllocation(const std::string& name) {
  return read([&] {
    return mapOne<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " WHERE a.name = $1"), {s(name)}), toAlloc,
        "allocation", name);
  });
}

absl::StatusOr<std::vector<core::Subscription>> SqlStore::getSubscriptions(
    const std::string& show_id) {
  return read([&] {
    if (show_id.empty())
      return mapRows<core::Subscription>(
          db_->query(absl::StrCat("SELECT ", kSubCols, " ORDER BY sh.name, a.name")), toSub);
    return mapRows<core::Subscription>(
        db_->query(absl::StrCat("SELECT ", kSubCols, " WHERE sb.show_id = $1 ORDER BY a.name"),
                   {s(show_id)}),
        toSub);
  });
}

absl::StatusOr<core::Subscription> SqlStore::createSubscription(const std::string& show_id,
                                                                const std::string& alloc_id,
                                                                CoreUnits size, CoreUnits burst) {
  if (size < 0 || burst < 0)
    return absl::InvalidArgumentError("subscription size and burst must not be negative");
  return transact([&]() -> absl::StatusOr<core::Subscription> {
    // Checked first: a foreign-key failure would read as ALREADY_EXISTS below.
    ASSIGN_OR_RETURN(auto show, db_->query("SELECT id FROM show WHERE id = $1", {s(show_id)}));
    if (show.empty()) return notFound("show id", show_id);
    ASSIGN_OR_RETURN(auto alloc, db_->query("SELECT id FROM alloc WHERE id = $1", {s(alloc_id)}));
    if (alloc.empty()) return notFound("allocation id", alloc_id);
    std::string id = common::newId();
    auto st = db_->exec(
        "INSERT INTO subscription (id, show_id, alloc_id, size, burst) VALUES ($1, $2, $3, $4, $5)",
        {s(id), s(show_id), s(alloc_id), i(size), i(burst)});
    if (!st.ok()) {
      if (absl::IsAlreadyExists(st.status()))
        return absl::AlreadyExistsError("the show already subscribes to that allocation");
      return st.status();
    }
    return mapOne<core::Subscription>(
        db_->query(absl::StrCat("SELECT ", kSubCols, " WHERE sb.id = $1"), {s(id)}), toSub,
        "subscription", id);
  });
}

absl::StatusOr<std::vector<core::Group>> SqlStore::getGroups(const std::string& show_id) {
  return read([&] {
    return mapRows<core::Group>(db_->query(absl::StrCat("SELECT ", kGroupCols,
                                                        " FROM folder WHERE show_id = $1 ORDER BY "
                                                        "parent_id, name"),
                                           {s(show_id)}),
                                toGroup);
  });
}

absl::StatusOr<core::Group> SqlStore::getRootGroup(const std::string& show_id) {
  return read([&] {
    return mapOne<core::Group>(
        db_->query(absl::StrCat("SELECT ", kGroupCols,
                                " FROM folder WHERE show_id = $1 AND parent_id = ''"),
                   {s(show_id)}),
        toGroup, "root group of show", show_id);
  });
}

absl::StatusOr<std::vector<core::Department>> SqlStore::getDepartments() {
  return read([&] {
    return mapRows<core::Department>(db_->query("SELECT id, name FROM dept ORDER BY name"),
                                     [](const SqlRow& r) {
                                       return core::Department{r.str(0), r.str(1)};
                                     });
  });
}

absl::StatusOr<std::vector<core::Service>> SqlStore::getServices() {
  return read([&] {
    return mapRows<core::Service>(
        db_->query(absl::StrCat("SELECT ", kServiceCols,
                                " FROM service WHERE show_id = '' ORDER BY name")),
        toService);
  });
}

absl::StatusOr<std::vector<core::Service>> SqlStore::getServiceOverrides(
    const std::string& show_id) {
  return read([&] {
    return mapRows<core::Service>(
        db_->query(absl::StrCat("SELECT ", kServiceCols,
                                " FROM service WHERE show_id = $1 ORDER BY name"),
                   {s(show_id)}),
        toService);
  });
}

absl::StatusOr<core::Service> SqlStore::createServiceOverride(const std::string& show_id,
                                                              const core::Service& sv) {
  if (sv.name.empty()) return absl::InvalidArgumentError("a service override needs a name");
  return transact([&]() -> absl::StatusOr<core::Service> {
    ASSIGN_OR_RETURN(auto show, db_->query("SELECT id FROM show WHERE id = $1", {s(show_id)}));
    if (show.empty()) return notFound("show id", show_id);
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM service WHERE show_id = $1 AND name = $2",
                                          {s(show_id), s(sv.name)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(
          absl::StrCat("show ", show_id, " already overrides service ", sv.name));
    core::Service out = sv;
    out.id = common::newId();
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO service (id, show_id, name, threadable, min_cores, max_cores, "
                  "min_memory, min_gpus, max_gpus, min_gpu_memory, tags, timeout, timeout_llu, "
                  "min_memory_increase) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12, $13, $14)",
                  {s(out.id), s(show_id), s(out.name), b(out.threadable), i(out.min_cores),
                   i(out.max_cores), i(out.min_memory), i(out.min_gpus), i(out.max_gpus),
                   i(out.min_gpu_memory), s(joinList(out.tags)), i(out.timeout_min),
                   i(out.timeout_llu_min), i(out.min_memory_increase)})
            .status());
    return out;
  });
}

absl::StatusOr<core::Service> SqlStore::findService(const std::string& name) {
  return read([&] {
    return mapOne<core::Service>(
        db_->query(
            absl::StrCat("SELECT ", kServiceCols, " FROM service WHERE show_id = '' AND name = $1"),
            {s(name)}),
        toService, "service", name);
  });
}

absl::StatusOr<std::vector<core::Limit>> SqlStore::getLimits() {
  return read([&] {
    return mapRows<core::Limit>(
        db_->query(absl::StrCat("SELECT ", kLimitCols, " FROM limit_record ORDER BY name")),
        toLimit);
  });
}

}  // namespace cue::store
