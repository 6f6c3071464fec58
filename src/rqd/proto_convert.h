// Translation between rqd's plain structs and the OpenCue protobuf messages, and between
// absl::Status and grpc::Status. The only place besides the gRPC edges that knows protobuf.
// Pure functions; thread-safe.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "report.pb.h"
#include "rqd.pb.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

FrameSpec fromProto(const ::rqd::RunFrame& run_frame);
::rqd::RunFrame toProto(const FrameSpec& spec);

::report::RunningFrameInfo toRunningFrameInfo(const RunningFrameView& frame);
::report::RenderHost toRenderHost(const HostInfo& host);
::report::CoreDetail toCoreDetail(const CoreCounts& cores);
::report::HostReport toHostReport(const HostSnapshot& snapshot);
::report::BootReport toBootReport(const HostSnapshot& snapshot);
::report::FrameCompleteReport toFrameCompleteReport(const FrameCompletion& completion,
                                                    const HostInfo& host);

// Same code, same message. The one place handlers map errors.
grpc::Status toGrpcStatus(const absl::Status& status);

}  // namespace cue::rqd
