#include "rqd/core_ledger.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace cue::rqd {

std::vector<PhysicalCore> pinnableCores(const CpuTopology& topology,
                                        const std::vector<int>& allowed_cpus) {
  std::set<int> allowed(allowed_cpus.begin(), allowed_cpus.end());
  std::map<std::pair<int, int>, PhysicalCore> by_core;
  std::set<std::pair<int, int>> excluded;
  for (const LogicalCpu& cpu : topology.cpus) {
    std::pair<int, int> key{cpu.socket, cpu.core};
    if (!allowed.count(cpu.processor)) excluded.insert(key);
    PhysicalCore& pc = by_core[key];
    pc.socket = cpu.socket;
    pc.core = cpu.core;
    pc.node = cpu.node;
    pc.cpus.push_back(cpu.processor);
  }
  std::vector<PhysicalCore> out;
  for (auto& [key, pc] : by_core) {
    if (excluded.count(key)) continue;
    std::sort(pc.cpus.begin(), pc.cpus.end());
    out.push_back(std::move(pc));
  }
  return out;
}

CoreLedger::CoreLedger(CoreUnits total, std::vector<PhysicalCore> pinnable)
    : total_(std::max<CoreUnits>(0, total)),
      pinnable_(std::move(pinnable)),
      in_use_(pinnable_.size(), false) {}

CoreUnits CoreLedger::idle() const { return std::max<CoreUnits>(0, total_ - locked_ - booked_); }

std::vector<size_t> CoreLedger::pickCores(int n) const {
  // Cores are grouped by NUMA node where the host has them, else by socket.
  std::map<std::pair<bool, int>, std::vector<size_t>> free_by_group;
  std::vector<size_t> all_free;
  for (size_t i = 0; i < pinnable_.size(); ++i) {
    if (in_use_[i]) continue;
    const PhysicalCore& pc = pinnable_[i];
    free_by_group[{pc.node < 0, pc.node >= 0 ? pc.node : pc.socket}].push_back(i);
    all_free.push_back(i);
  }
  if (static_cast<int>(all_free.size()) < n) return {};
  // The group with the fewest free cores that still fits, to keep big holes for big frames.
  const std::vector<size_t>* best = nullptr;
  for (const auto& [group, free] : free_by_group) {
    if (static_cast<int>(free.size()) >= n && (best == nullptr || free.size() < best->size())) {
      best = &free;
    }
  }
  const std::vector<size_t>& from = best != nullptr ? *best : all_free;
  return std::vector<size_t>(from.begin(), from.begin() + n);
}

absl::StatusOr<CoreLedger::Reservation> CoreLedger::reserve(const std::string& key,
                                                            CoreUnits cores) {
  if (cores <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("num_cores must be > 0, got ", cores));
  }
  if (reservations_.count(key)) {
    return absl::AlreadyExistsError(absl::StrCat(key, " already holds cores"));
  }
  if (locked_ >= total_ && total_ > 0) {
    return absl::FailedPreconditionError("host is locked: all cores are locked");
  }
  if (idle() < cores) {
    return absl::FailedPreconditionError(
        absl::StrCat("insufficient idle cores: need ", cores, ", idle ", idle(), " (total ", total_,
                     ", booked ", booked_, ", locked ", locked_, ")"));
  }
  Reservation r;
  r.cores = cores;
  std::vector<size_t> picked;
  if (cores % core::kCoreUnitsPerCore == 0 && !pinnable_.empty()) {
    picked = pickCores(cores / core::kCoreUnitsPerCore);
    for (size_t i : picked) {
      in_use_[i] = true;
      const PhysicalCore& pc = pinnable_[i];
      r.cpus.insert(r.cpus.end(), pc.cpus.begin(), pc.cpus.end());
      r.pinned.emplace_back(pc.socket, pc.core);
    }
    std::sort(r.cpus.begin(), r.cpus.end());
  }
  booked_ += cores;
  reservations_[key] = {r, picked};
  return r;
}

void CoreLedger::release(const std::string& key) {
  auto it = reservations_.find(key);
  if (it == reservations_.end()) return;
  booked_ -= it->second.first.cores;
  for (size_t i : it->second.second) in_use_[i] = false;
  reservations_.erase(it);
}

bool CoreLedger::lock(CoreUnits cores) {
  CoreUnits n = std::min(total_ - locked_, std::max<CoreUnits>(0, cores));
  locked_ += n;
  return n > 0;
}

bool CoreLedger::lockAll() { return lock(total_); }

bool CoreLedger::unlock(CoreUnits cores) {
  CoreUnits n = std::min(locked_, std::max<CoreUnits>(0, cores));
  locked_ -= n;
  return n > 0;
}

bool CoreLedger::unlockAll() { return unlock(locked_); }

CoreCounts CoreLedger::counts() const {
  CoreCounts c;
  c.total = total_;
  c.locked = locked_;
  c.booked = booked_;
  c.idle = idle();
  for (const auto& [key, entry] : reservations_) {
    for (const auto& [socket, core] : entry.first.pinned) c.reserved[socket].push_back(core);
  }
  for (auto& [socket, cores] : c.reserved) std::sort(cores.begin(), cores.end());
  return c;
}

}  // namespace cue::rqd
