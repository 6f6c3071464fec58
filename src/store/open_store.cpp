#include <chrono>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace cue::store {
namespace {

// Reader connections per store besides the writer (SqlStore::read): API reads run on them
// while the writer books.
constexpr int kReaders = 3;
// The background checkpoint's threshold and pace. Each checkpoint ends with a pass that
// holds the writer back for about 10 ms (its fsyncs); every 500 ms instead of 250 ms,
// the churn's proc freed -> next launch p99 fell from 18-19 to 10-12 ms, and its store
// (database and WAL) at the end of the run grew from 141-145 to 196-278 MB
// (docs/PERFORMANCE.md).
constexpr int kCheckpointPages = 1000;
constexpr std::chrono::milliseconds kCheckpointPace{500};

}  // namespace

std::string redactStoreUrl(absl::string_view url) {
  static const std::regex kUriPassword(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  static const std::regex kKeyPassword(R"(password\s*=\s*('[^']*'|\S*))");
  std::string out = std::regex_replace(std::string(url), kUriPassword, "$1:***@");
  return std::regex_replace(out, kKeyPassword, "password=***");
}

absl::StatusOr<std::unique_ptr<Store>> openStore(const std::string& url) {
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    ASSIGN_OR_RETURN(auto conn, PgConnection::open(url));
    std::vector<std::unique_ptr<SqlConnection>> readers;
    for (int i = 0; i < kReaders; ++i) {
      ASSIGN_OR_RETURN(auto reader, PgConnection::open(url));
      readers.push_back(std::move(reader));
    }
    ASSIGN_OR_RETURN(auto store, SqlStore::create(std::move(conn), std::move(readers)));
    return std::unique_ptr<Store>(std::move(store));
  }
  std::string path = url;
  if (absl::StartsWith(path, "sqlite:")) path = path.substr(7);
  if (path.empty()) return absl::InvalidArgumentError("empty store path");
  ASSIGN_OR_RETURN(auto conn, SqliteConnection::open(path));
  if (path != ":memory:")
    RETURN_IF_ERROR(conn->checkpointInBackground(path, kCheckpointPages, kCheckpointPace));
  // Readers on a file (WAL: they read while the writer writes); ":memory:" is one
  // connection's own database, so it has none.
  std::vector<std::unique_ptr<SqlConnection>> readers;
  for (int i = 0; path != ":memory:" && i < kReaders; ++i) {
    ASSIGN_OR_RETURN(auto reader, SqliteConnection::open(path));
    readers.push_back(std::move(reader));
  }
  ASSIGN_OR_RETURN(auto store, SqlStore::create(std::move(conn), std::move(readers)));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cue::store
