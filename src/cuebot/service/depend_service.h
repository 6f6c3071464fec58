// depend.DependInterface: read one depend, satisfy it or make it active again. Translates
// only; changes go through Farm so that the farm model sees them. Also the conversion
// of depends to OpenCue's messages, which carry job, layer and frame names: the Job,
// Layer and Frame services use it for their depend RPCs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "cuebot/farm.h"
#include "depend.pb.h"

namespace cue::cuebot {

std::unique_ptr<grpc::Service> makeDependService(Farm& farm);

// Appends `depends` (only the active ones when active_only) to `out`, with the names of
// their jobs, layers and frames read from the store (each job read once). A side whose
// entity is gone keeps empty names.
absl::Status dependsToProto(store::Store& store, const std::vector<core::Depend>& depends,
                            bool active_only, depend::DependSeq* out);

}  // namespace cue::cuebot
