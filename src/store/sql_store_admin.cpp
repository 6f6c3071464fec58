// SqlStore's administrative writes: subscriptions, limits (and layers' lists of them),
// show flags and defaults, groups, job/layer/host settings. Each public method is one
// transaction (SqlStore::transact); the contracts are in store.h.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/ids.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/sql_util.h"

namespace cue::store {

using namespace sql_util;  // NOLINT(build/namespaces): this library's own helpers

namespace sql_util {

// UPDATE table SET col = value, ... WHERE id = $1. With no assignments only checks that
// the row exists. NOT_FOUND (notFound(what, id)) when no row has that id. `table` and the
// column names are constants of this file, never caller input.
absl::Status updateById(SqlConnection& db, absl::string_view table, absl::string_view what,
                        const std::string& id, const std::vector<Assignment>& sets) {
  if (sets.empty()) {
    ASSIGN_OR_RETURN(auto rows,
                     db.query(absl::StrCat("SELECT id FROM ", table, " WHERE id = $1"), {s(id)}));
    return rows.empty() ? notFound(what, id) : absl::OkStatus();
  }
  P params{s(id)};
  std::vector<std::string> parts;
  for (const auto& [column, value] : sets) {
    params.push_back(value);
    parts.push_back(absl::StrCat(column, " = $", params.size()));
  }
  ASSIGN_OR_RETURN(auto n, db.exec(absl::StrCat("UPDATE ", table, " SET ",
                                                absl::StrJoin(parts, ", "), " WHERE id = $1"),
                                   params));
  return n == 0 ? notFound(what, id) : absl::OkStatus();
}

}  // namespace sql_util

namespace {

// Tags and limit names are stored joined with " | " and read back trimmed: an empty
// name, one holding '|' or one with surrounding blanks could not be read back as given.
absl::Status checkListNames(const std::vector<std::string>& names, absl::string_view what) {
  for (const auto& n : names) {
    if (n.empty() || absl::StripAsciiWhitespace(n) != n || n.find('|') != std::string::npos)
      return absl::InvalidArgumentError(
          absl::StrCat(what, " \"", n,
                       "\" is invalid: it must be non-empty, hold no '|' and not start or "
                       "end with a blank"));
  }
  return absl::OkStatus();
}

// A core floor and cap given together or alone. `unlimited_max`: a max of -1 means no
// cap (groups); otherwise a max must be 0 or more.
absl::Status checkCores(std::optional<CoreUnits> min_cores, std::optional<CoreUnits> max_cores,
                        bool unlimited_max, absl::string_view what) {
  if (min_cores && *min_cores < 0)
    return absl::InvalidArgumentError(
        absl::StrCat(what, " min cores ", *min_cores, " must not be negative"));
  if (max_cores && *max_cores < (unlimited_max ? -1 : 0))
    return absl::InvalidArgumentError(absl::StrCat(
        what, " max cores ", *max_cores,
        unlimited_max ? " must be 0 or more, or -1 for unlimited" : " must not be negative"));
  if (min_cores && max_cores && *max_cores >= 0 && *min_cores > *max_cores)
    return absl::InvalidArgumentError(
        absl::StrCat(what, " min cores ", *min_cores, " exceed its max cores ", *max_cores));
  return absl::OkStatus();
}

// "%name%" for LIKE ... ESCAPE '!', matching `name` anywhere (in both SQLite and
// PostgreSQL). SQLite's LIKE ignores ASCII case: callers re-check exact names.
std::string containsPattern(const std::string& name) {
  std::string out = "%";
  for (char c : name) {
    if (c == '!' || c == '%' || c == '_') out.push_back('!');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

// Rewrites the limits list of every layer naming `name`: edit gets the list and changes
// it in place. Layers whose list is unchanged are not written.
template <typename Edit>
absl::Status editLayersNamingLimit(SqlConnection& db, const std::string& name, Edit edit) {
  ASSIGN_OR_RETURN(auto rows, db.query("SELECT id, limits FROM layer WHERE limits LIKE $1 "
                                       "ESCAPE '!'",
                                       {s(containsPattern(name))}));
  for (const auto& row : rows) {
    std::vector<std::string> limits = splitList(row.str(1));
    if (std::find(limits.begin(), limits.end(), name) == limits.end()) continue;
    edit(limits);
    RETURN_IF_ERROR(
        db.exec("UPDATE layer SET limits = $2 WHERE id = $1", {s(row.str(0)), s(joinList(limits))})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> limitName(SqlConnection& db, const std::string& limit_id) {
  ASSIGN_OR_RETURN(auto rows,
                   db.query("SELECT name FROM limit_record WHERE id = $1", {s(limit_id)}));
  if (rows.empty()) return notFound("limit id", limit_id);
  return rows.front().str(0);
}

absl::StatusOr<std::vector<std::string>> layerLimits(SqlConnection& db,
                                                     const std::string& layer_id) {
  ASSIGN_OR_RETURN(auto rows, db.query("SELECT limits FROM layer WHERE id = $1", {s(layer_id)}));
  if (rows.empty()) return notFound("layer id", layer_id);
  return splitList(rows.front().str(0));
}

}  // namespace

// ---- subscriptions ------------------------------------------------------------------

absl::Status SqlStore::setSubscriptionSize(const std::string& sub_id, CoreUnits size) {
  if (size < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("subscription size ", size, " must not be negative"));
  return transact([&] {
    return updateById(*db_, "subscription", "subscription id", sub_id, {{"size", i(size)}});
  });
}

absl::Status SqlStore::setSubscriptionBurst(const std::string& sub_id, CoreUnits burst) {
  if (burst < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("subscription burst ", burst, " must not be negative"));
  return transact([&] {
    return updateById(*db_, "subscription", "subscription id", sub_id, {{"burst", i(burst)}});
  });
}

absl::Status SqlStore::deleteSubscription(const std::string& sub_id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto n, db_->exec("DELETE FROM subscription WHERE id = $1", {s(sub_id)}));
    return n == 0 ? notFound("subscription id", sub_id) : absl::OkStatus();
  });
}

// ---- limits -------------------------------------------------------------------------

absl::StatusOr<core::Limit> SqlStore::findLimit(const std::string& name) {
  return read([&] {
    return mapOne<core::Limit>(
        db_->query(absl::StrCat("SELECT ", kLimitCols, " FROM limit_record WHERE name = $1"),
                   {s(name)}),
        toLimit, "limit", name);
  });
}

absl::StatusOr<core::Limit> SqlStore::getLimit(const std::string& id) {
  return read([&] {
    return mapOne<core::Limit>(
        db_->query(absl::StrCat("SELECT ", kLimitCols, " FROM limit_record WHERE id = $1"),
                   {s(id)}),
        toLimit, "limit id", id);
  });
}

absl::Status SqlStore::setLimitMaxValue(const std::string& id, int32_t max_value) {
  if (max_value < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("limit maximum ", max_value, " must not be negative"));
  return transact([&] {
    return updateById(*db_, "limit_record", "limit id", id, {{"max_value", i(max_value)}});
  });
}

absl::Status SqlStore::renameLimit(const std::string& id, const std::string& name) {
  RETURN_IF_ERROR(checkListNames({name}, "limit name"));
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string old_name, limitName(*db_, id));
    if (old_name == name) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto dup,
                     db_->query("SELECT id FROM limit_record WHERE name = $1", {s(name)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(absl::StrCat("limit ", name, " already exists"));
    RETURN_IF_ERROR(
        db_->exec("UPDATE limit_record SET name = $2 WHERE id = $1", {s(id), s(name)}).status());
    return editLayersNamingLimit(*db_, old_name, [&](std::vector<std::string>& limits) {
      for (auto& l : limits)
        if (l == old_name) l = name;
      // A layer that named both keeps one mention.
      std::vector<std::string> unique;
      for (auto& l : limits)
        if (std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(l);
      limits = std::move(unique);
    });
  });
}

absl::Status SqlStore::deleteLimit(const std::string& id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string name, limitName(*db_, id));
    RETURN_IF_ERROR(db_->exec("DELETE FROM limit_record WHERE id = $1", {s(id)}).status());
    return editLayersNamingLimit(*db_, name, [&](std::vector<std::string>& limits) {
      limits.erase(std::remove(limits.begin(), limits.end(), name), limits.end());
    });
  });
}

absl::Status SqlStore::addLayerLimit(const std::string& layer_id, const std::string& limit_id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::string> limits, layerLimits(*db_, layer_id));
    ASSIGN_OR_RETURN(std::string name, limitName(*db_, limit_id));
    if (std::find(limits.begin(), limits.end(), name) != limits.end()) return absl::OkStatus();
    limits.push_back(name);
    return db_
        ->exec("UPDATE layer SET limits = $2 WHERE id = $1", {s(layer_id), s(joinList(limits))})
        .status();
  });
}

absl::Status SqlStore::dropLayerLimit(const std::string& layer_id, const std::string& limit_id) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::string> limits, layerLimits(*db_, layer_id));
    ASSIGN_OR_RETURN(std::string name, limitName(*db_, limit_id));
    auto end = std::remove(limits.begin(), limits.end(), name);
    if (end == limits.end()) return absl::OkStatus();
    limits.erase(end, limits.end());
    return db_
        ->exec("UPDATE layer SET limits = $2 WHERE id = $1", {s(layer_id), s(joinList(limits))})
        .status();
  });
}

// ---- shows and groups -----------------------------------------------------------------

absl::Status SqlStore::setShowFlags(const std::string& show_id, std::optional<bool> active,
                                    std::optional<bool> booking_enabled,
                                    std::optional<bool> dispatch_enabled) {
  std::vector<Assignment> sets;
  if (active) sets.emplace_back("active", b(*active));
  if (booking_enabled) sets.emplace_back("booking_enabled", b(*booking_enabled));
  if (dispatch_enabled) sets.emplace_back("dispatch_enabled", b(*dispatch_enabled));
  return transact([&] { return updateById(*db_, "show", "show id", show_id, sets); });
}

absl::Status SqlStore::setShowDefaultCores(const std::string& show_id,
                                           std::optional<CoreUnits> min_cores,
                                           std::optional<CoreUnits> max_cores) {
  RETURN_IF_ERROR(checkCores(min_cores, max_cores, false, "show default"));
  std::vector<Assignment> sets;
  if (min_cores) sets.emplace_back("default_min_cores", i(*min_cores));
  if (max_cores) sets.emplace_back("default_max_cores", i(*max_cores));
  return transact([&] { return updateById(*db_, "show", "show id", show_id, sets); });
}

absl::StatusOr<core::Group> SqlStore::createGroup(const std::string& show_id,
                                                  const std::string& parent_id,
                                                  const std::string& name) {
  if (absl::StripAsciiWhitespace(name).empty())
    return absl::InvalidArgumentError("a group needs a name");
  return transact([&]() -> absl::StatusOr<core::Group> {
    ASSIGN_OR_RETURN(auto show, db_->query("SELECT id FROM show WHERE id = $1", {s(show_id)}));
    if (show.empty()) return notFound("show id", show_id);
    std::string parent = parent_id;
    if (parent.empty()) {
      ASSIGN_OR_RETURN(auto root, db_->query("SELECT id FROM folder WHERE show_id = $1 AND "
                                             "parent_id = ''",
                                             {s(show_id)}));
      if (root.empty()) return notFound("root group of show", show_id);
      parent = root.front().str(0);
    } else {
      ASSIGN_OR_RETURN(auto rows,
                       db_->query("SELECT show_id FROM folder WHERE id = $1", {s(parent)}));
      if (rows.empty()) return notFound("group id", parent);
      if (rows.front().str(0) != show_id)
        return absl::InvalidArgumentError(
            absl::StrCat("group ", parent, " belongs to another show than ", show_id));
    }
    ASSIGN_OR_RETURN(auto dup, db_->query("SELECT id FROM folder WHERE show_id = $1 AND "
                                          "parent_id = $2 AND name = $3",
                                          {s(show_id), s(parent), s(name)}));
    if (!dup.empty())
      return absl::AlreadyExistsError(
          absl::StrCat("group ", name, " already exists under group ", parent));
    std::string id = common::newId();
    RETURN_IF_ERROR(db_->exec("INSERT INTO folder (id, name, show_id, parent_id) VALUES ($1, $2, "
                              "$3, $4)",
                              {s(id), s(name), s(show_id), s(parent)})
                        .status());
    return mapOne<core::Group>(
        db_->query(absl::StrCat("SELECT ", kGroupCols, " FROM folder WHERE id = $1"), {s(id)}),
        toGroup, "group id", id);
  });
}

absl::Status SqlStore::setGroupCores(const std::string& group_id,
                                     std::optional<CoreUnits> min_cores,
                                     std::optional<CoreUnits> max_cores) {
  RETURN_IF_ERROR(checkCores(min_cores, max_cores, true, "group"));
  std::vector<Assignment> sets;
  if (min_cores) sets.emplace_back("min_cores", i(*min_cores));
  if (max_cores) sets.emplace_back("max_cores", i(*max_cores));
  return transact([&] { return updateById(*db_, "folder", "group id", group_id, sets); });
}

// ---- jobs and layers ------------------------------------------------------------------

absl::Status SqlStore::setJobMinMaxCores(const std::string& job_id,
                                         std::optional<CoreUnits> min_cores,
                                         std::optional<CoreUnits> max_cores) {
  RETURN_IF_ERROR(checkCores(min_cores, max_cores, false, "job"));
  std::vector<Assignment> sets;
  if (min_cores) sets.emplace_back("min_cores", i(*min_cores));
  if (max_cores) sets.emplace_back("max_cores", i(*max_cores));
  return transact([&] { return updateById(*db_, "job", "job id", job_id, sets); });
}

absl::Status SqlStore::setLayerTags(const std::string& layer_id,
                                    const std::vector<std::string>& tags) {
  RETURN_IF_ERROR(checkListNames(tags, "layer tag"));
  return transact([&] {
    return updateById(*db_, "layer", "layer id", layer_id, {{"tags", s(joinList(tags))}});
  });
}

absl::Status SqlStore::setLayerMinCores(const std::string& layer_id, CoreUnits min_cores) {
  return transact([&] {
    return updateById(*db_, "layer", "layer id", layer_id, {{"min_cores", i(min_cores)}});
  });
}

absl::Status SqlStore::setLayerMinMemory(const std::string& layer_id, MemoryKb min_memory) {
  if (min_memory < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("layer min memory ", min_memory, " KB must not be negative"));
  return transact([&] {
    return updateById(*db_, "layer", "layer id", layer_id, {{"min_memory", i(min_memory)}});
  });
}

// ---- hosts ----------------------------------------------------------------------------

absl::Status SqlStore::setHostTags(const std::string& host_id,
                                   const std::vector<std::string>& tags) {
  RETURN_IF_ERROR(checkListNames(tags, "host tag"));
  return transact([&] {
    return updateById(*db_, "host", "host id", host_id, {{"tags", s(joinList(tags))}});
  });
}

absl::Status SqlStore::addHostTags(const std::string& host_id,
                                   const std::vector<std::string>& tags) {
  RETURN_IF_ERROR(checkListNames(tags, "host tag"));
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT tags, manual_tags FROM host WHERE id = $1",
                                           {s(host_id)}));
    if (rows.empty()) return notFound("host id", host_id);
    std::vector<std::string> all = splitList(rows[0].str(0)), manual = splitList(rows[0].str(1));
    for (const auto& t : tags) {
      if (std::find(all.begin(), all.end(), t) == all.end()) all.push_back(t);
      if (std::find(manual.begin(), manual.end(), t) == manual.end()) manual.push_back(t);
    }
    return updateById(*db_, "host", "host id", host_id,
                      {{"tags", s(joinList(all))}, {"manual_tags", s(joinList(manual))}});
  });
}

absl::Status SqlStore::removeHostTags(const std::string& host_id,
                                      const std::vector<std::string>& tags) {
  return transact([&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto rows,
                     db_->query("SELECT h.tags, h.manual_tags, a.tag FROM host h JOIN alloc a ON "
                                "h.alloc_id = a.id WHERE h.id = $1",
                                {s(host_id)}));
    if (rows.empty()) return notFound("host id", host_id);
    const std::string alloc_tag = rows[0].str(2);
    auto drop = [&](std::vector<std::string> v) {
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const std::string& t) {
                               return t != alloc_tag &&
                                      std::find(tags.begin(), tags.end(), t) != tags.end();
                             }),
              v.end());
      return v;
    };
    return updateById(*db_, "host", "host id", host_id,
                      {{"tags", s(joinList(drop(splitList(rows[0].str(0)))))},
                       {"manual_tags", s(joinList(drop(splitList(rows[0].str(1)))))}});
  });
}

absl::Status SqlStore::setHostThreadMode(const std::string& host_id, core::ThreadMode mode) {
  return transact([&] {
    return updateById(*db_, "host", "host id", host_id, {{"thread_mode", s(core::toString(mode))}});
  });
}

}  // namespace cue::store
