// cue.ext.SchedulerInterface: Cue's "why isn't my job running?" (proto/cue_scheduler.proto).
// Translates only: the answer comes from Farm::explainJob (the planner's own checks).
#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "cuebot/farm.h"

namespace cue::cuebot {

std::unique_ptr<grpc::Service> makeSchedulerService(Farm& farm);

}  // namespace cue::cuebot
