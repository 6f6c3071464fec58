#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "store/store.h"

namespace cue::store {
namespace {

// Type OIDs of the columns this store reads (pg_type.dat).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

SqlValue toValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  switch (PQftype(res, col)) {
    case kBool:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric:  // SUM() of integers: a whole number unless it has a fraction
      if (absl::StrContains(text, ".") || absl::StrContains(text, "e") ||
          absl::StrContains(text, "N"))
        return std::strtod(text, nullptr);
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    default:
      return std::string(text, static_cast<size_t>(PQgetlength(res, row, col)));
  }
}

// The status a failed statement maps to, by SQLSTATE class, as SqliteConnection maps
// SQLite's codes: callers tell "exists" from "broke a rule" from "try again".
absl::Status statusFor(const PGresult* res, const PGconn* conn, absl::string_view what,
                       absl::string_view sql) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty()) msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string text = absl::StrCat("PostgreSQL ", what, ": ", msg, code.empty() ? "" : " [",
                                  code, code.empty() ? "" : "]", " in: ", sql.substr(0, 200));
  // Gone or going: the connection (libpq's own failures carry no SQLSTATE: "server closed
  // the connection unexpectedly"), the server (shutdown, restart, out of resources), or a
  // read-only standby after a failover. 08P01 (protocol violation: a statement given the
  // wrong number of parameters) is a bug, not an outage.
  if (PQstatus(conn) != CONNECTION_OK || code.empty() ||
      (absl::StartsWith(code, "08") && code != "08P01") || absl::StartsWith(code, "57P") ||
      absl::StartsWith(code, "53") || code == "25006")
    return absl::UnavailableError(text);
  if (code == "23505") return absl::AlreadyExistsError(text);
  if (absl::StartsWith(code, "23")) return absl::FailedPreconditionError(text);
  // Serialization failure, deadlock: the transaction lost a race and may run again.
  if (code == "40001" || code == "40P01") return absl::AbortedError(text);
  return absl::InternalError(text);
}

}  // namespace

struct PgConnection::Result {
  explicit Result(PGresult* r) : res(r) {}
  Result(Result&& o) noexcept : res(o.res) { o.res = nullptr; }
  Result& operator=(Result&&) = delete;
  ~Result() { PQclear(res); }
  PGresult* res;
};

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
  // Defaults that bound how long a cut network can hold a call (and with it the store's
  // lock and the booking lease's renewal); any of them set in `url` wins, as it comes after.
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "dbname", nullptr};
  const char* values[] = {"5", "1", "10", "3", "3", "15000", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL at ", redactStoreUrl(url), ": ", msg));
  }
  std::unique_ptr<PgConnection> pg(new PgConnection(conn, url));
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  auto st = pg->execScript("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
  if (!st.ok()) return st;
  return pg;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

absl::Status PgConnection::ensureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
  prepared_.clear();  // statements die with the server's session
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return absl::UnavailableError(absl::StrCat("PostgreSQL at ", redactStoreUrl(url_),
                                               " is unreachable: ", msg));
  }
  return execNow("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

namespace {

// Parameters as libpq takes them: text, or nullptr for NULL.
struct TextParams {
  explicit TextParams(const std::vector<SqlValue>& params)
      : text(params.size()), values(params.size(), nullptr) {
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (auto* x = std::get_if<int64_t>(&v))
        text[i] = std::to_string(*x);
      else if (auto* d = std::get_if<double>(&v))
        text[i] = absl::StrFormat("%.17g", *d);
      else
        text[i] = std::get<std::string>(v);
      values[i] = text[i].c_str();
    }
  }
  int size() const { return static_cast<int>(values.size()); }
  std::vector<std::string> text;
  std::vector<const char*> values;
};

bool succeeded(const PGresult* res) {
  auto status = PQresultStatus(res);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

absl::StatusOr<PgConnection::Result> PgConnection::run(absl::string_view sql,
                                                       const std::vector<SqlValue>& params) {
  std::string key(sql);
  auto it = pending_begin_ == nullptr ? prepared_.find(key) : prepared_.end();
  if (it == prepared_.end()) {  // with the BEGIN, or its preparation: one round trip
    ASSIGN_OR_RETURN(auto results, pipeline({SqlStatement{std::move(key), params}}));
    return std::move(results.front());
  }
  TextParams p(params);
  Result res(PQexecPrepared(conn_, it->second.c_str(), p.size(), p.values.data(), nullptr,
                            nullptr, 0));
  if (!succeeded(res.res)) return statusFor(res.res, conn_, "statement", sql);
  return res;
}

absl::StatusOr<std::vector<PgConnection::Result>> PgConnection::pipeline(
    const std::vector<SqlStatement>& statements) {
  const bool opens_transaction = pending_begin_ != nullptr;
  auto results = pipelineOnce(statements);
  // A connection the server dropped (a restart) shows only when next used: a transaction's
  // first statements, of which nothing ran, are sent once more on a new connection.
  if (!results.ok() && opens_transaction && PQstatus(conn_) != CONNECTION_OK) {
    if (auto st = ensureConnected(); !st.ok()) return st;
    results = pipelineOnce(statements);
  }
  return results;
}

absl::StatusOr<std::vector<PgConnection::Result>> PgConnection::pipelineOnce(
    const std::vector<SqlStatement>& statements) {
  enum class Kind { kBegin, kPrepare, kRun };
  struct Sent {
    Kind kind;
    size_t statement;
  };
  if (PQenterPipelineMode(conn_) != 1)
    return statusFor(nullptr, conn_, "pipeline", statements.empty() ? "" : statements[0].sql);
  std::vector<Sent> sent;  // what the server was sent, in order
  std::vector<std::string> names(statements.size());
  std::unordered_map<std::string, std::string> preparing;  // prepared by this pipeline
  bool queued = true;
  if (pending_begin_ != nullptr) {
    queued = PQsendQueryParams(conn_, pending_begin_, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    if (queued) sent.push_back({Kind::kBegin, 0});
  }
  for (size_t k = 0; queued && k < statements.size(); ++k) {
    const std::string& sql = statements[k].sql;
    if (auto it = prepared_.find(sql); it != prepared_.end()) {
      names[k] = it->second;
    } else if (auto p = preparing.find(sql); p != preparing.end()) {
      names[k] = p->second;
    } else {
      names[k] = absl::StrCat("cue_", prepared_.size() + preparing.size());
      queued = PQsendPrepare(conn_, names[k].c_str(), sql.c_str(), 0, nullptr) == 1;
      if (!queued) break;
      preparing.emplace(sql, names[k]);
      sent.push_back({Kind::kPrepare, k});
    }
    TextParams p(statements[k].params);
    queued = PQsendQueryPrepared(conn_, names[k].c_str(), p.size(), p.values.data(), nullptr,
                                 nullptr, 0) == 1;
    if (queued) sent.push_back({Kind::kRun, k});
  }
  absl::Status first_error;
  if (!queued) first_error = statusFor(nullptr, conn_, "pipeline", "sending statements");
  const bool synced = PQpipelineSync(conn_) == 1;
  std::vector<Result> results;
  for (const Sent& item : sent) {
    if (!synced) break;
    const absl::string_view sql =
        item.kind == Kind::kBegin ? absl::string_view("BEGIN") : statements[item.statement].sql;
    Result res(PQgetResult(conn_));
    if (res.res == nullptr) {  // the connection is gone
      if (first_error.ok()) first_error = statusFor(nullptr, conn_, "pipeline", sql);
      break;
    }
    while (PGresult* end = PQgetResult(conn_)) PQclear(end);  // up to the null after each
    if (PQresultStatus(res.res) == PGRES_PIPELINE_ABORTED) continue;  // after first_error
    if (!succeeded(res.res)) {
      if (first_error.ok())
        first_error = statusFor(res.res, conn_, item.kind == Kind::kPrepare ? "prepare" : "statement",
                                sql);
      continue;
    }
    if (item.kind == Kind::kBegin)
      pending_begin_ = nullptr;  // the transaction is open
    else if (item.kind == Kind::kPrepare)
      prepared_.emplace(statements[item.statement].sql, names[item.statement]);
    else
      results.push_back(std::move(res));
  }
  if (synced && PQstatus(conn_) == CONNECTION_OK) Result sync(PQgetResult(conn_));  // its SYNC
  if (PQexitPipelineMode(conn_) != 1 && PQstatus(conn_) == CONNECTION_OK) {
    // Results left unread would be taken for the next call's: start over on a new session
    // (the server rolls back what this one had begun).
    if (first_error.ok()) first_error = statusFor(nullptr, conn_, "pipeline", "leaving pipeline mode");
    prepared_.clear();
    pending_begin_ = nullptr;
    PQreset(conn_);
  }
  if (!first_error.ok()) return first_error;
  return results;
}

absl::StatusOr<int64_t> PgConnection::exec(absl::string_view sql,
                                           const std::vector<SqlValue>& params) {
  auto res = run(sql, params);
  if (!res.ok()) return res.status();
  return static_cast<int64_t>(std::strtoll(PQcmdTuples(res->res), nullptr, 10));
}

namespace {

std::vector<SqlRow> rowsOf(const PGresult* res) {
  int rows = PQntuples(res), cols = PQnfields(res);
  std::vector<SqlRow> out;
  out.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) values.push_back(toValue(res, r, c));
    out.emplace_back(std::move(values));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<SqlRow>> PgConnection::query(absl::string_view sql,
                                                        const std::vector<SqlValue>& params) {
  auto res = run(sql, params);
  if (!res.ok()) return res.status();
  return rowsOf(res->res);
}

absl::StatusOr<std::vector<std::vector<SqlRow>>> PgConnection::queryAll(
    const std::vector<SqlStatement>& statements) {
  ASSIGN_OR_RETURN(auto results, pipeline(statements));
  std::vector<std::vector<SqlRow>> rows;
  rows.reserve(results.size());
  for (const auto& r : results) rows.push_back(rowsOf(r.res));
  return rows;
}

absl::StatusOr<std::vector<int64_t>> PgConnection::execAll(
    const std::vector<SqlStatement>& statements) {
  ASSIGN_OR_RETURN(auto results, pipeline(statements));
  std::vector<int64_t> changed;
  changed.reserve(results.size());
  for (const auto& r : results) changed.push_back(std::strtoll(PQcmdTuples(r.res), nullptr, 10));
  return changed;
}

absl::Status PgConnection::execScript(absl::string_view sql) {
  RETURN_IF_ERROR(sendPendingBegin());
  return execNow(sql);
}

absl::Status PgConnection::execNow(absl::string_view sql) {
  std::string text(sql);
  Result res(PQexec(conn_, text.c_str()));
  auto status = PQresultStatus(res.res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return statusFor(res.res, conn_, "script", sql);
  return absl::OkStatus();
}

absl::Status PgConnection::begin() { return beginWith("BEGIN ISOLATION LEVEL SERIALIZABLE"); }

absl::Status PgConnection::beginRead() {
  return beginWith("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

absl::Status PgConnection::beginWith(const char* sql) {
  if (auto st = ensureConnected(); !st.ok()) return st;
  pending_begin_ = sql;  // sent with the first statement (pipeline)
  return absl::OkStatus();
}

absl::Status PgConnection::sendPendingBegin() {
  if (pending_begin_ == nullptr) return absl::OkStatus();
  const char* sql = std::exchange(pending_begin_, nullptr);
  // As in pipeline(): a dropped connection shows here, and BEGIN is tried once more.
  for (int attempt = 0;; ++attempt) {
    if (auto st = ensureConnected(); !st.ok()) return st;
    auto st = execNow(sql);
    if (st.ok() || PQstatus(conn_) == CONNECTION_OK || attempt == 1) return st;
  }
}

absl::Status PgConnection::commit() {
  if (std::exchange(pending_begin_, nullptr) != nullptr) return absl::OkStatus();  // ran nothing
  return execNow("COMMIT");
}

absl::Status PgConnection::rollback() {
  if (std::exchange(pending_begin_, nullptr) != nullptr) return absl::OkStatus();
  if (PQstatus(conn_) != CONNECTION_OK) return absl::OkStatus();  // the server rolled it back
  return execNow("ROLLBACK");
}

}  // namespace cue::store
