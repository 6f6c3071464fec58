#include "common/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cue::common {
namespace {

// A batch function whose first call waits at a gate, so that the test can queue items
// behind it; it records the size of every batch.
struct GatedBatches {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  bool first_running = false;
  std::vector<size_t> sizes;

  std::vector<std::string> operator()(std::vector<int>& items) {
    std::unique_lock<std::mutex> lock(mu);
    const bool first = sizes.empty();
    sizes.push_back(items.size());
    if (first) {
      first_running = true;
      cv.notify_all();
      cv.wait(lock, [&] { return open; });
    }
    std::vector<std::string> out;
    for (int x : items) out.push_back(std::to_string(x * 10));
    return out;
  }
  void waitFirstRunning() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return first_running; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

// Waits (yielding, no timed sleep) until `n` items wait for the next batch.
template <typename G>
void waitPending(const G& gc, size_t n) {
  while (gc.pending() != n) std::this_thread::yield();
}

TEST(GroupCommitTest, ALoneCallerRunsItsOwnBatch) {
  int calls = 0;
  GroupCommit<int, int> gc([&](std::vector<int>& items) {
    ++calls;
    return std::vector<int>{items.at(0) + 1};
  });
  EXPECT_EQ(gc.submit(1), 2);
  EXPECT_EQ(gc.submit(5), 6);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(gc.batches(), 2u);
}

TEST(GroupCommitTest, ItemsArrivingDuringABatchAreDoneTogetherInTheNext) {
  GatedBatches gate;
  GroupCommit<int, std::string> gc([&](std::vector<int>& items) { return gate(items); });
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = gc.submit(0); });
  gate.waitFirstRunning();
  for (int k = 1; k < 8; ++k) threads.emplace_back([&, k] { results[k] = gc.submit(k); });
  waitPending(gc, 7);
  gate.release();
  for (auto& t : threads) t.join();
  for (int k = 0; k < 8; ++k) EXPECT_EQ(results[k], std::to_string(k * 10)) << k;
  EXPECT_EQ(gate.sizes, (std::vector<size_t>{1, 7}));
}

TEST(GroupCommitTest, BatchesAreCappedAndEveryItemIsDoneOnce) {
  GatedBatches gate;
  GroupCommit<int, std::string> gc([&](std::vector<int>& items) { return gate(items); }, 3);
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = gc.submit(0); });
  gate.waitFirstRunning();
  for (int k = 1; k < 8; ++k) threads.emplace_back([&, k] { results[k] = gc.submit(k); });
  waitPending(gc, 7);
  gate.release();
  for (auto& t : threads) t.join();
  for (int k = 0; k < 8; ++k) EXPECT_EQ(results[k], std::to_string(k * 10)) << k;
  size_t total = 0;
  for (size_t n : gate.sizes) {
    EXPECT_LE(n, 3u);
    total += n;
  }
  EXPECT_EQ(total, 8u);
  EXPECT_EQ(gate.sizes.size(), 4u) << "1, then 7 queued in batches of at most 3";
}

TEST(GroupCommitTest, ManyThreadsGetTheirOwnResults) {
  std::atomic<size_t> done{0};
  GroupCommit<int, int> gc([&](std::vector<int>& items) {
    done += items.size();
    std::vector<int> out;
    for (int x : items) out.push_back(-x);
    return out;
  });
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 500; ++k) {
        const int x = t * 1000 + k;
        if (gc.submit(x) != -x) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(done.load(), 4000u) << "each item in exactly one batch";
  EXPECT_EQ(gc.pending(), 0u);
}

}  // namespace
}  // namespace cue::common
