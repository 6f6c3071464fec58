// cuebot's gRPC server side: registers every service of the OpenCue contract (one file
// each under service/, thin translators between OpenCue's messages and Farm/Store calls)
// and the interceptor that names the method in UNIMPLEMENTED answers.
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

}  // namespace cue::cuebot
