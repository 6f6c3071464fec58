// PostgreSQL behind SqlConnection, on Debian's libpq.
//
// Statements are prepared once per connection and cached by SQL text; parameters travel as
// text and take their types from where they are used. Transactions are SERIALIZABLE, so
// that several cuebots on one database see one order of bookings: a transaction that lost
// a race fails with ABORTED and SqlStore::transact runs it again.
//
// A dropped connection (the server restarting, a network cut) is reopened at the next
// begin(); until it can be, every call answers UNAVAILABLE and nothing is half-written,
// since each change runs inside a transaction the server rolls back with the connection.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "store/sql.h"

struct pg_conn;

namespace cue::store {

class PgConnection final : public SqlConnection {
 public:
  // Opens a connection from a libpq URI or key=value string
  // ("postgresql://user@host:port/db"). UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgConnection>> open(const std::string& url);
  ~PgConnection() override;

  absl::StatusOr<int64_t> exec(absl::string_view sql, const std::vector<SqlValue>& params) override;
  absl::StatusOr<std::vector<SqlRow>> query(absl::string_view sql,
                                            const std::vector<SqlValue>& params) override;
  absl::Status execScript(absl::string_view sql) override;
  absl::Status begin() override;
  absl::Status beginRead() override;
  absl::Status commit() override;
  absl::Status rollback() override;
  absl::string_view dialect() const override { return "postgresql"; }

 private:
  struct Result;
  PgConnection(pg_conn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  // Reconnects when the connection was lost; UNAVAILABLE while the server is gone.
  absl::Status ensureConnected();
  absl::Status beginWith(const char* sql);
  absl::StatusOr<Result> run(absl::string_view sql, const std::vector<SqlValue>& params);

  pg_conn* conn_;
  std::string url_;  // kept for reconnecting; never logged (it may hold a password)
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

}  // namespace cue::store
