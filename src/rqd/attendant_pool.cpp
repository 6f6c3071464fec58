#include "rqd/attendant_pool.h"

#include <utility>

#include "common/process.h"

namespace cue::rqd {

AttendantPool::AttendantPool(std::chrono::milliseconds keep_idle) : keep_idle_(keep_idle) {}

AttendantPool::~AttendantPool() {
  std::map<std::thread::id, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& [id, t] : threads) t.join();  // each ends once the tasks are done
  joinExited();
}

void AttendantPool::run(std::function<void()> task) {
  joinExited();
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back(std::move(task));
  if (idle_ >= tasks_.size()) {
    cv_.notify_one();
    return;
  }
  std::thread t([this] { loop(); });
  threads_.emplace(t.get_id(), std::move(t));
}

size_t AttendantPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

size_t AttendantPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_;
}

bool AttendantPool::waitUntil(size_t n, size_t max_threads,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_cv_.wait_for(lock, timeout,
                              [&] { return idle_ >= n && threads_.size() <= max_threads; });
}

void AttendantPool::loop() {
  common::nameThisThread("attendant");
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!tasks_.empty()) {
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // what it holds goes before the thread waits again
      lock.lock();
      continue;
    }
    if (stopping_) return;
    ++idle_;
    changed_cv_.notify_all();
    const bool woken = cv_.wait_for(lock, keep_idle_, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (!woken && !stopping_) {
      // Idle for keep_idle: this thread ends; the next run() (or the destructor) joins it.
      auto it = threads_.find(std::this_thread::get_id());
      if (it != threads_.end()) {
        exited_.push_back(std::move(it->second));
        threads_.erase(it);
      }
      changed_cv_.notify_all();
      return;
    }
  }
}

void AttendantPool::joinExited() {
  std::vector<std::thread> exited;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exited.swap(exited_);
  }
  for (auto& t : exited) t.join();
}

}  // namespace cue::rqd
