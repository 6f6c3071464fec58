// Identifiers. Every entity id is a UUID in its canonical text form, as OpenCue uses:
// version 7 (RFC 9562), a millisecond timestamp followed by random bits, so that ids from
// several cuebots sharing a database never collide and ids made one after another sort
// near each other: a job's frames go into the store's id indexes at their end instead of
// at random places (a 1,000,000-frame submission touches each index page once, not one page
// per frame).
#pragma once

#include <cstdint>
#include <string>

namespace cue::common {

// A new UUID, e.g. "019aeb6f-4c2e-7a13-9b51-0b9e2f6d7a14". Thread-safe. Ids made on one
// thread increase strictly (in text order too); across threads, they are ordered by the
// millisecond they were made in.
std::string newId();

// The UUID text of version-7 fields: `ms` (48 bits), `rand_a` (12 bits), `rand_b` (62 bits).
std::string uuid7Text(uint64_t ms, uint16_t rand_a, uint64_t rand_b);

}  // namespace cue::common
