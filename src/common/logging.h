// One spdlog logger per component ("cuebot", "rqd", "store", ...). core/ and dispatch/
// never log: they return what happened.
#pragma once

#include <memory>
#include <string>

#include "spdlog/spdlog.h"

namespace cue::common {

// Returns the named logger, creating it (stderr, colour off) on first use. Thread-safe.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

// Sets every logger's level from a name: trace, debug, info, warn, error, off.
void setLogLevel(const std::string& level);

}  // namespace cue::common
