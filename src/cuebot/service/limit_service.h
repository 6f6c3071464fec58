// limit.LimitInterface: licence counters. Translates only; changes go through Farm so
// that the farm model sees them.
#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "cuebot/farm.h"

namespace cue::cuebot {

std::unique_ptr<grpc::Service> makeLimitService(Farm& farm);

}  // namespace cue::cuebot
