// The live figures OpenCue's Show, Allocation and Subscription messages carry (ShowStats,
// AllocationStats, Subscription.reserved_cores), read from the store once per answer and
// added to messages already converted.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "facility.pb.h"
#include "show.pb.h"
#include "store/store.h"
#include "subscription.pb.h"

namespace cue::cuebot {

struct FarmUsage {
  struct Booked {
    core::CoreUnits cores = 0;
    int32_t gpus = 0;
  };
  std::map<std::string, Booked> by_show;                                 // show id
  std::map<std::pair<std::string, std::string>, Booked> by_show_alloc;  // (show id, alloc id)
  std::map<std::string, facility::AllocationStats> by_alloc;            // alloc id
};

absl::StatusOr<FarmUsage> readUsage(store::Store& store);

void addStats(const FarmUsage& usage, const std::string& alloc_id, facility::Allocation* out);
void addStats(const FarmUsage& usage, const std::string& show_id, const std::string& alloc_id,
              subscription::Subscription* out);
// Frame and job counts of the show too (its jobs read from the store).
absl::Status addStats(store::Store& store, const FarmUsage& usage, const std::string& show_id,
                      show::Show* out);

}  // namespace cue::cuebot
