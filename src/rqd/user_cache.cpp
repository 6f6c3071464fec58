#include "rqd/user_cache.h"

#include <utility>

namespace cue::rqd {

FrameUserCache::FrameUserCache(const common::Clock& clock, int64_t ttl_ms, Resolve resolve)
    : clock_(clock), ttl_ms_(ttl_ms), resolve_(std::move(resolve)) {}

absl::StatusOr<FrameUser> FrameUserCache::get(const FrameSpec& spec, bool as_root) {
  Key key{spec.uid, spec.gid, spec.user_name, as_root};
  const int64_t now = clock_.nowMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && now - it->second.resolved_ms < ttl_ms_ &&
        now >= it->second.resolved_ms) {
      return it->second.user;
    }
  }
  // Resolved without the lock: a slow directory service delays only this frame.
  absl::StatusOr<FrameUser> user = resolve_(spec, as_root);
  if (!user.ok()) return user;
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[std::move(key)] = Entry{*user, now};
  return user;
}

}  // namespace cue::rqd
