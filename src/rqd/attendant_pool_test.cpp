#include "rqd/attendant_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace cue::rqd {
namespace {

using namespace std::chrono_literals;

// A latch the tests hold their tasks on.
class Gate {
 public:
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(AttendantPoolTest, ThreadsAreReusedOnceTheirTasksEnd) {
  AttendantPool pool(std::chrono::minutes(1));
  std::mutex mu;
  std::set<std::thread::id> ran_on;
  for (int i = 0; i < 20; ++i) {
    Gate done;
    pool.run([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        ran_on.insert(std::this_thread::get_id());
      }
      done.open();
    });
    done.wait();
    ASSERT_TRUE(pool.waitUntil(1, 1, 10s));
  }
  EXPECT_EQ(ran_on.size(), 1u) << "20 tasks one after another ran on one thread";
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(AttendantPoolTest, TasksRunAtOnceEvenWhileOthersRun) {
  AttendantPool pool(std::chrono::minutes(1));
  // A barrier: no task ends before all 8 have started, so they must run at once.
  std::mutex mu;
  int started = 0;
  Gate all_started;
  for (int i = 0; i < 8; ++i)
    pool.run([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (++started == 8) all_started.open();
      }
      all_started.wait();
    });
  EXPECT_TRUE(pool.waitUntil(8, 8, 10s)) << "8 tasks that block each got a thread; idle "
                                         << pool.idle() << ", threads " << pool.threads();
  EXPECT_EQ(pool.threads(), 8u);
}

TEST(AttendantPoolTest, IdleThreadsEnd) {
  AttendantPool pool(20ms);
  Gate done;
  pool.run([&] { done.open(); });
  done.wait();
  EXPECT_TRUE(pool.waitUntil(0, 0, 10s)) << "the idle thread ended";
  // And the pool starts a thread again for the next task.
  Gate again;
  pool.run([&] { again.open(); });
  again.wait();
}

TEST(AttendantPoolTest, DestructionWaitsForTasks) {
  std::atomic<bool> finished{false};
  Gate started, release;
  std::thread releaser;
  {
    AttendantPool pool(std::chrono::minutes(1));
    pool.run([&] {
      started.open();
      release.wait();  // still running when the pool's destructor starts (most likely)
      finished = true;
    });
    started.wait();
    releaser = std::thread([&] { release.open(); });
  }
  EXPECT_TRUE(finished.load()) << "the destructor returned before the task ended";
  releaser.join();
}

}  // namespace
}  // namespace cue::rqd
