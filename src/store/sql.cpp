#include "store/sql.h"

namespace cue::store {

int64_t SqlRow::i64(size_t col) const {
  const SqlValue& v = values_.at(col);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    if (*s == "t" || *s == "true") return 1;
    if (*s == "f" || *s == "false") return 0;
    return std::strtoll(s->c_str(), nullptr, 10);
  }
  return 0;
}

double SqlRow::f64(size_t col) const {
  const SqlValue& v = values_.at(col);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string SqlRow::str(size_t col) const {
  const SqlValue& v = values_.at(col);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

absl::string_view SqlRow::text(size_t col) const {
  const auto* s = std::get_if<std::string>(&values_.at(col));
  return s != nullptr ? absl::string_view(*s) : absl::string_view();
}

absl::StatusOr<std::vector<int64_t>> SqlConnection::execAll(
    const std::vector<SqlStatement>& statements) {
  std::vector<int64_t> changed;
  changed.reserve(statements.size());
  for (const auto& st : statements) {
    auto n = exec(st.sql, st.params);
    if (!n.ok()) return n.status();
    changed.push_back(*n);
  }
  return changed;
}

absl::StatusOr<std::vector<std::vector<SqlRow>>> SqlConnection::queryAll(
    const std::vector<SqlStatement>& statements) {
  std::vector<std::vector<SqlRow>> rows;
  rows.reserve(statements.size());
  for (const auto& st : statements) {
    auto r = query(st.sql, st.params);
    if (!r.ok()) return r.status();
    rows.push_back(std::move(*r));
  }
  return rows;
}

absl::Status SqlConnection::queryEach(absl::string_view sql, const std::vector<SqlValue>& params,
                                      absl::FunctionRef<void(const SqlRow&)> row) {
  auto rows = query(sql, params);
  if (!rows.ok()) return rows.status();
  for (const auto& r : *rows) row(r);
  return absl::OkStatus();
}

}  // namespace cue::store
