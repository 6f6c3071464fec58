#include "client/client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "wire/status.h"

namespace cue::client {

using wire::fromGrpc;

std::string resolveCuebot(const std::string& arg) {
  std::string host = arg;
  if (host.empty()) {
    const char* hosts = std::getenv("CUEBOT_HOSTS");
    const char* hostname = std::getenv("CUEBOT_HOSTNAME");
    if (hosts && *hosts) {
      std::vector<std::string> parts = absl::StrSplit(hosts, absl::ByAnyChar(", "), absl::SkipEmpty());
      if (!parts.empty()) host = parts.front();
    } else if (hostname && *hostname) {
      host = hostname;
    } else {
      host = "localhost";
    }
  }
  if (host.find(':') == std::string::npos) host += ":8443";
  return host;
}

Client::Client(const std::string& address, int timeout_ms)
    : jobs_(job::JobInterface::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
      timeout_ms_(timeout_ms) {}

#define CUE_CLIENT_CTX(ctx)  \
  grpc::ClientContext ctx; \
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_))

absl::StatusOr<std::vector<std::string>> Client::launchSpec(const std::string& xml) {
  CUE_CLIENT_CTX(ctx);
  job::JobLaunchSpecRequest req;
  req.set_spec(xml);
  job::JobLaunchSpecResponse resp;
  auto st = fromGrpc(jobs_->LaunchSpec(&ctx, req, &resp));
  if (!st.ok()) return st;
  return std::vector<std::string>(resp.names().begin(), resp.names().end());
}

absl::StatusOr<std::vector<job::Job>> Client::getJobsByName(const std::vector<std::string>& names) {
  CUE_CLIENT_CTX(ctx);
  job::JobGetJobsRequest req;
  for (const auto& n : names) req.mutable_r()->add_jobs(n);
  req.mutable_r()->set_include_finished(true);
  job::JobGetJobsResponse resp;
  auto st = fromGrpc(jobs_->GetJobs(&ctx, req, &resp));
  if (!st.ok()) return st;
  return std::vector<job::Job>(resp.jobs().jobs().begin(), resp.jobs().jobs().end());
}

absl::StatusOr<std::vector<job::Frame>> Client::getFrames(const std::string& job_id) {
  CUE_CLIENT_CTX(ctx);
  job::JobGetFramesRequest req;
  req.mutable_job()->set_id(job_id);
  job::JobGetFramesResponse resp;
  auto st = fromGrpc(jobs_->GetFrames(&ctx, req, &resp));
  if (!st.ok()) return st;
  return std::vector<job::Frame>(resp.frames().frames().begin(), resp.frames().frames().end());
}

}  // namespace cue::client
