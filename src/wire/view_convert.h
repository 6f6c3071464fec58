// Protobuf -> client views (core/views.h): what the client library returns to the tools
// and GUIs. The reverse of convert.h's toProto for the entities a client reads (services:
// convert.h's fromProto).
#pragma once

#include "core/views.h"
#include "cue_log.pb.h"
#include "cue_scheduler.pb.h"
#include "depend.pb.h"
#include "facility.pb.h"
#include "host.pb.h"
#include "job.pb.h"
#include "limit.pb.h"
#include "service.pb.h"
#include "show.pb.h"
#include "subscription.pb.h"

namespace cue::wire {

core::JobView fromProto(const job::Job& in);
core::LayerView fromProto(const job::Layer& in);
core::Frame fromProto(const job::Frame& in);
core::FrameUpdates fromProto(const job::JobGetUpdatedFramesResponse& in);
core::Host fromProto(const host::Host& in);
core::ProcView fromProto(const host::Proc& in);
core::ShowView fromProto(const show::Show& in);
core::Group fromProto(const job::Group& in);  // show_id is not on the wire
core::AllocationView fromProto(const facility::Allocation& in);
core::SubscriptionView fromProto(const subscription::Subscription& in);
core::LimitView fromProto(const limit::Limit& in);
core::WhyView fromProto(const cue::ext::WhyNotRunningResponse& in);
core::FrameLogChunk fromProto(const cue::ext::ReadFrameLogResponse& in);
core::DependView fromProto(const depend::Depend& in);

// Float cores on the wire -> core units, rounded.
core::CoreUnits coreUnits(float cores);

}  // namespace cue::wire
