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
// area filters/services/departments/tasks
#include "comment.pb.h"
#include "department.pb.h"
#include "filter.pb.h"
#include "renderPartition.pb.h"
#include "service.pb.h"
#include "task.pb.h"

namespace cue::wire {

void toProto(const core::Show& show, show::Show* out);
void toProto(const core::Allocation& alloc, facility::Allocation* out);
void toProto(const core::Subscription& sub, subscription::Subscription* out);
void toProto(const core::Group& group, job::Group* out);
// Adds a job directly in the group (with its frame counts) to the group's stats.
void addToGroupStats(const core::Job& job, const core::FrameCounts& counts, job::GroupStats* out);
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

// ---- area filters/services/departments/tasks (helper hfilter) ----
void toProto(const core::Filter& filter, filter::Filter* out);
void toProto(const core::Matcher& matcher, filter::Matcher* out);
void toProto(const core::Action& action, filter::Action* out);
// Enum values are copied as numbers (the same numbering on both sides); callers check
// the range (cuebot/app/filters.h).
core::Filter fromProto(const filter::Filter& in);
core::Matcher fromProto(const filter::Matcher& in);
core::Action fromProto(const filter::Action& in);
// Services: OpenCue's Service message carries cores in core units, memory in KB,
// timeouts in minutes, as core::Service.
void toProto(const core::Service& service, service::Service* out);
core::Service fromProto(const service::Service& in);
void toProto(const core::ShowDepartment& dept, department::Department* out);
void toProto(const core::Task& task, task::Task* out);
// Partition names (job, layer, frame, host) are read by the caller.
struct RenderPartitionNames {
  std::string job, layer, frame, host;
};
void toProto(const core::RenderPartition& partition, const RenderPartitionNames& names,
             renderPartition::RenderPartition* out);

// A RenderHost from an rqd report. `peer` is the gRPC peer ("ipv4:1.2.3.4:5678") used
// with the rqd_port attribute when the report carries no rqd_address.
core::HostReportData fromProto(const report::RenderHost& host, const report::CoreDetail& cores,
                                const std::string& peer, int64_t now);

// ---- comments, facilities, owners, deeds ----
void toProto(const core::Comment& comment, comment::Comment* out);
// The id, subject and message a client sends (user and time are the caller's to set).
core::Comment fromProto(const comment::Comment& in);
void toProto(const core::Facility& facility, facility::Facility* out);
void toProto(const core::Owner& owner, const std::string& show_name, int32_t host_count,
             host::Owner* out);
void toProto(const core::Deed& deed, const std::string& host_name, const std::string& owner_name,
             const std::string& show_name, host::Deed* out);
// Copies every field that `to` has with the same name and type as in `from` (Host to
// NestedHost, Proc to NestedProc: OpenCue's nested messages repeat their flat ones).
void copySameNamedFields(const google::protobuf::Message& from, google::protobuf::Message* to);
}  // namespace cue::wire
