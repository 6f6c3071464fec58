// Frames on their way to an rqd: booked (or being booked) but their LaunchFrame not yet
// answered. A kill of such a frame sent to the rqd now would find nothing there and be
// lost (the frame would then run whole), so the kill waits here and the dispatcher sends
// it once the launch is answered.
//
// The dispatcher adds a batch's procs before the booking transaction commits, so anything
// that reads a booking from the store (a kill, an unbook) finds it here until finish().
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cue::cuebot {

class LaunchRegistry {
 public:
  void add(const std::vector<std::string>& proc_ids) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& id : proc_ids) launching_.try_emplace(id);
  }
  // Forgets the procs of `proc_ids` that are not in `kept` (bookings the store skipped).
  void keepOnly(const std::vector<std::string>& proc_ids, const std::vector<std::string>& kept) {
    std::unordered_set<std::string> keep(kept.begin(), kept.end());
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& id : proc_ids)
      if (!keep.contains(id)) launching_.erase(id);
  }
  // A kill of the proc's frame: true when it is launching (the kill is kept for finish()).
  bool deferKill(const std::string& proc_id, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = launching_.find(proc_id);
    if (it == launching_.end()) return false;
    it->second = reason;
    return true;
  }
  // The proc's launch was answered: the reason of a kill asked meanwhile, if any.
  std::optional<std::string> finish(const std::string& proc_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = launching_.find(proc_id);
    if (it == launching_.end()) return std::nullopt;
    std::optional<std::string> kill = std::move(it->second);
    launching_.erase(it);
    return kill;
  }
  // Launches answered with success: when no kill was asked for any of them meanwhile, all
  // are finished and true is returned; otherwise none is (finish() each, and send the kills).
  bool finishAllUnlessKilled(const std::vector<std::string>& proc_ids) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& id : proc_ids) {
      auto it = launching_.find(id);
      if (it != launching_.end() && it->second) return false;
    }
    for (const auto& id : proc_ids) launching_.erase(id);
    return true;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return launching_.size();
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::optional<std::string>> launching_;  // proc -> kill reason
};

// Launches whose outcome is unknown, so that the rqd may well run the frame: the
// LaunchFrame call ran out of time or was cancelled, or another cuebot (a dead one, or
// this one's previous start) booked the proc and may or may not have sent the call
// (Cluster adds every proc the model holds when this cuebot starts to book). Requeueing
// such a frame could run it on two hosts at once (OpenCue #2438); its proc stays booked
// instead, until the host's status reports settle it: listed (it runs) or left out twice
// once any late launch would have arrived (released, see Farm::onStatus). Thread-safe.
class UncertainLaunches {
 public:
  void add(const std::string& proc_id, int64_t now) { addAll({proc_id}, now); }
  void addAll(const std::vector<std::string>& proc_ids, int64_t now) {
    std::lock_guard<std::mutex> lock(mu_);
    // Procs that left by another way (a host marked DOWN) are forgotten after an hour.
    if (procs_.size() >= 1024)
      std::erase_if(procs_, [now](const auto& e) { return e.second < now - 3600; });
    for (const auto& id : proc_ids) procs_[id] = now;
    size_ = procs_.size();
  }
  // When the launch of the proc became uncertain; nullopt when it did not.
  std::optional<int64_t> since(const std::string& proc_id) const {
    if (size_.load(std::memory_order_relaxed) == 0) return std::nullopt;  // nearly always
    std::lock_guard<std::mutex> lock(mu_);
    auto it = procs_.find(proc_id);
    if (it == procs_.end()) return std::nullopt;
    return it->second;
  }
  // The proc's frame was seen running, completed or was released.
  void settle(const std::string& proc_id) {
    if (size_.load(std::memory_order_relaxed) == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    procs_.erase(proc_id);
    size_ = procs_.size();
  }
  size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> procs_;  // proc -> when its launch timed out
  std::atomic<size_t> size_{0};
};

}  // namespace cue::cuebot
