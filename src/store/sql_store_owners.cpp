// SqlStore's owners and deeds, comment edits, and the frame, proc and depend operations
// that the application decides (markAsWaiting, reorders, redirects, new depends). Each
// public method is one transaction (SqlStore::transact); the contracts are in store.h.
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/sql_util.h"
#include "store/sql_rows.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace {

constexpr absl::string_view kOwnerCols = "id, name, show_id";
core::Owner toOwner(const SqlRow& r) { return core::Owner{r.str(0), r.str(1), r.str(2)}; }
constexpr absl::string_view kDeedCols = "id, owner_id, host_id";
core::Deed toDeed(const SqlRow& r) { return core::Deed{r.str(0), r.str(1), r.str(2)}; }

absl::Status mustExist(SqlConnection& db, absl::string_view table, absl::string_view what,
                       const std::string& id) {
  ASSIGN_OR_RETURN(auto rows,
                   db.query(absl::StrCat("SELECT id FROM ", table, " WHERE id = $1"), {s(id)}));
  return rows.empty() ? notFound(what, id) : absl::OkStatus();
}

}  // namespace

// ---- owners and deeds ------------------------------------------------------------------

absl::StatusOr<core::Owner> SqlStore::createOwner(const std::string& show_id,
                                                  const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("an owner needs a name");
  return transact([&]() -> absl::StatusOr<core::Owner> {
    RETURN_IF_ERROR(mustExist(*db_, "show", "show id", show_id));
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT id FROM owner WHERE name = $1", {s(name)}));
    if (!rows.empty()) return absl::AlreadyExistsError(absl::StrCat("owner ", name, " already exists"));
    core::Owner o{common::newId(), name, show_id};
    RETURN_IF_ERROR(db_->exec("INSERT INTO owner (id, name, show_id) VALUES ($1, $2, $3)",
                              {s(o.id), s(name), s(show_id)})
                        .status());
    return o;
  });
}

absl::StatusOr<core::Owner> SqlStore::getOwner(const std::string& id) {
  return read([&] {
    return mapOne<core::Owner>(
        db_->query(absl::StrCat("SELECT ", kOwnerCols, " FROM owner WHERE id = $1"), {s(id)}),
        toOwner, "owner id", id);
  });
}

absl::StatusOr<core::Owner> SqlStore::findOwner(const std::string& name) {
  return read([&] {
    return mapOne<core::Owner>(
        db_->query(absl::StrCat("SELECT ", kOwnerCols, " FROM owner WHERE name = $1"), {s(name)}),
        toOwner, "owner", name);
  });
}

absl::Status SqlStore::setOwnerShow(const std::string& id, const std::string& show_id) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(mustExist(*db_, "show", "show id", show_id));
    return updateById(*db_, "owner", "owner id", id, {{"show_id", s(show_id)}});
  });
}

absl::Status SqlStore::deleteOwner(const std::string& id) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(mustExist(*db_, "owner", "owner id", id));
    RETURN_IF_ERROR(db_->exec("DELETE FROM deed WHERE owner_id = $1", {s(id)}).status());
    return db_->exec("DELETE FROM owner WHERE id = $1", {s(id)}).status();
  });
}

absl::StatusOr<core::Deed> SqlStore::takeOwnership(const std::string& owner_id,
                                                   const std::string& host_id) {
  return transact([&]() -> absl::StatusOr<core::Deed> {
    RETURN_IF_ERROR(mustExist(*db_, "owner", "owner id", owner_id));
    RETURN_IF_ERROR(mustExist(*db_, "host", "host id", host_id));
    RETURN_IF_ERROR(db_->exec("DELETE FROM deed WHERE host_id = $1", {s(host_id)}).status());
    core::Deed d{common::newId(), owner_id, host_id};
    RETURN_IF_ERROR(db_->exec("INSERT INTO deed (id, owner_id, host_id) VALUES ($1, $2, $3)",
                              {s(d.id), s(owner_id), s(host_id)})
                        .status());
    return d;
  });
}

absl::StatusOr<std::vector<core::Deed>> SqlStore::getDeeds(const std::string& owner_id,
                                                           const std::string& show_id) {
  return read([&]() -> absl::StatusOr<std::vector<core::Deed>> {
    if (!owner_id.empty()) {
      RETURN_IF_ERROR(mustExist(*db_, "owner", "owner id", owner_id));
      return mapRows<core::Deed>(
          db_->query(absl::StrCat("SELECT ", kDeedCols, " FROM deed WHERE owner_id = $1"),
                     {s(owner_id)}),
          toDeed);
    }
    RETURN_IF_ERROR(mustExist(*db_, "show", "show id", show_id));
    return mapRows<core::Deed>(
        db_->query("SELECT d.id, d.owner_id, d.host_id FROM deed d JOIN owner o ON d.owner_id = "
                   "o.id WHERE o.show_id = $1",
                   {s(show_id)}),
        toDeed);
  });
}

absl::StatusOr<core::Deed> SqlStore::getDeed(const std::string& id) {
  return read([&] {
    return mapOne<core::Deed>(
        db_->query(absl::StrCat("SELECT ", kDeedCols, " FROM deed WHERE id = $1"), {s(id)}),
        toDeed, "deed id", id);
  });
}

absl::StatusOr<core::Deed> SqlStore::getHostDeed(const std::string& host_id) {
  return read([&] {
    return mapOne<core::Deed>(
        db_->query(absl::StrCat("SELECT ", kDeedCols, " FROM deed WHERE host_id = $1"),
                   {s(host_id)}),
        toDeed, "deed of host id", host_id);
  });
}

absl::Status SqlStore::deleteDeed(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n, db_->exec("DELETE FROM deed WHERE id = $1", {s(id)}));
    return n == 0 ? notFound("deed id", id) : absl::OkStatus();
  });
}

// ---- comments --------------------------------------------------------------------------

absl::StatusOr<core::Comment> SqlStore::getComment(const std::string& id) {
  return read([&] {
    return mapOne<core::Comment>(
        db_->query("SELECT id, parent_id, time_stamp, user_name, subject, message FROM comments "
                   "WHERE id = $1",
                   {s(id)}),
        [](const SqlRow& r) {
          return core::Comment{r.str(0), r.str(1), r.i64(2), r.str(3), r.str(4), r.str(5)};
        },
        "comment id", id);
  });
}

absl::Status SqlStore::updateComment(const core::Comment& c) {
  return transact([&] {
    return updateById(*db_, "comments", "comment id", c.id,
                      {{"subject", s(c.subject)}, {"message", s(c.message)}});
  });
}

absl::Status SqlStore::deleteComment(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n, db_->exec("DELETE FROM comments WHERE id = $1", {s(id)}));
    return n == 0 ? notFound("comment id", id) : absl::OkStatus();
  });
}

// ---- frames, procs, depends ------------------------------------------------------------

absl::StatusOr<DependChangeResult> SqlStore::createDepends(const std::vector<core::Depend>& depends) {
  return transact([&]() -> absl::StatusOr<DependChangeResult> {
    DependChangeResult out;
    for (const auto& d : depends) {
      RETURN_IF_ERROR(addDepend(*db_, d));
      out.depends.push_back(d.id);
      if (std::find(out.job_ids.begin(), out.job_ids.end(), d.er_job_id) == out.job_ids.end())
        out.job_ids.push_back(d.er_job_id);
    }
    return out;
  });
}

absl::StatusOr<std::vector<std::string>> SqlStore::markFramesWaiting(
    const std::vector<std::string>& ids) {
  return transact([&]() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> changed;
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto n, db_->exec("UPDATE frame SET state = 'WAITING', depend_count = 0, "
                                         "version = version + 1 WHERE id = $1 AND state = 'DEPEND'",
                                         {s(id)}));
      if (n > 0) changed.push_back(id);
    }
    return changed;
  });
}

absl::Status SqlStore::markFrameDepend(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT job_id, layer_id, state FROM frame WHERE id = $1",
                                           {s(id)}));
    if (rows.empty()) return notFound("frame id", id);
    ASSIGN_OR_RETURN(auto held, db_->query("SELECT COUNT(*) FROM depend WHERE active = 1 AND "
                                           "er_job_id = $1 AND (er_frame_id = $3 OR (er_frame_id "
                                           "= '' AND (er_layer_id = $2 OR er_layer_id = '')))",
                                           {s(rows.front().str(0)), s(rows.front().str(1)), s(id)}));
    const int64_t n = held.front().i64(0);
    RETURN_IF_ERROR(
        db_->exec("UPDATE frame SET depend_count = $2 WHERE id = $1", {s(id), i(n)}).status());
    if (n > 0)
      RETURN_IF_ERROR(db_->exec("UPDATE frame SET state = 'DEPEND', version = version + 1 WHERE "
                                "id = $1 AND state = 'WAITING'",
                                {s(id)})
                          .status());
    return absl::OkStatus();
  });
}

absl::Status SqlStore::setFrameDispatchOrders(
    const std::vector<std::pair<std::string, int32_t>>& orders) {
  return transact([&]() -> absl::Status {
    for (const auto& [id, order] : orders)
      RETURN_IF_ERROR(updateById(*db_, "frame", "frame id", id, {{"dispatch_order", i(order)}}));
    return absl::OkStatus();
  });
}

absl::Status SqlStore::setFrameCheckpointState(const std::string& id, int32_t state) {
  return transact(
      [&] { return updateById(*db_, "frame", "frame id", id, {{"checkpoint_state", i(state)}}); });
}

absl::Status SqlStore::setFrameDisplayOverride(const std::string& frame_id,
                                               const FrameDisplayOverride& o) {
  return transact([&]() -> absl::Status {
    RETURN_IF_ERROR(mustExist(*db_, "frame", "frame id", frame_id));
    RETURN_IF_ERROR(db_->exec("DELETE FROM frame_display_override WHERE frame_id = $1 AND state = $2",
                              {s(frame_id), i(o.state)})
                        .status());
    return db_
        ->exec("INSERT INTO frame_display_override (id, frame_id, state, text, red, green, blue) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {s(common::newId()), s(frame_id), i(o.state), s(o.text), i(o.red), i(o.green),
                i(o.blue)})
        .status();
  });
}

absl::StatusOr<std::vector<FrameDisplayOverride>> SqlStore::getFrameDisplayOverrides(
    const std::string& frame_id) {
  return read([&]() -> absl::StatusOr<std::vector<FrameDisplayOverride>> {
    RETURN_IF_ERROR(mustExist(*db_, "frame", "frame id", frame_id));
    return mapRows<FrameDisplayOverride>(
        db_->query("SELECT state, text, red, green, blue FROM frame_display_override WHERE "
                   "frame_id = $1 ORDER BY state",
                   {s(frame_id)}),
        [](const SqlRow& r) {
          return FrameDisplayOverride{r.i32(0), r.str(1), r.i32(2), r.i32(3), r.i32(4)};
        });
  });
}

absl::Status SqlStore::setProcRedirect(const std::string& proc_id, const std::string& job_id,
                                       const std::string& group_id) {
  return transact([&] {
    return updateById(*db_, "proc", "proc id", proc_id,
                      {{"redirect_job_id", s(job_id)}, {"redirect_group_id", s(group_id)}});
  });
}

absl::Status SqlStore::setProcUnbooked(const std::string& proc_id) {
  return transact([&] { return updateById(*db_, "proc", "proc id", proc_id, {{"unbook", i(1)}}); });
}

}  // namespace cue::store
