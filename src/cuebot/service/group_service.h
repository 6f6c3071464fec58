// job.GroupInterface: job folders. Translates only; scheduling settings go through Farm so
// that the farm model sees them. RPCs not written yet answer UNIMPLEMENTED.
#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "cuebot/farm.h"

namespace cue::cuebot {

std::unique_ptr<grpc::Service> makeGroupService(Farm& farm);

}  // namespace cue::cuebot
