#include "cuebot/service/rpc.h"

#include "cuebot/app/job_ops.h"

#include <map>

namespace cue::cuebot {

// The active depends on one side of a job, layer or frame, as OpenCue lists them.
absl::Status fillDepends(store::Store& store,
                         const absl::StatusOr<std::vector<core::Depend>>& depends,
                         depend::DependSeq* out) {
  if (!depends.ok()) return depends.status();
  return dependsToProto(store, *depends, /*active_only=*/true, out);
}

// Fills a JobSeq with jobs and their frame counts.
absl::Status fillJobs(store::Store& store, const std::vector<core::Job>& jobs, job::JobSeq* out) {
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  ASSIGN_OR_RETURN(auto counts, store.jobFrameCounts(ids));
  for (const auto& j : jobs) toProto(j, counts[j.id], out->add_jobs());
  return absl::OkStatus();
}

absl::Status fillFrames(Farm& farm, const std::string& job_id,
                        const job::FrameSearchCriteria& criteria, const std::string& layer,
                        job::FrameSeq* out) {
  ASSIGN_OR_RETURN(auto q, fromProto(criteria));
  q.job_id = job_id;
  q.now = farm.clock().nowSeconds();
  if (!layer.empty()) q.layers = {layer};
  ASSIGN_OR_RETURN(auto frames, farm.store().getFrames(q));
  for (const auto& f : frames) toProto(f, out->add_frames());
  return absl::OkStatus();
}

// Frame ids of a job matching criteria.
absl::StatusOr<std::vector<std::string>> frameIds(Farm& farm, const std::string& job_id,
                                                  const job::FrameSearchCriteria& criteria) {
  ASSIGN_OR_RETURN(auto q, fromProto(criteria));
  q.job_id = job_id;
  q.now = farm.clock().nowSeconds();
  ASSIGN_OR_RETURN(auto frames, farm.store().getFrames(q));
  std::vector<std::string> ids;
  for (const auto& f : frames) ids.push_back(f.id);
  return ids;
}

// Procs with their job and frame names: one read per job and one for all the frames.
absl::Status fillProcs(store::Store& store, const std::vector<core::Proc>& procs,
                       host::ProcSeq* out) {
  if (procs.empty()) return absl::OkStatus();
  std::map<std::string, std::string> job_name, frame_name;
  store::FrameSearch frames;
  for (const auto& p : procs) {
    if (!job_name.contains(p.job_id)) {
      auto job = store.getJob(p.job_id);
      job_name[p.job_id] = job.ok() ? job->name : "";
    }
    frames.ids.push_back(p.frame_id);
  }
  ASSIGN_OR_RETURN(auto found, store.getFrames(frames));
  for (const auto& f : found) frame_name[f.id] = f.name;
  for (const auto& p : procs) toProto(p, job_name[p.job_id], frame_name[p.frame_id], out->add_procs());
  return absl::OkStatus();
}

absl::Status fillOwner(store::Store& store, const core::Owner& owner, host::Owner* out) {
  auto show = store.getShow(owner.show_id);
  ASSIGN_OR_RETURN(auto deeds, store.getDeeds(owner.id, ""));
  toProto(owner, show.ok() ? show->name : "", static_cast<int32_t>(deeds.size()), out);
  return absl::OkStatus();
}

absl::Status fillDeed(store::Store& store, const core::Deed& deed, host::Deed* out) {
  ASSIGN_OR_RETURN(auto owner, store.getOwner(deed.owner_id));
  ASSIGN_OR_RETURN(auto host, store.getHost(deed.host_id));
  auto show = store.getShow(owner.show_id);
  toProto(deed, host.name, owner.name, show.ok() ? show->name : "", out);
  return absl::OkStatus();
}

grpc::Status createDependProto(Farm& farm, core::DependEntity kind, const std::string& id,
                               core::DependEntity on_kind, const std::string& on_id,
                               depend::Depend* out) {
  GRPC_ASSIGN(auto waiter, app::resolve(farm.store(), kind, id));
  GRPC_ASSIGN(auto on, app::resolve(farm.store(), on_kind, on_id));
  GRPC_ASSIGN(auto d, app::createDepend(farm, waiter, on));
  depend::DependSeq seq;
  GRPC_CHECK(dependsToProto(farm.store(), {d}, /*active_only=*/false, &seq));
  if (seq.depends_size() > 0) *out = seq.depends(0);
  return grpc::Status::OK;
}

}  // namespace cue::cuebot
