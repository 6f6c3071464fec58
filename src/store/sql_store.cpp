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
#include "store/sql_util.h"

namespace cue::store {

using core::FrameState;
using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

// Maps are stored as "key\x1fvalue\x1e..." (unit and record separators never appear in
// environment names or values that a shell would accept).
std::string encodeMap(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) absl::StrAppend(&out, k, "\x1f", v, "\x1e");
  return out;
}

std::map<std::string, std::string> decodeMap(const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view rec : absl::StrSplit(text, '\x1e', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(rec, absl::MaxSplits('\x1f', 1));
    out[kv.first] = kv.second;
  }
  return out;
}

std::string st(FrameState f) { return std::string(core::toString(f)); }

// "$start, $start+1, ..." placeholders for an IN list, appending values to params.
std::string inList(const std::vector<std::string>& values, P& params) {
  std::vector<std::string> marks;
  for (const auto& v : values) {
    params.push_back(s(v));
    marks.push_back(absl::StrCat("$", params.size()));
  }
  return absl::StrJoin(marks, ", ");
}

// ---- row mappers; each goes with a column list constant ----

constexpr absl::string_view kShowCols =
    "id, name, active, booking_enabled, dispatch_enabled, default_min_cores, "
    "default_max_cores, comment_email";
core::Show toShow(const SqlRow& r) {
  core::Show x;
  x.id = r.str(0);
  x.name = r.str(1);
  x.active = r.b(2);
  x.booking_enabled = r.b(3);
  x.dispatch_enabled = r.b(4);
  x.default_min_cores = r.i32(5);
  x.default_max_cores = r.i32(6);
  x.comment_email = r.str(7);
  return x;
}

constexpr absl::string_view kAllocCols =
    "a.id, a.name, a.facility_id, f.name, a.tag, a.billable FROM alloc a JOIN facility f ON "
    "a.facility_id = f.id";
core::Allocation toAlloc(const SqlRow& r) {
  return core::Allocation{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.b(5)};
}

constexpr absl::string_view kSubCols =
    "sb.id, sb.show_id, sh.name, sb.alloc_id, a.name, f.name, sb.size, sb.burst FROM "
    "subscription sb JOIN show sh ON sb.show_id = sh.id JOIN alloc a ON sb.alloc_id = a.id "
    "JOIN facility f ON a.facility_id = f.id";
core::Subscription toSub(const SqlRow& r) {
  return core::Subscription{r.str(0), r.str(1), r.str(2), r.str(3),
                            r.str(4), r.str(5), r.i32(6), r.i32(7)};
}

constexpr absl::string_view kServiceCols =
    "id, name, threadable, min_cores, max_cores, min_memory, min_gpus, max_gpus, "
    "min_gpu_memory, tags, timeout, timeout_llu, min_memory_increase";
core::Service toService(const SqlRow& r) {
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

constexpr absl::string_view kJobCols =
    "j.id, j.name, j.show_id, sh.name, j.shot, j.user_name, j.email, j.uid, j.folder_id, "
    "j.facility, j.dept, j.os, j.priority, j.min_cores, j.max_cores, j.min_gpus, j.max_gpus, "
    "j.max_retries, j.paused, j.auto_eat, j.state, j.log_dir, j.start_time, j.stop_time, j.env";
constexpr absl::string_view kJobFrom = " FROM job j JOIN show sh ON j.show_id = sh.id";
core::Job toJob(const SqlRow& r, size_t o = 0) {
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
  return j;
}
constexpr size_t kJobColCount = 25;

constexpr absl::string_view kLayerCols =
    "l.id, l.job_id, l.name, l.type, l.command, l.frame_range, l.chunk_size, l.dispatch_order, "
    "l.min_cores, l.max_cores, l.threadable, l.min_memory, l.min_gpus, l.max_gpus, "
    "l.min_gpu_memory, l.tags, l.services, l.limits, l.timeout, l.timeout_llu, l.env, l.outputs, "
    "l.slots_required";
core::Layer toLayer(const SqlRow& r, size_t o = 0) {
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
  return l;
}

constexpr absl::string_view kFrameCols =
    "f.id, f.job_id, f.layer_id, l.name, f.name, f.number, f.state, f.dispatch_order, "
    "f.retry_count, f.exit_status, f.exit_signal, f.depend_count, f.start_time, f.stop_time, "
    "f.max_rss, f.used_memory, f.reserved_memory, f.max_pss, f.last_resource, "
    "f.total_core_time, f.version";
constexpr absl::string_view kFrameFrom = " FROM frame f JOIN layer l ON f.layer_id = l.id";
core::Frame toFrame(const SqlRow& r) {
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
  return f;
}

constexpr absl::string_view kHostCols =
    "h.id, h.name, h.alloc_id, a.name, fa.name, h.state, h.lock_state, h.thread_mode, "
    "h.nimby_enabled, h.cores, h.idle_cores, h.memory, h.idle_memory, h.gpus, h.idle_gpus, "
    "h.gpu_memory, h.idle_gpu_memory, h.total_memory, h.free_memory, h.total_swap, "
    "h.free_swap, h.total_mcp, h.free_mcp, h.load, h.boot_time, h.ping_time, h.os, h.tags, "
    "h.rqd_address, h.slots FROM host h JOIN alloc a ON h.alloc_id = a.id JOIN facility fa ON "
    "a.facility_id = fa.id";
core::Host toHost(const SqlRow& r) {
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

constexpr absl::string_view kProcCols =
    "p.id, p.host_id, h.name, p.job_id, p.layer_id, p.frame_id, p.show_id, p.reserved_cores, "
    "p.reserved_memory, p.reserved_gpus, p.reserved_gpu_memory, p.used_memory, p.max_rss, "
    "p.used_pss, p.max_pss, p.booked_time, p.ping_time, p.kill_reason, p.log_path FROM proc p "
    "JOIN host h ON p.host_id = h.id";
core::Proc toProc(const SqlRow& r) {
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
  p.unbooked = !r.str(17).empty();  // a kill was requested: the proc goes once it ends
  p.log_path = r.str(18);
  return p;
}

}  // namespace

// ---- creation and migrations (SqlStore::transact is in sql_util.h) ----------------

absl::StatusOr<std::unique_ptr<SqlStore>> SqlStore::create(std::unique_ptr<SqlConnection> conn) {
  std::unique_ptr<SqlStore> store(new SqlStore(std::move(conn)));
  RETURN_IF_ERROR(store->migrate());
  return store;
}

absl::Status SqlStore::migrate() {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(
        db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)").status());
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT version FROM schema_version"));
    int64_t version = rows.empty() ? 0 : rows.front().i64(0);
    const auto& all = migrations();
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
  return transact([&] {
    return mapRows<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show ORDER BY name")), toShow);
  });
}

absl::StatusOr<core::Show> SqlStore::findShow(const std::string& name) {
  return transact([&] {
    return mapOne<core::Show>(
        db_->query(absl::StrCat("SELECT ", kShowCols, " FROM show WHERE name = $1"), {s(name)}),
        toShow, "show", name);
  });
}

absl::StatusOr<core::Show> SqlStore::getShow(const std::string& id) {
  return transact([&] {
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
  return transact([&] {
    return mapRows<core::Facility>(db_->query("SELECT id, name FROM facility ORDER BY name"),
                                   [](const SqlRow& r) {
                                     return core::Facility{r.str(0), r.str(1)};
                                   });
  });
}

absl::StatusOr<core::Facility> SqlStore::findFacility(const std::string& name) {
  return transact([&] {
    return mapOne<core::Facility>(
        db_->query("SELECT id, name FROM facility WHERE name = $1", {s(name)}),
        [](const SqlRow& r) {
          return core::Facility{r.str(0), r.str(1)};
        },
        "facility", name);
  });
}

absl::StatusOr<std::vector<core::Allocation>> SqlStore::getAllocations() {
  return transact([&] {
    return mapRows<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " ORDER BY a.name")), toAlloc);
  });
}

absl::StatusOr<core::Allocation> SqlStore::findAllocation(const std::string& name) {
  return transact([&] {
    return mapOne<core::Allocation>(
        db_->query(absl::StrCat("SELECT ", kAllocCols, " WHERE a.name = $1"), {s(name)}), toAlloc,
        "allocation", name);
  });
}

absl::StatusOr<std::vector<core::Subscription>> SqlStore::getSubscriptions(
    const std::string& show_id) {
  return transact([&] {
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
  return transact([&] {
    return mapRows<core::Group>(db_->query(absl::StrCat("SELECT ", kGroupCols,
                                                        " FROM folder WHERE show_id = $1 ORDER BY "
                                                        "parent_id, name"),
                                           {s(show_id)}),
                                toGroup);
  });
}

absl::StatusOr<core::Group> SqlStore::getRootGroup(const std::string& show_id) {
  return transact([&] {
    return mapOne<core::Group>(
        db_->query(absl::StrCat("SELECT ", kGroupCols,
                                " FROM folder WHERE show_id = $1 AND parent_id = ''"),
                   {s(show_id)}),
        toGroup, "root group of show", show_id);
  });
}

absl::StatusOr<std::vector<core::Department>> SqlStore::getDepartments() {
  return transact([&] {
    return mapRows<core::Department>(db_->query("SELECT id, name FROM dept ORDER BY name"),
                                     [](const SqlRow& r) {
                                       return core::Department{r.str(0), r.str(1)};
                                     });
  });
}

absl::StatusOr<std::vector<core::Service>> SqlStore::getServices() {
  return transact([&] {
    return mapRows<core::Service>(
        db_->query(absl::StrCat("SELECT ", kServiceCols,
                                " FROM service WHERE show_id = '' ORDER BY name")),
        toService);
  });
}

absl::StatusOr<std::vector<core::Service>> SqlStore::getServiceOverrides(
    const std::string& show_id) {
  return transact([&] {
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
  return transact([&] {
    return mapOne<core::Service>(
        db_->query(
            absl::StrCat("SELECT ", kServiceCols, " FROM service WHERE show_id = '' AND name = $1"),
            {s(name)}),
        toService, "service", name);
  });
}

absl::StatusOr<std::vector<core::Limit>> SqlStore::getLimits() {
  return transact([&] {
    return mapRows<core::Limit>(
        db_->query(absl::StrCat("SELECT ", kLimitCols, " FROM limit_record ORDER BY name")),
        toLimit);
  });
}

// ---- job completion: helpers that run inside a transaction ---------------------
// (the depend helpers, addDepend / frameDone / jobOver, are in sql_store_depend.cpp)

namespace {

// FINISHED when every frame is SUCCEEDED or EATEN. Returns whether it finished now.
absl::StatusOr<bool> finishJobIfDone(SqlConnection& db, const std::string& job_id, EpochSec now) {
  ASSIGN_OR_RETURN(auto open, db.query("SELECT COUNT(*) FROM frame WHERE job_id = $1 AND state "
                                       "NOT IN ('SUCCEEDED', 'EATEN')",
                                       {s(job_id)}));
  if (open.front().i64(0) > 0) return false;
  ASSIGN_OR_RETURN(auto n, db.exec("UPDATE job SET state = 'FINISHED', stop_time = $2 WHERE id = "
                                   "$1 AND state = 'PENDING'",
                                   {s(job_id), i(now)}));
  if (n == 0) return false;
  RETURN_IF_ERROR(jobOver(db, job_id));
  return true;
}

}  // namespace

// ---- jobs -------------------------------------------------------------------------

absl::Status SqlStore::createJobs(const std::vector<NewJob>& jobs) {
  return transact([&]() -> absl::Status {
    for (const auto& nj : jobs) {
      const core::Job& j = nj.job;
      ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM job WHERE name = $1 AND state = "
                                            "'PENDING'",
                                            {s(j.name)}));
      if (!dup.empty())
        return absl::AlreadyExistsError(absl::StrCat("a pending job named ", j.name,
                                                     " already exists (id ", dup[0].str(0), ")"));
      // Checked first: a foreign-key failure would read as ALREADY_EXISTS.
      ASSIGN_OR_RETURN(auto group,
                       db_->query("SELECT id FROM folder WHERE id = $1 AND show_id = $2",
                                  {s(j.group_id), s(j.show_id)}));
      if (group.empty())
        return absl::NotFoundError(absl::StrCat("job ", j.name, ": no group ", j.group_id,
                                                " in show ", j.show_id));
      RETURN_IF_ERROR(
          db_->exec(
                 "INSERT INTO job (id, name, show_id, shot, user_name, email, uid, folder_id, "
                 "facility, dept, os, priority, min_cores, max_cores, min_gpus, max_gpus, "
                 "max_retries, paused, auto_eat, state, log_dir, start_time, env) VALUES ($1, $2, "
                 "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
                 "'PENDING', $20, $21, $22)",
                 {s(j.id),          s(j.name),          s(j.show_id),  s(j.shot),
                  s(j.user),        s(j.email),         i(j.uid),      s(j.group_id),
                  s(j.facility),    s(j.department),    s(j.os),       i(j.priority),
                  i(j.min_cores),   i(j.max_cores),     i(j.min_gpus), i(j.max_gpus),
                  i(j.max_retries), b(j.paused),        b(j.auto_eat), s(j.log_dir),
                  i(j.start_time),  s(encodeMap(j.env))})
              .status());
      for (const auto& l : nj.layers) {
        RETURN_IF_ERROR(
            db_->exec(
                   "INSERT INTO layer (id, job_id, name, type, command, frame_range, chunk_size, "
                   "dispatch_order, min_cores, max_cores, threadable, min_memory, min_gpus, "
                   "max_gpus, min_gpu_memory, tags, services, limits, timeout, timeout_llu, env, "
                   "outputs, slots_required) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                   "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
                   {s(l.id),
                    s(j.id),
                    s(l.name),
                    s(core::toString(l.type)),
                    s(l.command),
                    s(l.range),
                    i(l.chunk_size),
                    i(l.dispatch_order),
                    i(l.min_cores),
                    i(l.max_cores),
                    b(l.threadable),
                    i(l.min_memory),
                    i(l.min_gpus),
                    i(l.max_gpus),
                    i(l.min_gpu_memory),
                    s(joinList(l.tags)),
                    s(joinList(l.services)),
                    s(joinList(l.limits)),
                    i(l.timeout_min),
                    i(l.timeout_llu_min),
                    s(encodeMap(l.env)),
                    s(joinList(l.outputs)),
                    i(l.slots_required)})
                .status());
      }
      for (const auto& f : nj.frames) {
        RETURN_IF_ERROR(db_->exec("INSERT INTO frame (id, job_id, layer_id, name, number, state, "
                                  "dispatch_order) VALUES ($1, $2, $3, $4, $5, 'WAITING', $6)",
                                  {s(f.id), s(j.id), s(f.layer_id), s(f.name), i(f.number),
                                   i(f.dispatch_order)})
                            .status());
      }
    }
    for (const auto& nj : jobs)
      for (const auto& d : nj.depends) RETURN_IF_ERROR(addDepend(*db_, d));
    return absl::OkStatus();
  });
}

absl::StatusOr<core::Job> SqlStore::getJob(const std::string& id) {
  return transact([&] {
    return mapOne<core::Job>(
        db_->query(absl::StrCat("SELECT ", kJobCols, kJobFrom, " WHERE j.id = $1"), {s(id)}),
        [](const SqlRow& r) { return toJob(r); }, "job id", id);
  });
}

absl::StatusOr<core::Job> SqlStore::findJob(const std::string& name) {
  return transact([&] {
    return mapOne<core::Job>(
        db_->query(absl::StrCat("SELECT ", kJobCols, kJobFrom,
                                " WHERE j.name = $1 AND j.state = 'PENDING'"),
                   {s(name)}),
        [](const SqlRow& r) { return toJob(r); }, "job", name);
  });
}

absl::StatusOr<std::vector<core::Job>> SqlStore::getJobs(const JobSearch& q) {
  return transact([&]() -> absl::StatusOr<std::vector<core::Job>> {
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
  return transact([&] {
    return mapRows<core::Layer>(
        db_->query(absl::StrCat("SELECT ", kLayerCols,
                                " FROM layer l WHERE l.job_id = $1 ORDER BY l.dispatch_order"),
                   {s(job_id)}),
        [](const SqlRow& r) { return toLayer(r); });
  });
}

absl::StatusOr<core::Layer> SqlStore::getLayer(const std::string& id) {
  return transact([&] {
    return mapOne<core::Layer>(
        db_->query(absl::StrCat("SELECT ", kLayerCols, " FROM layer l WHERE l.id = $1"), {s(id)}),
        [](const SqlRow& r) { return toLayer(r); }, "layer id", id);
  });
}

absl::StatusOr<core::Layer> SqlStore::findLayer(const std::string& job_id,
                                                const std::string& name) {
  return transact([&] {
    return mapOne<core::Layer>(
        db_->query(absl::StrCat("SELECT ", kLayerCols,
                                " FROM layer l WHERE l.job_id = $1 AND l.name = $2"),
                   {s(job_id), s(name)}),
        [](const SqlRow& r) { return toLayer(r); }, "layer", name);
  });
}

absl::StatusOr<std::vector<core::Frame>> SqlStore::getFrames(const FrameSearch& q) {
  if (q.job_id.empty() && q.ids.empty())
    return absl::InvalidArgumentError("a frame search needs a job or frame ids");
  return transact([&] {
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
    std::string sql =
        absl::StrCat("SELECT ", kFrameCols, kFrameFrom, " WHERE ", absl::StrJoin(where, " AND "),
                     " ORDER BY l.dispatch_order, f.dispatch_order");
    if (q.limit > 0) {
      absl::StrAppend(&sql, " LIMIT ", q.limit, " OFFSET ",
                      static_cast<int64_t>(std::max(q.page, 1) - 1) * q.limit);
    }
    return mapRows<core::Frame>(db_->query(sql, params), toFrame);
  });
}

absl::StatusOr<core::Frame> SqlStore::getFrame(const std::string& id) {
  return transact([&] {
    return mapOne<core::Frame>(
        db_->query(absl::StrCat("SELECT ", kFrameCols, kFrameFrom, " WHERE f.id = $1"), {s(id)}),
        toFrame, "frame id", id);
  });
}

absl::StatusOr<std::vector<core::Depend>> SqlStore::getDepends(const std::string& job_id) {
  return transact([&] {
    return mapRows<core::Depend>(
        db_->query(absl::StrCat("SELECT ", kDependCols,
                                " FROM depend WHERE er_job_id = $1 OR on_job_id = $1"),
                   {s(job_id)}),
        toDepend);
  });
}

namespace {
void addCount(core::FrameCounts& c, const std::string& state, int32_t n) {
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
}  // namespace

absl::StatusOr<std::map<std::string, core::FrameCounts>> SqlStore::jobFrameCounts(
    const std::vector<std::string>& job_ids) {
  std::map<std::string, core::FrameCounts> out;
  if (job_ids.empty()) return out;
  return transact([&]() -> absl::StatusOr<std::map<std::string, core::FrameCounts>> {
    P params;
    ASSIGN_OR_RETURN(auto rows,
                     db_->query(absl::StrCat("SELECT job_id, state, COUNT(*) FROM frame "
                                             "WHERE job_id IN (",
                                             inList(job_ids, params), ") GROUP BY job_id, state"),
                                params));
    for (const auto& id : job_ids) out[id];
    for (const auto& r : rows) addCount(out[r.str(0)], r.str(1), r.i32(2));
    return out;
  });
}

absl::StatusOr<std::map<std::string, core::FrameCounts>> SqlStore::layerFrameCounts(
    const std::string& job_id) {
  return transact([&]() -> absl::StatusOr<std::map<std::string, core::FrameCounts>> {
    std::map<std::string, core::FrameCounts> out;
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT layer_id, state, COUNT(*) FROM frame WHERE "
                                           "job_id = $1 GROUP BY layer_id, state",
                                           {s(job_id)}));
    for (const auto& r : rows) addCount(out[r.str(0)], r.str(1), r.i32(2));
    return out;
  });
}

absl::StatusOr<std::vector<core::FrameAttempt>> SqlStore::getFrameHistory(
    const std::string& frame_id) {
  return transact([&] {
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

namespace {
// Marks the procs of running frames among `where` (a condition on p.) for killing and
// returns them.
absl::StatusOr<std::vector<core::Proc>> markProcsForKill(SqlConnection& db,
                                                         const std::string& where, const P& params,
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
}  // namespace

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

// ---- hosts and procs --------------------------------------------------------------

namespace {

// Recomputes a host's idle resources from the procs booked on it.
absl::Status recomputeIdle(SqlConnection& db, const std::string& host_id) {
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

absl::StatusOr<core::Host> loadHost(SqlConnection& db, absl::string_view where, const P& params,
                                    absl::string_view key) {
  return mapOne<core::Host>(db.query(absl::StrCat("SELECT ", kHostCols, " WHERE ", where), params),
                            toHost, "host", key);
}

// Releases a proc's frame after its host was lost: back to WAITING (or DEPEND).
absl::Status requeueFrame(SqlConnection& db, const std::string& frame_id) {
  return db
      .exec(
          "UPDATE frame SET state = CASE WHEN depend_count > 0 THEN 'DEPEND' ELSE 'WAITING' END, "
          "version = version + 1 WHERE id = $1 AND state = 'RUNNING'",
          {s(frame_id)})
      .status();
}

}  // namespace

absl::StatusOr<core::Host> SqlStore::upsertHost(const HostReportData& r) {
  if (r.name.empty()) return absl::InvalidArgumentError("a host report must name the host");
  return transact([&]() -> absl::StatusOr<core::Host> {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT id, lock_state FROM host WHERE name = $1", {s(r.name)}));
    std::string id;
    if (rows.empty()) {
      id = common::newId();
      // The facility's general allocation, else the farm default (local.general).
      ASSIGN_OR_RETURN(
          auto alloc,
          db_->query("SELECT a.id, a.tag FROM alloc a JOIN facility f ON "
                     "a.facility_id = f.id WHERE a.name = $1 OR a.name = "
                     "'local.general' ORDER BY (a.name = $1) DESC",
                     {s(absl::StrCat(r.facility.empty() ? "local" : r.facility, ".general"))}));
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
    RETURN_IF_ERROR(
        db_->exec("UPDATE host SET state = 'UP', lock_state = $2, cores = $3, memory = $4, gpus = "
                  "$5, gpu_memory = $6, total_memory = $7, free_memory = $8, total_swap = $9, "
                  "free_swap = $10, total_mcp = $11, free_mcp = $12, load = $13, boot_time = $14, "
                  "ping_time = $15, os = $16, rqd_address = $17, slots = $18 WHERE id = $1",
                  {s(id), s(lock), i(r.cores), i(r.total_memory), i(r.gpus), i(r.total_gpu_memory),
                   i(r.total_memory), i(r.free_memory), i(r.total_swap), i(r.free_swap),
                   i(r.total_mcp), i(r.free_mcp), i(r.load), i(r.boot_time), i(r.now), s(r.os),
                   s(r.rqd_address), i(r.slots)})
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

absl::StatusOr<core::Host> SqlStore::updateHostReport(const HostReportData& r,
                                                      const std::vector<ProcUsage>& usage) {
  return transact([&]() -> absl::StatusOr<core::Host> {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT id, lock_state FROM host WHERE name = $1", {s(r.name)}));
    if (rows.empty()) return notFound("host", r.name);
    std::string id = rows[0].str(0);
    std::string lock = rows[0].str(1);
    if (r.nimby_locked)
      lock = "NIMBY_LOCKED";
    else if (lock == "NIMBY_LOCKED")
      lock = "OPEN";
    RETURN_IF_ERROR(
        db_->exec("UPDATE host SET state = 'UP', lock_state = $2, free_memory = $3, free_swap = "
                  "$4, free_mcp = $5, load = $6, ping_time = $7, rqd_address = CASE WHEN $8 = '' "
                  "THEN rqd_address ELSE $8 END WHERE id = $1",
                  {s(id), s(lock), i(r.free_memory), i(r.free_swap), i(r.free_mcp), i(r.load),
                   i(r.now), s(r.rqd_address)})
            .status());
    for (const auto& u : usage) {
      ASSIGN_OR_RETURN(auto n,
                       db_->exec("UPDATE proc SET used_memory = $3, max_rss = CASE WHEN max_rss > "
                                 "$4 THEN max_rss ELSE $4 END, used_pss = $5, max_pss = CASE WHEN "
                                 "max_pss > $6 THEN max_pss ELSE $6 END, ping_time = $7 WHERE id = "
                                 "$1 AND host_id = $2",
                                 {s(u.proc_id), s(id), i(u.rss), i(u.max_rss), i(u.pss),
                                  i(u.max_pss), i(r.now)}));
      if (n > 0) {
        RETURN_IF_ERROR(db_->exec("UPDATE frame SET used_memory = $2, max_rss = CASE WHEN max_rss "
                                  "> $3 THEN max_rss ELSE $3 END, max_pss = CASE WHEN max_pss > $4 "
                                  "THEN max_pss ELSE $4 END WHERE id = (SELECT frame_id FROM proc "
                                  "WHERE id = $1)",
                                  {s(u.proc_id), i(u.rss), i(u.max_rss), i(u.max_pss)})
                            .status());
      }
    }
    return loadHost(*db_, "h.id = $1", {s(id)}, r.name);
  });
}

absl::StatusOr<std::vector<core::Host>> SqlStore::getHosts(const HostSearch& q) {
  return transact([&] {
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
    std::string sql = absl::StrCat("SELECT ", kHostCols);
    if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    absl::StrAppend(&sql, " ORDER BY h.name");
    return mapRows<core::Host>(db_->query(sql, params), toHost);
  });
}

absl::StatusOr<core::Host> SqlStore::findHost(const std::string& name) {
  return transact([&] { return loadHost(*db_, "h.name = $1", {s(name)}, name); });
}

absl::StatusOr<core::Host> SqlStore::getHost(const std::string& id) {
  return transact([&] { return loadHost(*db_, "h.id = $1", {s(id)}, id); });
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
  return transact([&] {
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
  return transact([&] {
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
  return transact([&]() -> absl::StatusOr<std::vector<LayerCandidate>> {
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

absl::StatusOr<std::vector<Booking>> SqlStore::book(const std::vector<Booking>& bookings) {
  return transact([&]() -> absl::StatusOr<std::vector<Booking>> {
    std::vector<Booking> made;
    for (const auto& bk : bookings) {
      ASSIGN_OR_RETURN(
          auto host_ok,
          db_->exec("UPDATE host SET idle_cores = idle_cores - $2, idle_memory = "
                    "idle_memory - $3, idle_gpus = idle_gpus - $4, idle_gpu_memory = "
                    "idle_gpu_memory - $5 WHERE id = $1 AND state = 'UP' AND "
                    "lock_state = 'OPEN' AND idle_cores >= $2 AND idle_memory >= $3 "
                    "AND idle_gpus >= $4 AND idle_gpu_memory >= $5",
                    {s(bk.host_id), i(bk.cores), i(bk.memory), i(bk.gpus), i(bk.gpu_memory)}));
      if (host_ok == 0) continue;
      ASSIGN_OR_RETURN(auto frame_ok,
                       db_->exec("UPDATE frame SET state = 'RUNNING', start_time = $2, "
                                 "stop_time = 0, reserved_memory = $3, version = version + 1 "
                                 "WHERE id = $1 AND state = 'WAITING'",
                                 {s(bk.frame_id), i(bk.now), i(bk.memory)}));
      if (frame_ok == 0) {
        RETURN_IF_ERROR(recomputeIdle(*db_, bk.host_id));
        continue;
      }
      RETURN_IF_ERROR(
          db_->exec("INSERT INTO proc (id, host_id, job_id, layer_id, frame_id, show_id, "
                    "reserved_cores, reserved_memory, reserved_gpus, reserved_gpu_memory, "
                    "booked_time, ping_time, log_path) SELECT $1, $2, $3, $4, $5, j.show_id, $6, "
                    "$7, $8, $9, $10, $10, $11 FROM job j WHERE j.id = $3",
                    {s(bk.proc_id), s(bk.host_id), s(bk.job_id), s(bk.layer_id), s(bk.frame_id),
                     i(bk.cores), i(bk.memory), i(bk.gpus), i(bk.gpu_memory), i(bk.now),
                     s(bk.log_path)})
              .status());
      made.push_back(bk);
    }
    return made;
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

absl::StatusOr<CompletionResult> SqlStore::completeFrame(const FrameCompletion& d) {
  if (d.oom_retry_memory < 0)
    return absl::InvalidArgumentError(absl::StrCat("completion of frame ", d.frame_id,
                                                   ": oom_retry_memory must not be negative"));
  return transact([&]() -> absl::StatusOr<CompletionResult> {
    ASSIGN_OR_RETURN(
        auto rows,
        db_->query("SELECT p.host_id, p.reserved_cores, p.reserved_memory, p.booked_time, "
                   "p.kill_reason, f.state, f.retry_count, f.layer_id, f.job_id, j.max_retries, "
                   "j.state, j.auto_eat, p.max_rss FROM proc p JOIN frame f ON p.frame_id = f.id "
                   "JOIN job j ON f.job_id = j.id WHERE p.id = $1 AND p.frame_id = $2",
                   {s(d.proc_id), s(d.frame_id)}));
    if (rows.empty())
      return absl::NotFoundError(absl::StrCat("no proc ", d.proc_id, " runs frame ", d.frame_id,
                                              ": the completion was already handled"));
    const SqlRow& r = rows[0];
    CompletionResult out;
    out.host_id = r.str(0);
    out.job_id = r.str(8);
    const CoreUnits cores = r.i32(1);
    const std::string kill_reason = r.str(4);
    const std::string frame_state = r.str(5);
    const int32_t retries = r.i32(6);
    const std::string layer_id = r.str(7);
    const int32_t max_retries = r.i32(9);
    const bool job_pending = r.str(10) == "PENDING";
    const bool auto_eat = r.b(11);
    const MemoryKb max_rss = std::max(d.max_rss, r.i64(12));

    RETURN_IF_ERROR(db_->exec("DELETE FROM proc WHERE id = $1", {s(d.proc_id)}).status());
    RETURN_IF_ERROR(recomputeIdle(*db_, out.host_id));
    RETURN_IF_ERROR(db_->exec("INSERT INTO frame_history (id, frame_id, job_id, proc_id, "
                              "host_name, cores, reserved_memory, start_time, stop_time, "
                              "exit_status, exit_signal, max_rss) VALUES ($1, $2, $3, $4, $5, $6, "
                              "$7, $8, $9, $10, $11, $12)",
                              {s(common::newId()), s(d.frame_id), s(out.job_id), s(d.proc_id),
                               s(d.host_name), i(cores), i(r.i64(2)), i(r.i64(3)), i(d.now),
                               i(d.exit_status), i(d.exit_signal), i(max_rss)})
                        .status());

    const bool ok = d.exit_status == 0 && d.exit_signal == 0;
    FrameState next;
    int32_t new_retries = retries;
    MemoryKb new_reserved = 0;  // 0 = keep the frame's reserved_memory
    if (frame_state != "RUNNING") {
      // Eaten or otherwise settled while it ran: the proc is released, the state stays.
      out.new_state = core::parseFrameState(frame_state).value_or(FrameState::kWaiting);
      return out;
    } else if (d.oom_retry_memory > 0 && job_pending) {
      // Killed for memory (the caller's judgement): runs again with more, no retry counted.
      next = FrameState::kWaiting;
      new_reserved = d.oom_retry_memory;
    } else if (ok) {
      next = FrameState::kSucceeded;
    } else if (!job_pending) {
      next = FrameState::kDead;
    } else if (!kill_reason.empty()) {
      next = FrameState::kWaiting;  // killed or retried by request: runs again, no retry counted
    } else if (d.exit_status == core::kExitSkipRetry || retries + 1 > max_retries) {
      new_retries = retries + 1;
      next = auto_eat ? FrameState::kEaten : FrameState::kDead;
    } else {
      new_retries = retries + 1;
      next = FrameState::kWaiting;
    }
    std::string next_name = st(next);
    ASSIGN_OR_RETURN(
        auto n,
        db_->exec("UPDATE frame SET state = CASE WHEN $2 = 'WAITING' AND depend_count > 0 THEN "
                  "'DEPEND' ELSE $2 END, retry_count = $3, exit_status = $4, exit_signal = $5, "
                  "stop_time = $6, max_rss = CASE WHEN max_rss > $7 THEN max_rss ELSE $7 END, "
                  "total_core_time = total_core_time + $8, last_resource = $9, reserved_memory = "
                  "CASE WHEN $10 > 0 THEN $10 ELSE reserved_memory END, version = version + 1 "
                  "WHERE id = $1 AND state = 'RUNNING'",
                  {s(d.frame_id), s(next_name), i(new_retries), i(d.exit_status), i(d.exit_signal),
                   i(d.now), i(max_rss), i(static_cast<int64_t>(d.run_time) * cores / 100),
                   s(absl::StrCat(d.host_name, "/", cores / 100.0)), i(new_reserved)}));
    if (n == 0) return absl::AbortedError("frame changed state during its completion");
    out.new_state = next;
    if (core::isDone(next)) {
      RETURN_IF_ERROR(frameDone(*db_, out.job_id, layer_id, d.frame_id));
      ASSIGN_OR_RETURN(out.job_finished, finishJobIfDone(*db_, out.job_id, d.now));
    }
    return out;
  });
}

// ---- limits, comments, filters -------------------------------------------------------

absl::StatusOr<core::Limit> SqlStore::createLimit(const std::string& name, int32_t max_value) {
  if (name.empty() || max_value < 0)
    return absl::InvalidArgumentError("a limit needs a name and a maximum of 0 or more");
  return transact([&]() -> absl::StatusOr<core::Limit> {
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM limit_record WHERE name = $1", {s(name)}));
    if (!dup.empty()) return absl::AlreadyExistsError(absl::StrCat("limit ", name, " already exists"));
    core::Limit l{common::newId(), name, max_value};
    RETURN_IF_ERROR(db_->exec("INSERT INTO limit_record (id, name, max_value) VALUES ($1, $2, $3)",
                              {s(l.id), s(l.name), i(l.max_value)})
                        .status());
    return l;
  });
}

absl::StatusOr<core::Comment> SqlStore::addComment(const core::Comment& comment) {
  if (comment.parent_id.empty()) return absl::InvalidArgumentError("a comment needs a parent");
  return transact([&]() -> absl::StatusOr<core::Comment> {
    core::Comment c = comment;
    if (c.id.empty()) c.id = common::newId();
    RETURN_IF_ERROR(db_->exec("INSERT INTO comments (id, parent_id, time_stamp, user_name, "
                              "subject, message) VALUES ($1, $2, $3, $4, $5, $6)",
                              {s(c.id), s(c.parent_id), i(c.timestamp), s(c.user), s(c.subject),
                               s(c.message)})
                        .status());
    return c;
  });
}

absl::StatusOr<std::vector<core::Comment>> SqlStore::getComments(const std::string& parent_id) {
  return transact([&] {
    return mapRows<core::Comment>(
        db_->query("SELECT id, parent_id, time_stamp, user_name, subject, message FROM comments "
                   "WHERE parent_id = $1 ORDER BY time_stamp, id",
                   {s(parent_id)}),
        [](const SqlRow& r) {
          return core::Comment{r.str(0), r.str(1), r.i64(2), r.str(3), r.str(4), r.str(5)};
        });
  });
}

absl::StatusOr<core::Filter> SqlStore::createFilter(const core::Filter& filter) {
  return transact([&]() -> absl::StatusOr<core::Filter> {
    ASSIGN_OR_RETURN(auto show, db_->query("SELECT id FROM show WHERE id = $1", {s(filter.show_id)}));
    if (show.empty()) return notFound("show id", filter.show_id);
    core::Filter f = filter;
    if (f.id.empty()) f.id = common::newId();
    RETURN_IF_ERROR(db_->exec("INSERT INTO filter (id, show_id, name, type, ordering, enabled) "
                              "VALUES ($1, $2, $3, $4, $5, $6)",
                              {s(f.id), s(f.show_id), s(f.name), i(static_cast<int>(f.type)),
                               SqlValue(static_cast<double>(f.order)), b(f.enabled)})
                        .status());
    return f;
  });
}

absl::StatusOr<std::vector<core::Filter>> SqlStore::getFilters(const std::string& show_id) {
  return transact([&] {
    return mapRows<core::Filter>(
        db_->query("SELECT id, show_id, name, type, ordering, enabled FROM filter WHERE show_id = "
                   "$1 ORDER BY ordering, name",
                   {s(show_id)}),
        [](const SqlRow& r) {
          return core::Filter{r.str(0), r.str(1), r.str(2),
                              static_cast<core::FilterType>(r.i32(3)),
                              static_cast<float>(r.f64(4)), r.b(5)};
        });
  });
}

absl::StatusOr<core::Matcher> SqlStore::addMatcher(const core::Matcher& matcher) {
  return transact([&]() -> absl::StatusOr<core::Matcher> {
    ASSIGN_OR_RETURN(auto f, db_->query("SELECT id FROM filter WHERE id = $1", {s(matcher.filter_id)}));
    if (f.empty()) return notFound("filter id", matcher.filter_id);
    core::Matcher m = matcher;
    if (m.id.empty()) m.id = common::newId();
    RETURN_IF_ERROR(db_->exec("INSERT INTO matcher (id, filter_id, subject, match_type, input) "
                              "VALUES ($1, $2, $3, $4, $5)",
                              {s(m.id), s(m.filter_id), i(static_cast<int>(m.subject)),
                               i(static_cast<int>(m.type)), s(m.input)})
                        .status());
    return m;
  });
}

absl::StatusOr<std::vector<core::Matcher>> SqlStore::getMatchers(const std::string& filter_id) {
  return transact([&] {
    return mapRows<core::Matcher>(
        db_->query("SELECT id, filter_id, subject, match_type, input FROM matcher WHERE "
                   "filter_id = $1 ORDER BY id",
                   {s(filter_id)}),
        [](const SqlRow& r) {
          return core::Matcher{r.str(0), r.str(1), static_cast<core::MatchSubject>(r.i32(2)),
                               static_cast<core::MatchType>(r.i32(3)), r.str(4)};
        });
  });
}

absl::StatusOr<core::Action> SqlStore::addAction(const core::Action& action) {
  return transact([&]() -> absl::StatusOr<core::Action> {
    ASSIGN_OR_RETURN(auto f, db_->query("SELECT id FROM filter WHERE id = $1", {s(action.filter_id)}));
    if (f.empty()) return notFound("filter id", action.filter_id);
    core::Action a = action;
    if (a.id.empty()) a.id = common::newId();
    RETURN_IF_ERROR(
        db_->exec("INSERT INTO action (id, filter_id, type, value_type, group_value, "
                  "string_value, integer_value, float_value, boolean_value) VALUES ($1, $2, $3, "
                  "$4, $5, $6, $7, $8, $9)",
                  {s(a.id), s(a.filter_id), i(static_cast<int>(a.type)),
                   i(static_cast<int>(a.value_type)), s(a.group_value), s(a.string_value),
                   i(a.integer_value), SqlValue(static_cast<double>(a.float_value)),
                   b(a.boolean_value)})
            .status());
    return a;
  });
}

absl::StatusOr<std::vector<core::Action>> SqlStore::getActions(const std::string& filter_id) {
  return transact([&] {
    return mapRows<core::Action>(
        db_->query("SELECT id, filter_id, type, value_type, group_value, string_value, "
                   "integer_value, float_value, boolean_value FROM action WHERE filter_id = $1 "
                   "ORDER BY id",
                   {s(filter_id)}),
        [](const SqlRow& r) {
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
        });
  });
}

// ---- opening ----------------------------------------------------------------------

}  // namespace cue::store
