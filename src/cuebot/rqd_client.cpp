#include "cuebot/rqd_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "wire/status.h"

namespace cue::cuebot {
namespace {

absl::Status fromGrpc(const grpc::Status& s, const std::string& address) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("rqd ", address, ": ", s.error_message()));
}

// The answer for frame j of n in a LaunchFrames: the call's status when it failed as a
// whole, else the frame's own result.
absl::Status launchResult(const grpc::Status& st, const ext::LaunchFramesResponse& resp, size_t j,
                          size_t n, const std::string& address) {
  if (!st.ok()) return fromGrpc(st, address);
  if (resp.results_size() != static_cast<int>(n))
    return absl::InternalError(absl::StrCat("rqd ", address, ": LaunchFrames answered ",
                                            resp.results_size(), " results for ", n, " frames"));
  const absl::Status s = wire::fromResult(resp.results(static_cast<int>(j)));
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat("rqd ", address, ": ", s.message()));
}

}  // namespace

RqdClient::Connection& RqdClient::connection(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& c = connections_[address];
  if (!c.rqd) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
    auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    c.rqd = rqd::RqdInterface::NewStub(channel);
    c.launch = ext::RqdLaunchInterface::NewStub(channel);
    c.log = ext::RqdLogInterface::NewStub(channel);
  }
  return c;
}

absl::Status RqdClient::launchFrame(const std::string& address, const rqd::RunFrame& frame) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  rqd::RqdStaticLaunchFrameRequest req;
  *req.mutable_run_frame() = frame;
  rqd::RqdStaticLaunchFrameResponse resp;
  return fromGrpc(stub(address).LaunchFrame(&ctx, req, &resp), address);
}

RqdClient::~RqdClient() {
  std::unique_lock<std::mutex> lock(rounds_mu_);
  rounds_cv_.wait(lock, [this] { return rounds_ == 0; });
}

void RqdClient::roundEnded() {
  // Notified under the lock: the destructor cannot free the condition variable before.
  std::lock_guard<std::mutex> lock(rounds_mu_);
  if (--rounds_ == 0) rounds_cv_.notify_all();
}

// Everything a round of launches uses, alive until its last answer.
struct RqdClient::Round {
  // Counts the round in its client's rounds_ while it lives. First, so that it goes last,
  // once every request (and the channel it holds) is gone.
  struct Counted {
    explicit Counted(RqdClient* c) : client(c) {
      std::lock_guard<std::mutex> lock(c->rounds_mu_);
      ++c->rounds_;
    }
    ~Counted() { client->roundEnded(); }
    Counted(const Counted&) = delete;
    Counted& operator=(const Counted&) = delete;
    RqdClient* client;
  };
  explicit Round(RqdClient* c) : counted(c) {}
  Counted counted;
  std::vector<LaunchCall> calls;
  std::vector<absl::Status> out;
  std::vector<std::unique_ptr<Request>> requests;
  std::atomic<size_t> left{0};  // requests not answered yet
  LaunchDone done;
};

// One request on the wire: a LaunchFrames of several calls, or a LaunchFrame of one.
struct RqdClient::Request {
  std::vector<size_t> calls;  // indices into the round's calls
  grpc::ClientContext ctx;
  ext::LaunchFramesRequest batch;
  ext::LaunchFramesResponse batch_resp;
  rqd::RqdStaticLaunchFrameRequest one;
  rqd::RqdStaticLaunchFrameResponse one_resp;
  std::vector<std::unique_ptr<Request>> again;  // its calls one by one, after UNIMPLEMENTED
};

bool RqdClient::launchesOneByOne(const std::string& address) {
  Connection& c = connection(address);
  std::lock_guard<std::mutex> lock(mu_);
  return c.one_by_one;
}

void RqdClient::markOneByOne(const std::string& address) {
  Connection& c = connection(address);
  std::lock_guard<std::mutex> lock(mu_);
  c.one_by_one = true;
}

std::vector<std::vector<size_t>> RqdClient::groupLaunches(const std::vector<LaunchCall>& calls) {
  std::vector<std::vector<size_t>> groups;
  std::vector<size_t> bytes;  // per group
  // The group that still takes frames for each (address, host).
  std::map<std::pair<std::string_view, std::string_view>, size_t> open;
  std::map<std::string_view, bool> one_by_one;
  for (size_t i = 0; i < calls.size(); ++i) {
    const LaunchCall& c = calls[i];
    auto [known, fresh_address] = one_by_one.try_emplace(c.address, false);
    if (fresh_address) known->second = launchesOneByOne(c.address);
    const size_t size = c.frame.ByteSizeLong();
    if (!c.host.empty() && !known->second) {
      auto [it, fresh] = open.try_emplace({c.address, c.host}, groups.size());
      if (!fresh) {
        if (groups[it->second].size() < kMaxBatchFrames &&
            bytes[it->second] + size <= kMaxBatchBytes) {
          groups[it->second].push_back(i);
          bytes[it->second] += size;
          continue;
        }
        it->second = groups.size();
      }
    }
    groups.push_back({i});
    bytes.push_back(size);
  }
  return groups;
}

void RqdClient::launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done) {
  if (calls.empty()) {
    done({});
    return;
  }
  auto groups = groupLaunches(calls);
  auto round = std::make_shared<Round>(this);
  round->calls = std::move(calls);
  round->out.resize(round->calls.size());
  round->done = std::move(done);
  round->left = groups.size();  // before the first answer can come
  for (auto& g : groups)
    round->requests.emplace_back(std::make_unique<Request>())->calls = std::move(g);
  for (auto& request : round->requests) send(round, *request);
}

std::vector<absl::Status> RqdClient::launchFrames(std::vector<LaunchCall>& calls) {
  std::vector<absl::Status> out(calls.size());
  const auto groups = groupLaunches(calls);
  // kLaunchWindow requests at a time, each window a round of its own.
  for (size_t start = 0; start < groups.size(); start += kLaunchWindow) {
    const size_t end = std::min(groups.size(), start + kLaunchWindow);
    std::vector<size_t> index;  // the window's calls, in order
    for (size_t g = start; g < end; ++g)
      index.insert(index.end(), groups[g].begin(), groups[g].end());
    std::vector<LaunchCall> part;
    part.reserve(index.size());
    for (size_t i : index) part.push_back(std::move(calls[i]));
    std::mutex mu;
    std::condition_variable cv;
    bool finished = false;
    launchFramesAsync(std::move(part), [&](std::vector<absl::Status> answers) {
      // Notified under the lock: the waiter cannot leave (and free mu and cv) before it
      // is released.
      std::lock_guard<std::mutex> lock(mu);
      for (size_t k = 0; k < index.size(); ++k) out[index[k]] = std::move(answers[k]);
      finished = true;
      cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return finished; });
  }
  return out;
}

void RqdClient::answered(const std::shared_ptr<Round>& round) {
  if (round->left.fetch_sub(1) == 1) round->done(std::move(round->out));
}

void RqdClient::sendOne(const std::shared_ptr<Round>& round, Request& request, size_t call) {
  request.ctx.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::milliseconds(timeout_ms_));
  LaunchCall& c = round->calls[call];
  request.one.mutable_run_frame()->Swap(&c.frame);
  stub(c.address).async()->LaunchFrame(
      &request.ctx, &request.one, &request.one_resp, [this, round, call](const grpc::Status& st) {
        round->out[call] = fromGrpc(st, round->calls[call].address);
        answered(round);
      });
}

void RqdClient::send(const std::shared_ptr<Round>& round, Request& request) {
  if (request.calls.size() == 1) return sendOne(round, request, request.calls.front());
  request.ctx.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::milliseconds(timeout_ms_));
  for (size_t i : request.calls) request.batch.add_run_frames()->Swap(&round->calls[i].frame);
  const std::string& address = round->calls[request.calls.front()].address;
  connection(address).launch->async()->LaunchFrames(
      &request.ctx, &request.batch, &request.batch_resp,
      [this, round, &request, &address](const grpc::Status& st) {
        const size_t n = request.calls.size();
        if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
          // Not Cue's rqd: nothing was launched. Each frame again in a LaunchFrame of its
          // own, and every later launch to it so.
          markOneByOne(address);
          round->left += n;  // before this request's own answer
          for (size_t j = 0; j < n; ++j) {
            request.again.emplace_back(std::make_unique<Request>())->calls = {request.calls[j]};
            round->calls[request.calls[j]].frame.Swap(
                request.batch.mutable_run_frames(static_cast<int>(j)));
          }
          for (auto& one : request.again) sendOne(round, *one, one->calls.front());
        } else {
          for (size_t j = 0; j < n; ++j)
            round->out[request.calls[j]] = launchResult(st, request.batch_resp, j, n, address);
        }
        answered(round);
      });
}

std::vector<absl::Status> RqdClient::launchEach(std::vector<LaunchCall>& calls) {
  std::vector<absl::Status> out;
  out.reserve(calls.size());
  for (const auto& c : calls) out.push_back(launchFrame(c.address, c.frame));
  return out;
}

absl::Status RqdClient::killFrame(const std::string& address, const std::string& frame_id,
                                  const std::string& message) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  rqd::RqdStaticKillRunningFrameRequest req;
  req.set_frame_id(frame_id);
  req.set_message(message);
  rqd::RqdStaticKillRunningFrameResponse resp;
  return fromGrpc(stub(address).KillRunningFrame(&ctx, req, &resp), address);
}

absl::Status RqdClient::rebootNow(const std::string& address) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  rqd::RqdStaticRebootNowRequest req;
  rqd::RqdStaticRebootNowResponse resp;
  return fromGrpc(stub(address).RebootNow(&ctx, req, &resp), address);
}

absl::Status RqdClient::rebootIdle(const std::string& address) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  rqd::RqdStaticRebootIdleRequest req;
  rqd::RqdStaticRebootIdleResponse resp;
  return fromGrpc(stub(address).RebootIdle(&ctx, req, &resp), address);
}

absl::Status RqdClient::readLog(const std::string& address, const ext::RqdReadLogRequest& req,
                                ext::RqdReadLogResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  return fromGrpc(connection(address).log->ReadLog(&ctx, req, resp), address);
}

}  // namespace cue::cuebot
