// Versioned schema migrations, in SQL both SQLite and PostgreSQL accept. Migration N
// moves a store from version N-1 to N; a fresh store runs them all, then is seeded.
#pragma once

#include "absl/strings/string_view.h"
#include <string>
#include <vector>

namespace cue::store {

// kMigrations[i] is the script for version i + 1. Append only: never edit a released one.
const std::vector<absl::string_view>& migrations();

// The same migrations as `dialect` ("sqlite", "postgresql") runs them: PostgreSQL's use
// its own types and trigger syntax; each leaves the same tables as SQLite's.
const std::vector<std::string>& migrations(absl::string_view dialect);

}  // namespace cue::store
