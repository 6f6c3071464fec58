// Client: jobs, layers, frames.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "client/client.h"
#include "client/rpc_call.h"
#include "comment.grpc.pb.h"
#include "depend.grpc.pb.h"
#include "job.grpc.pb.h"
#include "wire/convert.h"
#include "wire/view_convert.h"

namespace cue::client {

using wire::fromProto;

namespace {

job::Job jobRef(const std::string& id) {
  job::Job j;
  j.set_id(id);
  return j;
}

job::Layer layerRef(const std::string& id) {
  job::Layer l;
  l.set_id(id);
  return l;
}

void toCriteria(const FrameQuery& q, job::FrameSearchCriteria* out) {
  for (const auto& n : q.names) out->add_frames(n);
  for (const auto& l : q.layers) out->add_layers(l);
  for (auto s : q.states) out->mutable_states()->add_frame_states(static_cast<job::FrameState>(s));
  out->set_frame_range(q.range);
  out->set_memory_range(q.memory);
  out->set_duration_range(q.duration);
  out->set_page(q.page);
  out->set_limit(q.limit);
  out->set_include_finished(true);
}

template <class Seq>
std::vector<core::JobView> jobViews(const Seq& jobs) {
  std::vector<core::JobView> out;
  out.reserve(jobs.size());
  for (const auto& j : jobs) out.push_back(fromProto(j));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Client::launchSpec(const std::string& xml) {
  job::JobLaunchSpecRequest req;
  req.set_spec(xml);
  job::JobLaunchSpecResponse resp;
  auto st = CUE_RPC(job::JobInterface, LaunchSpec, req, &resp);
  if (!st.ok()) return st;
  return std::vector<std::string>(resp.names().begin(), resp.names().end());
}

absl::StatusOr<core::JobView> Client::findJob(const std::string& name) {
  job::JobFindJobRequest req;
  req.set_name(name);
  job::JobFindJobResponse resp;
  auto st = CUE_RPC(job::JobInterface, FindJob, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.job());
}

absl::StatusOr<std::vector<core::JobView>> Client::getJobsByName(
    const std::vector<std::string>& names) {
  JobQuery q;
  q.names = names;
  q.include_finished = true;
  return getJobs(q);
}

absl::StatusOr<std::vector<core::JobView>> Client::getJobs(const JobQuery& q) {
  job::JobGetJobsRequest req;
  auto* r = req.mutable_r();
  for (const auto& v : q.names) r->add_jobs(v);
  for (const auto& v : q.substrs) r->add_substr(v);
  for (const auto& v : q.regexes) r->add_regex(v);
  for (const auto& v : q.shows) r->add_shows(v);
  for (const auto& v : q.users) r->add_users(v);
  r->set_include_finished(q.include_finished);
  job::JobGetJobsResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetJobs, req, &resp);
  if (!st.ok()) return st;
  return jobViews(resp.jobs().jobs());
}

absl::StatusOr<std::vector<core::LayerView>> Client::getLayers(const std::string& job_id) {
  job::JobGetLayersRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobGetLayersResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetLayers, req, &resp);
  if (!st.ok()) return st;
  std::vector<core::LayerView> out;
  for (const auto& l : resp.layers().layers()) out.push_back(fromProto(l));
  return out;
}

absl::StatusOr<std::vector<core::Frame>> Client::getFrames(const std::string& job_id,
                                                           const FrameQuery& q) {
  job::JobGetFramesRequest req;
  *req.mutable_job() = jobRef(job_id);
  toCriteria(q, req.mutable_req());
  job::JobGetFramesResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetFrames, req, &resp);
  if (!st.ok()) return st;
  std::vector<core::Frame> out;
  out.reserve(resp.frames().frames_size());
  for (const auto& f : resp.frames().frames()) out.push_back(fromProto(f));
  return out;
}

absl::StatusOr<core::FrameUpdates> Client::getUpdatedFrames(const std::string& job_id,
                                                            int64_t since) {
  job::JobGetUpdatedFramesRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_last_check(static_cast<int32_t>(std::clamp<int64_t>(since, 1, INT32_MAX)));
  job::JobGetUpdatedFramesResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetUpdatedFrames, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp);
}

absl::Status Client::pauseJob(const std::string& job_id) {
  job::JobPauseRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobPauseResponse resp;
  return CUE_RPC(job::JobInterface, Pause, req, &resp);
}

absl::Status Client::resumeJob(const std::string& job_id) {
  job::JobResumeRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobResumeResponse resp;
  return CUE_RPC(job::JobInterface, Resume, req, &resp);
}

absl::Status Client::killJob(const std::string& job_id, const std::string& reason) {
  job::JobKillRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_reason(reason);
  if (const char* user = std::getenv("USER")) req.set_username(user);
  job::JobKillResponse resp;
  return CUE_RPC(job::JobInterface, Kill, req, &resp);
}

#define CUE_FRAME_OP(Method, RpcName)                                                 \
  absl::Status Client::Method(const std::string& job_id, const FrameQuery& q) {        \
    job::Job##RpcName##Request req;                                                    \
    *req.mutable_job() = jobRef(job_id);                                               \
    toCriteria(q, req.mutable_req());                                                  \
    job::Job##RpcName##Response resp;                                                  \
    return CUE_RPC(job::JobInterface, RpcName, req, &resp);                            \
  }
CUE_FRAME_OP(retryFrames, RetryFrames)
CUE_FRAME_OP(eatFrames, EatFrames)
CUE_FRAME_OP(markDoneFrames, MarkDoneFrames)
#undef CUE_FRAME_OP

absl::Status Client::killFrames(const std::string& job_id, const FrameQuery& q,
                                const std::string& reason) {
  job::JobKillFramesRequest req;
  *req.mutable_job() = jobRef(job_id);
  toCriteria(q, req.mutable_req());
  req.set_reason(reason);
  if (const char* user = std::getenv("USER")) req.set_username(user);
  job::JobKillFramesResponse resp;
  return CUE_RPC(job::JobInterface, KillFrames, req, &resp);
}

absl::Status Client::staggerFrames(const std::string& job_id, const std::string& range,
                                   int increment) {
  job::JobStaggerFramesRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_range(range);
  req.set_stagger(increment);
  job::JobStaggerFramesResponse resp;
  return CUE_RPC(job::JobInterface, StaggerFrames, req, &resp);
}

absl::Status Client::reorderFrames(const std::string& job_id, const std::string& range,
                                   FrameOrder order) {
  job::JobReorderFramesRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_range(range);
  req.set_order(static_cast<job::Order>(order));
  job::JobReorderFramesResponse resp;
  return CUE_RPC(job::JobInterface, ReorderFrames, req, &resp);
}

absl::Status Client::staggerLayerFrames(const std::string& layer_id, const std::string& range,
                                        int increment) {
  job::LayerStaggerFramesRequest req;
  *req.mutable_layer() = layerRef(layer_id);
  req.set_range(range);
  req.set_stagger(increment);
  job::LayerStaggerFramesResponse resp;
  return CUE_RPC(job::LayerInterface, StaggerFrames, req, &resp);
}

absl::Status Client::reorderLayerFrames(const std::string& layer_id, const std::string& range,
                                        FrameOrder order) {
  job::LayerReorderFramesRequest req;
  *req.mutable_layer() = layerRef(layer_id);
  req.set_range(range);
  req.set_order(static_cast<job::Order>(order));
  job::LayerReorderFramesResponse resp;
  return CUE_RPC(job::LayerInterface, ReorderFrames, req, &resp);
}

absl::Status Client::setJobMinCores(const std::string& job_id, double cores) {
  job::JobSetMinCoresRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_val(static_cast<float>(cores));
  job::JobSetMinCoresResponse resp;
  return CUE_RPC(job::JobInterface, SetMinCores, req, &resp);
}

absl::Status Client::setJobMaxCores(const std::string& job_id, double cores) {
  job::JobSetMaxCoresRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_val(static_cast<float>(cores));
  job::JobSetMaxCoresResponse resp;
  return CUE_RPC(job::JobInterface, SetMaxCores, req, &resp);
}

absl::Status Client::setJobPriority(const std::string& job_id, int priority) {
  job::JobSetPriorityRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_val(priority);
  job::JobSetPriorityResponse resp;
  return CUE_RPC(job::JobInterface, SetPriority, req, &resp);
}

absl::Status Client::setJobMaxRetries(const std::string& job_id, int retries) {
  job::JobSetMaxRetriesRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_max_retries(retries);
  job::JobSetMaxRetriesResponse resp;
  return CUE_RPC(job::JobInterface, SetMaxRetries, req, &resp);
}

absl::Status Client::setJobAutoEat(const std::string& job_id, bool on) {
  job::JobSetAutoEatRequest req;
  *req.mutable_job() = jobRef(job_id);
  req.set_value(on);
  job::JobSetAutoEatResponse resp;
  return CUE_RPC(job::JobInterface, SetAutoEat, req, &resp);
}

absl::StatusOr<int> Client::dropJobDepends(const std::string& job_id) {
  job::JobGetWhatThisDependsOnRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobGetWhatThisDependsOnResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetWhatThisDependsOn, req, &resp);
  if (!st.ok()) return st;
  int dropped = 0;
  for (const auto& d : resp.depends().depends()) {
    if (!d.active()) continue;
    depend::DependSatisfyRequest sreq;
    *sreq.mutable_depend() = d;
    depend::DependSatisfyResponse sresp;
    auto s = CUE_RPC(depend::DependInterface, Satisfy, sreq, &sresp);
    if (!s.ok()) return s;
    ++dropped;
  }
  return dropped;
}

namespace {

std::vector<core::DependView> dependViews(const depend::DependSeq& seq) {
  std::vector<core::DependView> out;
  out.reserve(seq.depends_size());
  for (const auto& d : seq.depends()) out.push_back(fromProto(d));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<core::DependView>> Client::getWhatThisDependsOn(
    const std::string& job_id) {
  job::JobGetWhatThisDependsOnRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobGetWhatThisDependsOnResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetWhatThisDependsOn, req, &resp);
  if (!st.ok()) return st;
  return dependViews(resp.depends());
}

absl::StatusOr<std::vector<core::DependView>> Client::getWhatDependsOnThis(
    const std::string& job_id) {
  job::JobGetWhatDependsOnThisRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobGetWhatDependsOnThisResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetWhatDependsOnThis, req, &resp);
  if (!st.ok()) return st;
  return dependViews(resp.depends());
}

absl::StatusOr<core::DependView> Client::createJobOnJobDepend(const std::string& job_id,
                                                              const std::string& on_job_id) {
  job::JobCreateDependencyOnJobRequest req;
  *req.mutable_job() = jobRef(job_id);
  *req.mutable_on_job() = jobRef(on_job_id);
  job::JobCreateDependencyOnJobResponse resp;
  auto st = CUE_RPC(job::JobInterface, CreateDependencyOnJob, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.depend());
}

absl::StatusOr<core::DependView> Client::createLayerOnLayerDepend(const std::string& layer_id,
                                                                  const std::string& on_layer_id) {
  job::LayerCreateDependOnLayerRequest req;
  *req.mutable_layer() = layerRef(layer_id);
  *req.mutable_depend_on_layer() = layerRef(on_layer_id);
  job::LayerCreateDependOnLayerResponse resp;
  auto st = CUE_RPC(job::LayerInterface, CreateDependencyOnLayer, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.depend());
}

absl::Status Client::satisfyDepend(const std::string& depend_id) {
  depend::DependSatisfyRequest req;
  req.mutable_depend()->set_id(depend_id);
  depend::DependSatisfyResponse resp;
  return CUE_RPC(depend::DependInterface, Satisfy, req, &resp);
}

absl::StatusOr<std::vector<core::Comment>> Client::getJobComments(const std::string& job_id) {
  job::JobGetCommentsRequest req;
  *req.mutable_job() = jobRef(job_id);
  job::JobGetCommentsResponse resp;
  auto st = CUE_RPC(job::JobInterface, GetComments, req, &resp);
  if (!st.ok()) return st;
  std::vector<core::Comment> out;
  for (const auto& c : resp.comments().comments()) out.push_back(wire::fromProto(c));
  return out;
}

absl::Status Client::addJobComment(const std::string& job_id, const std::string& subject,
                                   const std::string& message) {
  job::JobAddCommentRequest req;
  *req.mutable_job() = jobRef(job_id);
  auto* c = req.mutable_new_comment();
  c->set_subject(subject);
  c->set_message(message);
  if (const char* user = std::getenv("USER")) c->set_user(user);
  job::JobAddCommentResponse resp;
  return CUE_RPC(job::JobInterface, AddComment, req, &resp);
}

absl::Status Client::deleteComment(const std::string& comment_id) {
  comment::CommentDeleteRequest req;
  req.mutable_comment()->set_id(comment_id);
  comment::CommentDeleteResponse resp;
  return CUE_RPC(comment::CommentInterface, Delete, req, &resp);
}

}  // namespace cue::client
