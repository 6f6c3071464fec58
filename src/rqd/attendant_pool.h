// AttendantPool: the threads that attend frames (RunningFrame::run: launch, wait, reap,
// report), kept between frames. A thread per frame cost rqd a clone, a new stack and a
// thread exit for every frame; a burst of short frames now runs on the threads the frames
// before it used. A thread idle for `keep_idle` ends, so an rqd at rest holds none.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace cue::rqd {

class AttendantPool {
 public:
  explicit AttendantPool(std::chrono::milliseconds keep_idle = std::chrono::seconds(30));
  // Waits for the tasks given to it, then ends every thread.
  ~AttendantPool();
  AttendantPool(const AttendantPool&) = delete;
  AttendantPool& operator=(const AttendantPool&) = delete;

  // Runs `task` on an idle thread, or on a new one when none is idle (tasks never wait for
  // one another: an attendant runs as long as its frame).
  void run(std::function<void()> task);
  // Threads that exist now (running a task or idle), and those idle.
  size_t threads() const;
  size_t idle() const;
  // Waits until at least `n` threads are idle and at most `max_threads` exist, or `timeout`
  // passes; whether they are.
  bool waitUntil(size_t n, size_t max_threads, std::chrono::milliseconds timeout) const;

 private:
  void loop();
  // Joins the threads that ended. Needs mu_ unlocked.
  void joinExited();

  const std::chrono::milliseconds keep_idle_;
  mutable std::mutex mu_;
  std::condition_variable cv_;  // a task, or stopping
  mutable std::condition_variable changed_cv_;  // a thread went idle or ended
  std::deque<std::function<void()>> tasks_;
  size_t idle_ = 0;
  bool stopping_ = false;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread> exited_;  // ended after keep_idle: joined by the next call
};

}  // namespace cue::rqd
