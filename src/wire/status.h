// Error mapping between Cue's absl::Status and gRPC's status, for every gRPC edge (cuebot's
// services, rqd's service and reporter, the client library). absl's and gRPC's codes share
// their numbers, so a code crosses the wire unchanged, with its message.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "cue_ext.pb.h"

namespace cue::wire {

grpc::Status toGrpc(const absl::Status& status);
absl::Status fromGrpc(const grpc::Status& status);

// One item's answer in Cue's calls that carry several (cue.ext.CallResult). A code outside
// gRPC's range reads as UNKNOWN.
void toResult(const absl::Status& status, ext::CallResult* out);
absl::Status fromResult(const ext::CallResult& result);

// NOT_FOUND in the words OpenCue's clients match on ("<what> ... was not found"): pycue
// raises EntityNotFoundException for the code, CueGUI shows the message.
absl::Status notFound(const std::string& what, const std::string& key);

}  // namespace cue::wire
