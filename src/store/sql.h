// A minimal SQL connection seam: SqlStore speaks to SQLite and PostgreSQL through it.
//
// SQL text uses PostgreSQL-style numbered parameters ($1, $2, ...), which SQLite also
// accepts, and only syntax both databases understand. Not thread-safe: one thread at a
// time per connection (SqlStore serialises).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cue::store {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

// One result row; columns by position. Getters convert NULL to 0 / "".
class SqlRow {
 public:
  SqlRow() = default;
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  int64_t i64(size_t col) const;
  int32_t i32(size_t col) const { return static_cast<int32_t>(i64(col)); }
  double f64(size_t col) const;
  bool b(size_t col) const { return i64(col) != 0; }
  std::string str(size_t col) const;
  // A text column without a copy ("" for NULL and numbers); valid while the row is.
  absl::string_view text(size_t col) const;
  bool isNull(size_t col) const { return std::holds_alternative<std::monostate>(values_.at(col)); }
  size_t size() const { return values_.size(); }
  // For connections that fill one row in place, row after row (queryEach).
  std::vector<SqlValue>& values() { return values_; }

 private:
  std::vector<SqlValue> values_;
};

// One statement of SqlConnection::execAll.
struct SqlStatement {
  std::string sql;
  std::vector<SqlValue> params;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs a statement; returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> exec(absl::string_view sql,
                                       const std::vector<SqlValue>& params = {}) = 0;
  // Runs a query and returns every row.
  virtual absl::StatusOr<std::vector<SqlRow>> query(absl::string_view sql,
                                                    const std::vector<SqlValue>& params = {}) = 0;
  // Runs a query and hands each row to `row`. SQLite streams them into one reused row (a
  // million-row read without a million allocations); the default reads them all first.
  // Copy out of the row what must outlive the call.
  virtual absl::Status queryEach(absl::string_view sql, const std::vector<SqlValue>& params,
                                 absl::FunctionRef<void(const SqlRow&)> row);
  // Runs `statements` in order, as one round trip where the backend can (PostgreSQL's
  // pipeline mode), and returns the number of rows each changed. The first failure is
  // returned and the statements after it do not run: inside a transaction, roll it back.
  virtual absl::StatusOr<std::vector<int64_t>> execAll(const std::vector<SqlStatement>& statements);
  // The same for queries: every row of each, in order.
  virtual absl::StatusOr<std::vector<std::vector<SqlRow>>> queryAll(
      const std::vector<SqlStatement>& statements);
  // Runs several statements separated by ';' without parameters (schema scripts).
  virtual absl::Status execScript(absl::string_view sql) = 0;
  virtual absl::Status begin() = 0;
  // A transaction that only reads: it sees one committed snapshot and never waits for
  // (nor holds up) writers.
  virtual absl::Status beginRead() { return begin(); }
  virtual absl::Status commit() = 0;
  virtual absl::Status rollback() = 0;
  // Around a transaction that writes far more rows than anything reads back soon (a big
  // job's frames): the connection may keep fewer of the pages it writes in memory. Every
  // beginBulkWrite is followed by endBulkWrite, on the same connection, whatever the outcome.
  virtual absl::Status beginBulkWrite() { return absl::OkStatus(); }
  virtual absl::Status endBulkWrite() { return absl::OkStatus(); }
  // "sqlite" or "postgresql", for the rare statement that must differ.
  virtual absl::string_view dialect() const = 0;
};

}  // namespace cue::store
