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
    std::vector<In> items;
    items.push_back(std::move(item));
    return std::move(submitAll(std::move(items)).front());
  }

  // Commits `items` (with whatever else is waiting; in batches of at most max_batch) and
  // returns their results, in order.
  std::vector<Out> submitAll(std::vector<In> items) {
    if (items.empty()) return {};
    Caller me;
    std::vector<Slot> slots(items.size());
    me.left = slots.size();
    std::unique_lock<std::mutex> lock(mu_);
    for (size_t k = 0; k < slots.size(); ++k) {
      slots[k].in = std::move(items[k]);
      slots[k].caller = &me;
      queue_.push_back(&slots[k]);
    }
    if (leading_) {
      // Woken once: with every result in, or to take over committing.
      lock.unlock();
      me.wake.acquire();
      lock.lock();
      if (me.left == 0) return results(slots, lock);
    }
    leading_ = true;
    while (me.left > 0) {
      std::vector<Slot*> batch;
      std::vector<In> ins;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        ins.push_back(std::move(queue_.front()->in));
        queue_.pop_front();
      }
      ++batches_;
      lock.unlock();
      std::vector<Out> outs = commit_(ins);
      lock.lock();
      for (size_t k = 0; k < batch.size(); ++k) {
        batch[k]->out = std::move(outs[k]);
        Caller* c = batch[k]->caller;
        if (--c->left == 0 && c != &me) c->wake.release();
      }
    }
    // Done: the oldest waiting caller commits next (it finds results missing when it
    // wakes). A caller waits for its results or to commit, never both: while any of its
    // items is queued it has results missing.
    if (queue_.empty())
      leading_ = false;
    else
      queue_.front()->caller->wake.release();
    return results(slots, lock);
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
  struct Slot;
  static std::vector<Out> results(std::vector<Slot>& slots, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    std::vector<Out> out;
    out.reserve(slots.size());
    for (Slot& s : slots) out.push_back(std::move(*s.out));
    return out;
  }
  struct Caller {
    size_t left = 0;                // its items without a result (under mu_)
    std::binary_semaphore wake{0};  // one wake-up per waiting caller, never a crowd
  };
  struct Slot {
    In in{};
    std::optional<Out> out;
    Caller* caller = nullptr;
  };

  const Commit commit_;
  const size_t max_batch_;
  mutable std::mutex mu_;
  std::deque<Slot*> queue_;
  bool leading_ = false;  // a caller is committing
  size_t batches_ = 0;
};

}  // namespace cue::cuebot
