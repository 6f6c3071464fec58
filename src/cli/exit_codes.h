// Exit codes shared by cueadmin, cueman and cuesubmit (documented in docs/CLI.md).
#pragma once

#include "absl/status/status.h"

namespace cue::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // frames died (cuesubmit --wait), or some targets failed
inline constexpr int kExitUsage = 2;        // unknown flag, malformed value, confirmation refused
inline constexpr int kExitNotFound = 3;     // no such job, show, host, allocation, ...
inline constexpr int kExitUnavailable = 4;  // no cuebot answered
inline constexpr int kExitRefused = 5;      // cuebot refused the request (invalid, conflict, ...)

// The exit code for a failed request.
inline int exitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kNotFound: return kExitNotFound;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return kExitUnavailable;
    default: return kExitRefused;
  }
}

}  // namespace cue::cli
