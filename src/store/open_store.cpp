#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "store/sql_store.h"
#include "store/sqlite_connection.h"

namespace cue::store {

absl::StatusOr<std::unique_ptr<Store>> openStore(const std::string& url) {
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://"))
    return absl::UnimplementedError(
        "PostgreSQL stores are not built into this cuebot yet; use a SQLite path");
  std::string path = url;
  if (absl::StartsWith(path, "sqlite:")) path = path.substr(7);
  if (path.empty()) return absl::InvalidArgumentError("empty store path");
  ASSIGN_OR_RETURN(auto conn, SqliteConnection::open(path));
  ASSIGN_OR_RETURN(auto store, SqlStore::create(std::move(conn)));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cue::store
