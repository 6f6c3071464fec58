// FrameUserCache: one lookup per user per TTL, errors never kept. A fake resolver and a
// manual clock; no NSS, no processes.
#include "rqd/user_cache.h"

#include "gtest/gtest.h"

namespace cue::rqd {
namespace {

struct CountingResolver {
  int calls = 0;
  int uid_offset = 0;  // changes what the "directory" answers
  absl::StatusOr<FrameUser> operator()(const FrameSpec& spec, bool) {
    ++calls;
    if (spec.user_name == "ghost") return absl::NotFoundError("no user ghost");
    FrameUser u;
    u.name = spec.user_name;
    u.uid = 1000 + uid_offset;
    u.gid = spec.gid > 0 ? spec.gid : 1000;
    u.groups = {static_cast<gid_t>(u.gid), 44};
    u.switch_user = true;
    return u;
  }
};

FrameSpec specFor(const std::string& user, int gid = -1) {
  FrameSpec s;
  s.user_name = user;
  s.gid = gid;
  return s;
}

TEST(FrameUserCacheTest, ResolvesEachUserOncePerTtl) {
  common::ManualClock clock;
  CountingResolver r;
  FrameUserCache cache(clock, 60'000, [&r](const FrameSpec& s, bool root) { return r(s, root); });

  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<FrameUser> u = cache.get(specFor("alice"), true);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->uid, 1000);
    EXPECT_EQ(u->groups.size(), 2u);
  }
  EXPECT_EQ(r.calls, 1);

  cache.get(specFor("bob"), true).IgnoreError();
  cache.get(specFor("alice", 2000), true).IgnoreError();  // another group: another entry
  cache.get(specFor("alice"), false).IgnoreError();       // another mode: another entry
  EXPECT_EQ(r.calls, 4);

  // The directory changes; the cache answers the old account until the entry expires.
  r.uid_offset = 1;
  clock.advanceMillis(59'999);
  EXPECT_EQ(cache.get(specFor("alice"), true)->uid, 1000);
  EXPECT_EQ(r.calls, 4);
  clock.advanceMillis(1);
  EXPECT_EQ(cache.get(specFor("alice"), true)->uid, 1001);
  EXPECT_EQ(r.calls, 5);
}

TEST(FrameUserCacheTest, ErrorsAreNotKept) {
  common::ManualClock clock;
  CountingResolver r;
  FrameUserCache cache(clock, 60'000, [&r](const FrameSpec& s, bool root) { return r(s, root); });
  EXPECT_EQ(cache.get(specFor("ghost"), true).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(cache.get(specFor("ghost"), true).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.calls, 2);
}

TEST(FrameUserCacheTest, AClockThatGoesBackResolvesAgain) {
  common::ManualClock clock;
  CountingResolver r;
  FrameUserCache cache(clock, 60'000, [&r](const FrameSpec& s, bool root) { return r(s, root); });
  ASSERT_TRUE(cache.get(specFor("alice"), true).ok());
  clock.advanceMillis(-5'000);
  ASSERT_TRUE(cache.get(specFor("alice"), true).ok());
  EXPECT_EQ(r.calls, 2);
}

}  // namespace
}  // namespace cue::rqd
