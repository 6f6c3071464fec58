#include "client/client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/rpc_call.h"
#include "cue_log.grpc.pb.h"
#include "cue_scheduler.grpc.pb.h"
#include "job.grpc.pb.h"
#include "wire/status.h"
#include "wire/view_convert.h"

namespace cue::client {

using wire::fromGrpc;
using wire::fromProto;

struct Client::Endpoint {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
};

namespace {
// OpenCue's cuebot.max_message_bytes: a 10,000-frame listing is far below it.
constexpr int kMaxMessageBytes = 100 * 1024 * 1024;
// How long a cuebot may take to accept a connection before the next one is tried.
constexpr int kConnectMs = 5000;
}  // namespace

Client::Client(CuebotConfig config) : config_(std::move(config)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // A cuebot that comes back is found again within seconds (GUIs keep their client).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  for (const auto& host : config_.hosts)
    endpoints_.push_back(
        {host, grpc::CreateCustomChannel(host, grpc::InsecureChannelCredentials(), args)});
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const std::string& Client::address() const { return endpoints_[current_].address; }

namespace {

// Waits until the channel is connected. A refused connection fails at once; a host that does
// not answer at all fails at `deadline`.
bool connected(grpc::Channel& channel, std::chrono::system_clock::time_point deadline) {
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return false;
    if (!channel.WaitForStateChange(state, deadline)) return false;
    state = channel.GetState(true);
  }
  return true;
}

}  // namespace

absl::Status Client::call(const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                                           grpc::ClientContext*)>& rpc) {
  // A call goes to the first cuebot that accepts a connection, and only to it: once sent,
  // its outcome is that cuebot's, so nothing runs twice on two cuebots.
  const auto connect_budget = std::chrono::milliseconds(std::min(config_.timeout_ms, kConnectMs));
  std::vector<std::string> tried;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    size_t at = (current_ + i) % endpoints_.size();
    Endpoint& e = endpoints_[at];
    if (!connected(*e.channel, std::chrono::system_clock::now() + connect_budget)) {
      tried.push_back(e.address);
      continue;
    }
    current_ = at;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(config_.timeout_ms));
    grpc::Status st = rpc(e.channel, &ctx);
    if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      return absl::DeadlineExceededError(absl::StrCat(
          "cuebot at ", e.address, " did not answer within ", config_.timeout_ms / 1000.0, " s"));
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE)
      return absl::UnavailableError(absl::StrCat("cuebot at ", e.address, " dropped the call (",
                                                 st.error_message(), "); try again"));
    return fromGrpc(st);
  }
  return absl::UnavailableError(absl::StrCat(
      "no cuebot answered at ", absl::StrJoin(tried, ", "),
      "; start cuebot, or point -server or CUEBOT_HOSTS at one"));
}

absl::StatusOr<Client> connect(const ClientOptions& options) {
  auto config = resolveCuebots(options, Env::system());
  if (!config.ok()) return config.status();
  return Client(std::move(*config));
}

// ---- AsyncClient ----

AsyncClient::AsyncClient(Client client)
    : client_(std::move(client)), worker_([this] { run(); }) {}

AsyncClient::~AsyncClient() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  worker_.join();
}

void AsyncClient::post(std::function<void(Client&)> work) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
}

void AsyncClient::dropQueued() {
  std::lock_guard lock(mu_);
  queue_.clear();
}

void AsyncClient::run() {
  while (true) {
    std::function<void(Client&)> work;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work(client_);
  }
}

// ---- scheduler extension ----

absl::StatusOr<core::WhyView> Client::whyNotRunning(const std::string& job_name) {
  cue::ext::WhyNotRunningRequest req;
  req.set_job_name(job_name);
  cue::ext::WhyNotRunningResponse resp;
  auto st = CUE_RPC(cue::ext::SchedulerInterface, WhyNotRunning, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp);
}

absl::StatusOr<core::FrameLogChunk> Client::readFrameLog(const std::string& job_name,
                                                         const std::string& frame_name,
                                                         int64_t offset, int32_t max_bytes,
                                                         int32_t attempt) {
  cue::ext::ReadFrameLogRequest req;
  req.set_job_name(job_name);
  req.set_frame_name(frame_name);
  req.set_offset(offset);
  req.set_max_bytes(max_bytes);
  req.set_attempt(attempt);
  cue::ext::ReadFrameLogResponse resp;
  auto st = CUE_RPC(cue::ext::FrameLogInterface, ReadFrameLog, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp);
}

}  // namespace cue::client
