// SqlStore: limits, comments and filters (matchers, actions). Contracts in store.h.
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
  return read([&] {
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
  return read([&] {
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
    RETURN_IF_ERROR(db_->exec("INSERT INTO matcher (id, filter_id, subject, match_type, input, "
                              "created) VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(created), "
                              "0) + 1 FROM matcher))",
                              {s(m.id), s(m.filter_id), i(static_cast<int>(m.subject)),
                               i(static_cast<int>(m.type)), s(m.input)})
                        .status());
    return m;
  });
}

absl::StatusOr<std::vector<core::Matcher>> SqlStore::getMatchers(const std::string& filter_id) {
  return read([&] {
    return mapRows<core::Matcher>(
        db_->query(absl::StrCat("SELECT ", kMatcherCols,
                                " FROM matcher WHERE filter_id = $1 ORDER BY created, id"),
                   {s(filter_id)}),
        toMatcher);
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
                  "string_value, integer_value, float_value, boolean_value, created) VALUES ($1, "
                  "$2, $3, $4, $5, $6, $7, $8, $9, (SELECT COALESCE(MAX(created), 0) + 1 FROM "
                  "action))",
                  {s(a.id), s(a.filter_id), i(static_cast<int>(a.type)),
                   i(static_cast<int>(a.value_type)), s(a.group_value), s(a.string_value),
                   i(a.integer_value), SqlValue(static_cast<double>(a.float_value)),
                   b(a.boolean_value)})
            .status());
    return a;
  });
}

absl::StatusOr<std::vector<core::Action>> SqlStore::getActions(const std::string& filter_id) {
  return read([&] {
    return mapRows<core::Action>(
        db_->query(absl::StrCat("SELECT ", kActionCols,
                                " FROM action WHERE filter_id = $1 "
                                "ORDER BY CASE WHEN type = 4 THEN 1 ELSE 0 END, created, id"),
                   {s(filter_id)}),  // stop-processing last
        toAction);
  });
}

}  // namespace cue::store
