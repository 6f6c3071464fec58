// SqlStore: several cuebots on one database: the booking lease with its fencing token,
// and the feed of changes each cuebot reads to keep its farm model in step.
#include <algorithm>

#include "store/sql_util.h"

namespace cue::store {

using namespace sql_util;

absl::StatusOr<Lease> SqlStore::acquireLease(const std::string& name, const std::string& holder,
                                             int64_t now_ms, int64_t ttl_ms) {
  if (name.empty() || holder.empty() || ttl_ms <= 0)
    return absl::InvalidArgumentError("a lease needs a name, a holder and a positive duration");
  return transact([&]() -> absl::StatusOr<Lease> {
    RETURN_IF_ERROR(db_->exec("INSERT INTO cuebot_lease (name) VALUES ($1) ON CONFLICT (name) "
                              "DO NOTHING",
                              {s(name)})
                        .status());
    // Renewed by its holder; taken, with a new token, when free or expired.
    RETURN_IF_ERROR(db_->exec("UPDATE cuebot_lease SET token = CASE WHEN holder = $2 THEN token "
                              "ELSE token + 1 END, holder = $2, expires_ms = $3 WHERE name = $1 "
                              "AND (holder = $2 OR holder = '' OR expires_ms <= $4)",
                              {s(name), s(holder), i(now_ms + ttl_ms), i(now_ms)})
                        .status());
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT holder, token, expires_ms FROM cuebot_lease "
                                           "WHERE name = $1",
                                           {s(name)}));
    if (rows.empty()) return notFound("lease", name);
    return Lease{rows[0].str(0), rows[0].i64(1), rows[0].i64(2)};
  });
}

absl::Status SqlStore::releaseLease(const std::string& name, const std::string& holder) {
  return transact([&] {
    return db_->exec("UPDATE cuebot_lease SET expires_ms = 0 WHERE name = $1 AND holder = $2",
                     {s(name), s(holder)})
        .status();
  });
}

void SqlStore::setBookingFence(const std::string& name, const std::string& holder,
                               int64_t token) {
  std::lock_guard<std::mutex> lock(mu_);
  fence_name_ = name;
  fence_holder_ = holder;
  fence_token_ = token;
}

absl::Status SqlStore::checkBookingFence() {
  if (fence_holder_.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto rows, db_->query("SELECT holder, token FROM cuebot_lease WHERE name = $1",
                                         {s(fence_name_)}));
  if (rows.empty() || rows[0].str(0) != fence_holder_ || rows[0].i64(1) != fence_token_)
    return absl::FailedPreconditionError(absl::StrCat(
        "booking refused: ", fence_holder_, " no longer holds the ", fence_name_, " lease (token ",
        fence_token_, "; now ", rows.empty() ? "none" : rows[0].str(0), ")"));
  return absl::OkStatus();
}

absl::Status SqlStore::publishChanges(const std::string& origin,
                                      const std::vector<FarmChange>& changes, EpochSec now) {
  if (changes.empty()) return absl::OkStatus();
  // One statement per hundred entries (one round trip to a database server), as frames.
  constexpr size_t kBatch = 100;
  return transact([&]() -> absl::Status {
    for (size_t at = 0; at < changes.size(); at += kBatch) {
      const size_t n = std::min(kBatch, changes.size() - at);
      std::string sql = "INSERT INTO farm_change (origin, kind, ref, created) VALUES ";
      P params{s(origin), i(now)};
      for (size_t k = 0; k < n; ++k) {
        absl::StrAppend(&sql, k ? ", " : "", "($1, $", params.size() + 1, ", $",
                        params.size() + 2, ", $2)");
        params.push_back(s(changes[at + k].kind));
        params.push_back(s(changes[at + k].ref));
      }
      RETURN_IF_ERROR(db_->exec(sql, params).status());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<FarmChange>> SqlStore::changesSince(int64_t after,
                                                               const std::string& exclude_origin,
                                                               int32_t limit) {
  return read([&] {
    return mapRows<FarmChange>(
        db_->query("SELECT seq, origin, kind, ref FROM farm_change WHERE seq > $1 AND origin <> $2 "
                   "ORDER BY seq LIMIT $3",
                   {i(after), s(exclude_origin), i(limit)}),
        [](const SqlRow& r) { return FarmChange{r.i64(0), r.str(1), r.str(2), r.str(3)}; });
  });
}

absl::StatusOr<int64_t> SqlStore::lastChange() {
  return read([&]() -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(auto rows, db_->query("SELECT COALESCE(MAX(seq), 0) FROM farm_change"));
    return rows.empty() ? 0 : rows[0].i64(0);
  });
}

absl::Status SqlStore::pruneChanges(EpochSec before) {
  return transact([&] {
    return db_->exec("DELETE FROM farm_change WHERE created < $1", {i(before)}).status();
  });
}

}  // namespace cue::store
