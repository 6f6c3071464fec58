// Core accounting of one host, in core units (100 = one core), and the choice of which
// physical cores a frame is pinned to. Pure logic: no I/O, no clock. Not thread-safe: the
// owner (RqdCore) serialises calls with its mutex.
//
// Invariants: 0 <= locked <= total; booked = sum of live reservations;
// idle = max(0, total - locked - booked). Locking while frames run may drive idle to 0
// (locked + booked > total); idle then grows back only to total - locked as frames end.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"
#include "rqd/proc_parse.h"

namespace cue::rqd {

// A physical core that frames may be pinned to, with its logical CPUs (hyperthreads).
struct PhysicalCore {
  int socket = 0;
  int node = -1;  // NUMA node, -1 = unknown
  int core = 0;
  std::vector<int> cpus;
};

// The physical cores of `topology` whose logical CPUs are all in `allowed_cpus` (rqd's own
// affinity mask), ordered by (socket, core).
std::vector<PhysicalCore> pinnableCores(const CpuTopology& topology,
                                        const std::vector<int>& allowed_cpus);

class CoreLedger {
 public:
  // What a frame got.
  struct Reservation {
    CoreUnits cores = 0;
    std::vector<int> cpus;                    // logical CPUs to pin to; empty = not pinned
    std::vector<std::pair<int, int>> pinned;  // (socket, core) of each pinned physical core
  };

  // `total`: the host's core units. `pinnable`: physical cores reservations may pin to
  // (empty disables pinning).
  CoreLedger(CoreUnits total, std::vector<PhysicalCore> pinnable);

  // Books `cores` (> 0) for `key`. Pins to whole physical cores when `cores` is a multiple
  // of 100 and that many pinnable cores are free; otherwise books without pinning.
  // FAILED_PRECONDITION when idle cores are short ("host is locked" when every core is
  // locked); ALREADY_EXISTS when `key` holds a reservation; INVALID_ARGUMENT for cores <= 0.
  absl::StatusOr<Reservation> reserve(const std::string& key, CoreUnits cores);

  // Frees `key`'s reservation; a no-op for an unknown key.
  void release(const std::string& key);

  // Lock / unlock `cores` core units (clamped to what can be locked / is locked).
  // Return true when the locked count changed.
  bool lock(CoreUnits cores);
  bool lockAll();
  bool unlock(CoreUnits cores);
  bool unlockAll();

  CoreCounts counts() const;
  CoreUnits total() const { return total_; }
  CoreUnits idle() const;
  bool hasReservations() const { return !reservations_.empty(); }

 private:
  // Picks `n` free pinnable cores, preferring one NUMA node (one socket where nodes are
  // unknown); empty when fewer are free.
  std::vector<size_t> pickCores(int n) const;

  CoreUnits total_;
  CoreUnits locked_ = 0;
  CoreUnits booked_ = 0;
  std::vector<PhysicalCore> pinnable_;
  std::vector<bool> in_use_;  // parallel to pinnable_
  std::map<std::string, std::pair<Reservation, std::vector<size_t>>> reservations_;
};

}  // namespace cue::rqd
