// Status helpers shared by every Cue library.
//
// Expected failures are absl::Status / absl::StatusOr<T> values with gRPC's codes:
// NOT_FOUND for a missing entity, ALREADY_EXISTS for a duplicate, INVALID_ARGUMENT for
// bad input, FAILED_PRECONDITION for a state that forbids the call, UNAVAILABLE only
// for "try again". No exception crosses a library boundary.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#define CUE_CONCAT_INNER_(a, b) a##b
#define CUE_CONCAT_(a, b) CUE_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status cue_status_ = (expr);       \
    if (!cue_status_.ok()) return cue_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())` declares x from an absl::StatusOr, or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(CUE_CONCAT_(cue_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
