// What every cuebot gRPC service file shares: the handler macros, the conversions of
// cue_wire, and the helpers that fill OpenCue's sequence messages from the store. Services
// only translate: they parse a request, call Farm (operations that change state) or the
// store (reads), and convert the answer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "cuebot/farm.h"
#include "depend.pb.h"
#include "host.pb.h"
#include "job.pb.h"
#include "wire/convert.h"
#include "wire/status.h"

namespace cue::cuebot {

using wire::fromProto;
using wire::toGrpc;
using wire::toProto;

// Declares an RPC handler: RPC(job, Job, GetJobs) handles job::JobGetJobsRequest.
#define RPC(ns, Prefix, Method)                                                          \
  grpc::Status Method(grpc::ServerContext* ctx, const ns::Prefix##Method##Request* req, \
                      ns::Prefix##Method##Response* resp) override

// Evaluates a StatusOr, returning its error as a grpc::Status.
#define GRPC_ASSIGN(lhs, expr)                               \
  auto CUE_CONCAT_(grpc_or_, __LINE__) = (expr);             \
  if (!CUE_CONCAT_(grpc_or_, __LINE__).ok())                 \
    return toGrpc(CUE_CONCAT_(grpc_or_, __LINE__).status()); \
  lhs = std::move(CUE_CONCAT_(grpc_or_, __LINE__)).value()

#define GRPC_CHECK(expr)               \
  do {                                 \
    absl::Status st_ = (expr);         \
    if (!st_.ok()) return toGrpc(st_); \
  } while (0)

// Cores as OpenCue's float fields carry them (4.5 = 450 core units).
inline core::CoreUnits floatCores(float cores) {
  return static_cast<core::CoreUnits>(cores * 100 + 0.5f);
}

// Appends `depends` (only the active ones when active_only) to `out`, with the names of
// their jobs, layers and frames read from the store (each job read once). A side whose
// entity is gone keeps empty names.
absl::Status dependsToProto(store::Store& store, const std::vector<core::Depend>& depends,
                            bool active_only, depend::DependSeq* out);

// The active depends on one side of a job, layer or frame, as OpenCue lists them.
absl::Status fillDepends(store::Store& store,
                         const absl::StatusOr<std::vector<core::Depend>>& depends,
                         depend::DependSeq* out);
// Fills a JobSeq with jobs and their frame counts.
absl::Status fillJobs(store::Store& store, const std::vector<core::Job>& jobs, job::JobSeq* out);
// Frames of a job matching criteria (and of one layer when `layer` is not empty).
absl::Status fillFrames(Farm& farm, const std::string& job_id,
                        const job::FrameSearchCriteria& criteria, const std::string& layer,
                        job::FrameSeq* out);
// Frame ids of a job matching criteria.
absl::StatusOr<std::vector<std::string>> frameIds(Farm& farm, const std::string& job_id,
                                                  const job::FrameSearchCriteria& criteria);
// Procs with their job and frame names: one read per job and one for all the frames.
absl::Status fillProcs(store::Store& store, const std::vector<core::Proc>& procs,
                       host::ProcSeq* out);

// Creates a depend of the waiter (kind, id) on (on_kind, on_id) through app::createDepend
// and fills `out` with it, names included.
// Owners and deeds with the names OpenCue's messages carry (show, host, owner), read from
// the store.
absl::Status fillOwner(store::Store& store, const core::Owner& owner, host::Owner* out);
absl::Status fillDeed(store::Store& store, const core::Deed& deed, host::Deed* out);

grpc::Status createDependProto(Farm& farm, core::DependEntity kind, const std::string& id,
                               core::DependEntity on_kind, const std::string& on_id,
                               depend::Depend* out);

}  // namespace cue::cuebot
