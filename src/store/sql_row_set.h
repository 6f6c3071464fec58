// Internal to the store library: many rows, or many keys, handed to one statement.
//
// SQLite takes them as placeholders, one per value: "VALUES (CAST($1 AS TEXT), ...), (...)"
// and "id IN ($1, $2, ...)". On PostgreSQL a set of kArraysFrom or more goes as one array
// parameter per column: "SELECT * FROM unnest($1::text[], $2::bigint[])" and
// "id = ANY($1::text[])". There the statement's text, and so its prepared statement and
// cached plan, is the same whatever the number of rows; with a placeholder per value each
// new row count was parsed and planned anew, and the executor set up an expression per
// value at every run (a third of the server's work for a booking or a completion;
// PERFORMANCE.md).
//
// Include only from SqlStore's own .cpp files, after sql_util.h.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "store/sql_util.h"

namespace cue::store::sql_util {

// On PostgreSQL, sets of at least this many rows or keys go as arrays; smaller ones as
// placeholders, as on SQLite. The planner takes an array parameter for ten elements: a
// statement given fewer (a completion batch's one or two hosts, its few layers) looked
// cheaper planned for its own values, and PostgreSQL planned it again at every run. With
// placeholders each small count has its own text, planned once.
inline constexpr size_t kArraysFrom = 10;

// One value as an element of a PostgreSQL array literal: NULL, a number, or a string in
// double quotes with its quotes and backslashes escaped.
inline void appendArrayElement(std::string& out, const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    out += "NULL";
  } else if (const auto* n = std::get_if<int64_t>(&v)) {
    absl::StrAppend(&out, *n);
  } else if (const auto* d = std::get_if<double>(&v)) {
    absl::StrAppend(&out, absl::StrFormat("%.17g", *d));
  } else {
    const std::string& text = std::get<std::string>(v);
    out += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
}

// PostgreSQL's array literal of `values`: {e1,e2,...}.
inline std::string arrayLiteral(const std::vector<SqlValue>& values) {
  std::string out = "{";
  for (size_t k = 0; k < values.size(); ++k) {
    if (k > 0) out += ',';
    appendArrayElement(out, values[k]);
  }
  out += '}';
  return out;
}

// Rows for one statement, as a row source that fits both "WITH v (a, b) AS (<source>)" and
// "INSERT INTO t (a, b) <source>". Columns have SQL types ("TEXT", "BIGINT", "INTEGER").
class RowSet {
 public:
  RowSet(const SqlConnection& db, std::vector<std::string> types)
      : postgres_(db.dialect() == "postgresql"),
        types_(std::move(types)),
        columns_(types_.size()) {}

  // One row: its values in column order, one per column (missing ones are NULL, more are
  // ignored: every column keeps a value per row).
  template <typename... V>
  void add(V&&... values) {
    size_t c = 0;
    ((c < columns_.size() ? (void)columns_[c++].emplace_back(std::forward<V>(values)) : void()),
     ...);
    for (; c < columns_.size(); ++c) columns_[c].emplace_back();
    ++rows_;
  }
  size_t rows() const { return rows_; }

  // The row source's SQL; its parameters are appended to `params` (numbered after those
  // already there). The values move into `params`, and the set is empty again after
  // sql() or insert(), ready for the next rows.
  std::string sql(P& params) {
    if (arrays()) return absl::StrCat("SELECT * FROM ", take(params, /*cast=*/true, ""));
    return absl::StrCat("VALUES ", take(params, /*cast=*/true, ""));
  }

  // "INSERT INTO <into> <rows>": `into` names the table and its columns, the set's first and
  // then those of `constants` (SQL literals, the same for every row: "'WAITING'"). On
  // SQLite each row is "($1, ..., <constants>)" with no CAST, as the table's columns type
  // what goes in.
  std::string insert(absl::string_view into, absl::string_view constants, P& params) {
    const absl::string_view sep = constants.empty() ? "" : ", ";
    if (arrays())
      return absl::StrCat("INSERT INTO ", into, " SELECT *", sep, constants, " FROM ",
                          take(params, /*cast=*/false, ""));
    return absl::StrCat("INSERT INTO ", into, " VALUES ", take(params, /*cast=*/false, constants));
  }

 private:
  bool arrays() const { return postgres_ && rows_ >= kArraysFrom; }

  // Moves the values into `params` and empties the set. Arrays: "unnest($1::text[], ...)";
  // otherwise rows "($1, ..., <constants>), (...)", each value CAST to its type if `cast`.
  std::string take(P& params, bool cast, absl::string_view constants) {
    std::string out;
    if (arrays()) {
      out = "unnest(";
      for (size_t c = 0; c < columns_.size(); ++c) {
        params.emplace_back(std::in_place_type<std::string>, arrayLiteral(columns_[c]));
        absl::StrAppend(&out, c == 0 ? "$" : ", $", params.size(), "::",
                        absl::AsciiStrToLower(types_[c]), "[]");
      }
      out += ")";
    } else {
      for (size_t r = 0; r < rows_; ++r) {
        absl::StrAppend(&out, r == 0 ? "(" : ", (");
        for (size_t c = 0; c < columns_.size(); ++c) {
          params.push_back(std::move(columns_[c][r]));
          absl::StrAppend(&out, c == 0 ? "" : ", ");
          if (cast)
            absl::StrAppend(&out, "CAST($", params.size(), " AS ", types_[c], ")");
          else
            absl::StrAppend(&out, "$", params.size());
        }
        absl::StrAppend(&out, constants.empty() ? "" : ", ", constants, ")");
      }
    }
    for (auto& column : columns_) column.clear();
    rows_ = 0;
    return out;
  }

  bool postgres_;
  std::vector<std::string> types_;
  std::vector<std::vector<SqlValue>> columns_;
  size_t rows_ = 0;
};

// "column IN ($k, ...)" on SQLite, "column = ANY($k::text[])" on PostgreSQL, for text
// keys (not empty); the parameters appended to `params`.
inline std::string inSet(const SqlConnection& db, absl::string_view column,
                         const std::vector<std::string>& keys, P& params) {
  if (db.dialect() == "postgresql" && keys.size() >= kArraysFrom) {
    std::vector<SqlValue> values(keys.begin(), keys.end());
    params.emplace_back(std::in_place_type<std::string>, arrayLiteral(values));
    return absl::StrCat(column, " = ANY($", params.size(), "::text[])");
  }
  std::string out = absl::StrCat(column, " IN (");
  for (size_t k = 0; k < keys.size(); ++k) {
    params.emplace_back(std::in_place_type<std::string>, keys[k]);
    absl::StrAppend(&out, k == 0 ? "$" : ", $", params.size());
  }
  out += ")";
  return out;
}

}  // namespace cue::store::sql_util
