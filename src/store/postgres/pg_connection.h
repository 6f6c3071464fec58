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
//
// Round trips: BEGIN is not sent on its own but with the transaction's first statement,
// a statement not yet prepared is prepared with its first run, and execAll and queryAll
// send their statements together (libpq's pipeline mode). On this kind of 2-core machine,
// where the server shares the CPUs, every round trip is two context switches.
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
  absl::StatusOr<std::vector<int64_t>> execAll(const std::vector<SqlStatement>& statements) override;
  absl::StatusOr<std::vector<std::vector<SqlRow>>> queryAll(
      const std::vector<SqlStatement>& statements) override;
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
  // Sends a BEGIN that waits for a first statement (a script, or a commit of nothing).
  absl::Status sendPendingBegin();
  // A script as it is, without the pending BEGIN.
  absl::Status execNow(absl::string_view sql);
  absl::StatusOr<Result> run(absl::string_view sql, const std::vector<SqlValue>& params);
  // Runs the statements (after the pending BEGIN, preparing those not yet prepared) as one
  // pipeline; their results in order, or the first failure.
  absl::StatusOr<std::vector<Result>> pipeline(const std::vector<SqlStatement>& statements);
  absl::StatusOr<std::vector<Result>> pipelineOnce(const std::vector<SqlStatement>& statements);

  pg_conn* conn_;
  std::string url_;  // kept for reconnecting; never logged (it may hold a password)
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  const char* pending_begin_ = nullptr;  // begin() not yet sent: it goes with the next statement
};

}  // namespace cue::store
