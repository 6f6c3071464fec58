// Frames' users, resolved once a minute rather than for every frame. Resolving a user is
// three NSS lookups (passwd by uid or name, then the group list), and through nsswitch each
// may read /etc/passwd and /etc/group, ask systemd-userdb, LDAP or sssd: on a host running
// short frames that was a large share of rqd's own CPU per frame. An account changed by an
// admin (a new group) applies to frames launched after the cache entry expires.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "rqd/launcher.h"

namespace cue::rqd {

class FrameUserCache {
 public:
  using Resolve = std::function<absl::StatusOr<FrameUser>(const FrameSpec&, bool as_root)>;
  static constexpr int64_t kDefaultTtlMs = 60'000;
  static constexpr size_t kMaxEntries = 4096;  // past this the cache starts afresh

  explicit FrameUserCache(const common::Clock& clock = common::SystemClock::instance(),
                          int64_t ttl_ms = kDefaultTtlMs, Resolve resolve = resolveFrameUser);

  // resolveFrameUser(spec, as_root), from the cache while an entry for the same uid, gid,
  // user name and mode is younger than the TTL. Errors are never cached. Thread-safe.
  absl::StatusOr<FrameUser> get(const FrameSpec& spec, bool as_root);

 private:
  using Key = std::tuple<int, int, std::string, bool>;
  struct Entry {
    FrameUser user;
    int64_t resolved_ms = 0;
  };

  const common::Clock& clock_;
  const int64_t ttl_ms_;
  const Resolve resolve_;
  std::mutex mu_;
  std::map<Key, Entry> entries_;
};

}  // namespace cue::rqd
