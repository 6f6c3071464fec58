#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace cue::store {

std::string redactStoreUrl(absl::string_view url) {
  static const std::regex kUriPassword(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  static const std::regex kKeyPassword(R"(password\s*=\s*('[^']*'|\S*))");
  std::string out = std::regex_replace(std::string(url), kUriPassword, "$1:***@");
  return std::regex_replace(out, kKeyPassword, "password=***");
}

absl::StatusOr<std::unique_ptr<Store>> openStore(const std::string& url) {
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    ASSIGN_OR_RETURN(auto conn, PgConnection::open(url));
    ASSIGN_OR_RETURN(auto store, SqlStore::create(std::move(conn)));
    return std::unique_ptr<Store>(std::move(store));
  }
  std::string path = url;
  if (absl::StartsWith(path, "sqlite:")) path = path.substr(7);
  if (path.empty()) return absl::InvalidArgumentError("empty store path");
  ASSIGN_OR_RETURN(auto conn, SqliteConnection::open(path));
  ASSIGN_OR_RETURN(auto store, SqlStore::create(std::move(conn)));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cue::store
