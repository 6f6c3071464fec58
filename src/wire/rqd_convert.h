// Translation between rqd's plain structs (rqd/frame_types.h, header-only) and OpenCue's
// rqd and report messages. Part of cue_wire, the one conversion library; errors map
// through wire/status.h. Pure functions; thread-safe.
#pragma once

#include "absl/status/status.h"
#include "report.pb.h"
#include "rqd.pb.h"
#include "rqd/frame_types.h"

namespace cue::wire {

using rqd::CoreCounts;
using rqd::FrameCompletion;
using rqd::FrameSpec;
using rqd::HostInfo;
using rqd::HostSnapshot;
using rqd::RunningFrameView;

FrameSpec fromProto(const ::rqd::RunFrame& run_frame);
::rqd::RunFrame toProto(const FrameSpec& spec);

::report::RunningFrameInfo toRunningFrameInfo(const RunningFrameView& frame);
::report::RenderHost toRenderHost(const HostInfo& host);
::report::CoreDetail toCoreDetail(const CoreCounts& cores);
::report::HostReport toHostReport(const HostSnapshot& snapshot);
::report::BootReport toBootReport(const HostSnapshot& snapshot);
::report::FrameCompleteReport toFrameCompleteReport(const FrameCompletion& completion,
                                                    const HostInfo& host);


}  // namespace cue::wire
