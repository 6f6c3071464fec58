// Group commit: callers on many threads submit one item each and block until it is done;
// the items that arrive while a batch is being done are done together in the next batch,
// by one call of the batch function (one store transaction for many reports, say).
//
// No thread of its own: the first caller to find no batch running leads. It runs batches
// of what is queued (its own item included) until its own item is done, then steps down
// and wakes the others; each returns its result, or leads the next batch. So a lone caller
// pays one call of the batch function and no hand-off, and under load the batch grows to
// what arrived during the previous one.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace cue::common {

template <typename In, typename Out>
class GroupCommit {
 public:
  // fn gets the batch's items in arrival order and returns one result per item, in order.
  using BatchFn = std::function<std::vector<Out>(std::vector<In>&)>;

  explicit GroupCommit(BatchFn fn, size_t max_batch = 512)
      : fn_(std::move(fn)), max_batch_(max_batch < 1 ? 1 : max_batch) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  Out submit(In in) {
    Slot slot{std::move(in), std::nullopt};
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(&slot);
    cv_.wait(lock, [&] { return slot.out.has_value() || !leading_; });
    if (slot.out) return std::move(*slot.out);
    leading_ = true;
    while (!slot.out) {
      const size_t n = std::min(queue_.size(), max_batch_);
      std::vector<Slot*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      ++batches_;
      lock.unlock();
      std::vector<In> items;
      items.reserve(n);
      for (Slot* s : batch) items.push_back(std::move(s->in));
      std::vector<Out> outs = fn_(items);
      lock.lock();
      for (size_t k = 0; k < n; ++k) batch[k]->out.emplace(std::move(outs.at(k)));
      cv_.notify_all();
    }
    leading_ = false;
    cv_.notify_all();
    return std::move(*slot.out);
  }

  // Items waiting for a batch (not those of the batch being done).
  size_t pending() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }
  // Batches done so far.
  size_t batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }

 private:
  struct Slot {
    In in;
    std::optional<Out> out;
  };

  BatchFn fn_;
  const size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Slot*> queue_;
  bool leading_ = false;
  size_t batches_ = 0;
};

}  // namespace cue::common
