#include "cuebot/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace cue::cuebot {
namespace {

// A GroupCommit of ints (at most 3 a batch) that records each batch and answers item + 100.
// The batch equal to `hold` waits until `queued` items are pending behind it.
struct HeldCommit {
  HeldCommit(std::vector<int> hold_batch, size_t queued_behind)
      : hold(std::move(hold_batch)), queued(queued_behind) {}
  std::vector<std::vector<int>> batches() {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  }
  std::mutex mu;
  std::vector<std::vector<int>> calls;
  const std::vector<int> hold;
  const size_t queued;
  GroupCommit<int, int> gc{[this](std::vector<int>& items) {
                             {
                               std::lock_guard<std::mutex> lock(mu);
                               calls.push_back(items);
                             }
                             if (items == hold)
                               while (gc.pending() < queued) std::this_thread::yield();
                             std::vector<int> out;
                             for (int i : items) out.push_back(i + 100);
                             return out;
                           },
                           3};
};

TEST(GroupCommitTest, ACallerAloneCommitsItsOwnItem) {
  std::vector<std::vector<int>> calls;
  GroupCommit<int, int> gc(
      [&](std::vector<int>& items) {
        calls.push_back(items);
        std::vector<int> out;
        for (int i : items) out.push_back(i * 10);
        return out;
      },
      8);
  EXPECT_EQ(gc.submit(1), 10);
  EXPECT_EQ(gc.submit(2), 20);
  EXPECT_EQ(calls, (std::vector<std::vector<int>>{{1}, {2}}));
}

TEST(GroupCommitTest, ItemsArrivingDuringACommitGoTogetherAndEachCallerGetsItsOwnResult) {
  constexpr int kFollowers = 5;
  // The first batch waits until every follower has queued behind it.
  HeldCommit held({0}, kFollowers);
  GroupCommit<int, int>& gc = held.gc;
  std::atomic<bool> leader_in{false};
  int leader_result = 0;
  std::thread leader([&] {
    leader_in = true;
    leader_result = gc.submit(0);
  });
  while (!leader_in || (gc.batches() == 0)) std::this_thread::yield();
  std::vector<int> results(kFollowers + 1, -1);
  std::vector<std::thread> followers;
  for (int i = 1; i <= kFollowers; ++i)
    followers.emplace_back([&, i] { results[i] = gc.submit(i); });
  leader.join();
  for (auto& t : followers) t.join();
  EXPECT_EQ(leader_result, 100);
  for (int i = 1; i <= kFollowers; ++i) EXPECT_EQ(results[i], i + 100) << i;
  // The leader's batch alone, then the five followers in batches of at most three.
  const auto calls = held.batches();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], std::vector<int>{0});
  EXPECT_EQ(calls[1].size(), 3u);
  EXPECT_EQ(calls[2].size(), 2u);
  EXPECT_EQ(gc.batches(), 3u);
}

TEST(GroupCommitTest, SubmitAllCommitsACallersItemsTogetherAndAnswersEachInOrder) {
  // The first batch waits until both other callers' items (4 + 1) are queued.
  HeldCommit held({1, 2}, 5);
  GroupCommit<int, int>& gc = held.gc;
  EXPECT_TRUE(gc.submitAll({}).empty());
  std::vector<int> first, many;
  int one = 0;
  std::thread leader([&] { first = gc.submitAll({1, 2}); });
  while (gc.batches() == 0) std::this_thread::yield();
  std::thread caller_many([&] { many = gc.submitAll({3, 4, 5, 6}); });
  while (gc.pending() < 4) std::this_thread::yield();
  std::thread caller_one([&] { one = gc.submit(7); });
  leader.join();
  caller_many.join();
  caller_one.join();
  EXPECT_EQ(first, (std::vector<int>{101, 102}));
  EXPECT_EQ(many, (std::vector<int>{103, 104, 105, 106}));
  EXPECT_EQ(one, 107);
  // The leader's two together, then the rest in arrival order, at most three a batch: the
  // four of one caller span two batches, and the last caller's item joins the second.
  const auto calls = held.batches();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(calls[1], (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(calls[2], (std::vector<int>{6, 7}));
}

}  // namespace
}  // namespace cue::cuebot
