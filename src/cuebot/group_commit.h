// Group commit: items that callers hand in at about the same time are committed as one
// batch. The first caller commits every item queued by then (its own included) and goes
// on with the items that arrived meanwhile until its own has a result; the next waiting
// caller then takes over. A caller alone commits alone and waits for no one; under load a
// batch holds everything that arrived while the previous one was written, so the
// store's work per item falls as the rate rises.
//
// Each waiting caller is woken exactly once (its result is in, or it commits next), so
// dozens of waiting callers cost no crowd of wake-ups per batch.
//
// Thread-safety: submit may be called from any number of threads. `commit` runs on one
// caller's thread at a time, must not throw, and must return one result per item, in
// order.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <semaphore>
#include <utility>
#include <vector>

namespace cue::cuebot {

template <typename In, typename Out>
class GroupCommit {
 public:
  using Commit = std::function<std::vector<Out>(std::vector<In>& items)>;

  GroupCommit(Commit commit, size_t max_batch)
      : commit_(std::move(commit)), max_batch_(max_batch == 0 ? 1 : max_batch) {}

  // Commits `item` (with whatever else is waiting) and returns its result.
  Out submit(In item) {
    Slot slot{std::move(item)};
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(&slot);
    if (leading_) {
      // Woken once: with the result, or to take over committing.
      lock.unlock();
      slot.wake.acquire();
      lock.lock();
      if (slot.out) return std::move(*slot.out);
    }
    leading_ = true;
    while (!slot.out) {
      std::vector<Slot*> batch;
      std::vector<In> items;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        items.push_back(std::move(queue_.front()->in));
        queue_.pop_front();
      }
      ++batches_;
      lock.unlock();
      std::vector<Out> outs = commit_(items);
      lock.lock();
      for (size_t k = 0; k < batch.size(); ++k) {
        batch[k]->out = std::move(outs[k]);
        if (batch[k] != &slot) batch[k]->wake.release();
      }
    }
    // Done: the oldest waiting caller commits next (it finds no result when it wakes).
    if (queue_.empty())
      leading_ = false;
    else
      queue_.front()->wake.release();
    return std::move(*slot.out);
  }

  // Items handed in and not yet taken into a batch.
  size_t pending() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }
  // Batches committed so far.
  size_t batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }

 private:
  struct Slot {
    In in;
    std::optional<Out> out;
    std::binary_semaphore wake{0};  // one wake-up per waiting caller, never a crowd
  };

  const Commit commit_;
  const size_t max_batch_;
  mutable std::mutex mu_;
  std::deque<Slot*> queue_;
  bool leading_ = false;  // a caller is committing
  size_t batches_ = 0;
};

}  // namespace cue::cuebot
