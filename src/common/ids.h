// Identifiers. Every entity id is a random (version 4) UUID in its canonical text
// form, as OpenCue uses, so ids from several cuebots sharing a database never collide.
#pragma once

#include <string>

namespace cue::common {

// A new random UUID, e.g. "3f2b8c1e-6d0a-4c7e-9a51-0b9e2f6d7a14". Thread-safe.
std::string newId();

}  // namespace cue::common
