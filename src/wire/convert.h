// Translation between Cue's domain types and OpenCue's protobuf messages. The only
// place in cuebot where both meet; services call these and nothing else builds protos.
//
// OpenCue's wire units: cores as float cores in Job/Layer/Host/Proc messages (our core
// units / 100), memory in KB, times in int32 epoch seconds.
#pragma once

#include "core/types.h"
#include "absl/status/statusor.h"
#include "core/queries.h"
#include "depend.pb.h"
#include "facility.pb.h"
#include "host.pb.h"
#include "job.pb.h"
#include "report.pb.h"
#include "show.pb.h"
#include "subscription.pb.h"

namespace cue::wire {

void toProto(const core::Show& show, show::Show* out);
void toProto(const core::Allocation& alloc, facility::Allocation* out);
void toProto(const core::Subscription& sub, subscription::Subscription* out);
void toProto(const core::Group& group, job::Group* out);
void toProto(const core::Job& job, const core::FrameCounts& counts, job::Job* out);
void toProto(const core::Layer& layer, const core::FrameCounts& counts, job::Layer* out);
void toProto(const core::Frame& frame, job::Frame* out);
void toProto(const core::Host& host, host::Host* out);
void toProto(const core::Proc& proc, const std::string& job_name, const std::string& frame_name,
             host::Proc* out);

// The names OpenCue's Depend message carries for a depend's sides (empty where the side
// is wider: no layer for a job depend, no frame for a layer depend).
struct DependNames {
  std::string er_job, er_layer, er_frame;
  std::string on_job, on_layer, on_frame;
};
void toProto(const core::Depend& depend, const DependNames& names, depend::Depend* out);
// OpenCue's DependTarget (same numbering as ours; an unknown value reads as ANY_TARGET).
core::DependTarget fromProto(depend::DependTarget target);

// OpenCue's FrameSearchCriteria onto ours (job_id filled by the caller). INVALID_ARGUMENT
// for a malformed frame_range.
absl::StatusOr<core::FrameSearch> fromProto(const job::FrameSearchCriteria& in);
core::JobSearch fromProto(const job::JobSearchCriteria& in);
core::HostSearch fromProto(const host::HostSearchCriteria& in);

// A RenderHost from an rqd report. `peer` is the gRPC peer ("ipv4:1.2.3.4:5678") used
// with the rqd_port attribute when the report carries no rqd_address.
core::HostReportData fromProto(const report::RenderHost& host, const report::CoreDetail& cores,
                                const std::string& peer, int64_t now);

}  // namespace cue::wire
