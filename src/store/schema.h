// Versioned schema migrations, in SQL both SQLite and PostgreSQL accept. Migration N
// moves a store from version N-1 to N; a fresh store runs them all, then is seeded.
#pragma once

#include "absl/strings/string_view.h"
#include <vector>

namespace cue::store {

// kMigrations[i] is the script for version i + 1. Append only: never edit a released one.
const std::vector<absl::string_view>& migrations();

}  // namespace cue::store
