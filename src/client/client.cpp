#include "client/client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/rpc_call.h"
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
}  // namespace

Client::Client(CuebotConfig config) : config_(std::move(config)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  for (const auto& host : config_.hosts)
    endpoints_.push_back(
        {host, grpc::CreateCustomChannel(host, grpc::InsecureChannelCredentials(), args)});
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const std::string& Client::address() const { return endpoints_[current_].address; }

absl::Status Client::call(const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                                           grpc::ClientContext*)>& rpc) {
  std::vector<std::string> tried;
  grpc::Status last;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    size_t at = (current_ + i) % endpoints_.size();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(config_.timeout_ms));
    last = rpc(endpoints_[at].channel, &ctx);
    if (last.error_code() != grpc::StatusCode::UNAVAILABLE) {
      current_ = at;
      if (last.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        return absl::DeadlineExceededError(absl::StrCat(
            "cuebot at ", endpoints_[at].address, " did not answer within ",
            config_.timeout_ms / 1000.0, " s"));
      return fromGrpc(last);
    }
    tried.push_back(endpoints_[at].address);
  }
  return absl::UnavailableError(absl::StrCat(
      "no cuebot answered at ", absl::StrJoin(tried, ", "), " (", last.error_message(),
      "); start cuebot, or point -server or CUEBOT_HOSTS at one"));
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

}  // namespace cue::client
