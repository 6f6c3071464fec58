// newId: version-7 UUIDs (RFC 9562) in canonical text, unique, strictly increasing on one
// thread, carrying the time they were made.
#include "common/ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>
#include <vector>

namespace cue::common {
namespace {

TEST(IdsTest, CanonicalVersion7Text) {
  const std::regex uuid7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(newId(), uuid7));
  EXPECT_EQ(uuid7Text(0x0123456789ABULL, 0xCDE, 0x3FFFFFFFFFFFFFFFULL),
            "01234567-89ab-7cde-bfff-ffffffffffff");
}

TEST(IdsTest, CarriesTheMillisecondItWasMadeIn) {
  auto now = [] {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  };
  const uint64_t before = now();
  const std::string id = newId();
  const uint64_t after = now();
  const uint64_t ms = std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(IdsTest, IncreaseOnOneThreadAndNeverRepeatAcrossThreads) {
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& ids : made)
    threads.emplace_back([&ids] {
      for (int i = 0; i < 20000; ++i) ids.push_back(newId());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : made) {
    for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]);
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), 4u * 20000u);
}

}  // namespace
}  // namespace cue::common
