// cuebot's gRPC services: thin translators between OpenCue's messages and Farm/Store
// calls. Every service of the OpenCue contract is registered; RPCs Cue does not
// implement yet answer UNIMPLEMENTED naming the method (see registerServices).
#pragma once

#include <memory>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "cuebot/farm.h"

namespace cue::cuebot {

// Builds every service over `farm` and registers it (and the UNIMPLEMENTED-naming
// interceptor) on `builder`. The returned objects must outlive the server.
std::vector<std::unique_ptr<grpc::Service>> registerServices(Farm& farm,
                                                             grpc::ServerBuilder& builder);

// absl::Status to grpc::Status, same code and message.
grpc::Status toGrpc(const absl::Status& s);

}  // namespace cue::cuebot
