#include "cuebot/rqd_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>

#include "absl/strings/str_cat.h"

namespace cue::cuebot {
namespace {

absl::Status fromGrpc(const grpc::Status& s, const std::string& address) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("rqd ", address, ": ", s.error_message()));
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

std::vector<absl::Status> RqdClient::launchFrames(std::vector<LaunchCall>& calls) {
  std::vector<absl::Status> out(calls.size());
  struct InFlight {
    grpc::ClientContext ctx;
    rqd::RqdStaticLaunchFrameRequest req;
    rqd::RqdStaticLaunchFrameResponse resp;
  };
  for (size_t start = 0; start < calls.size(); start += kLaunchWindow) {
    const size_t end = std::min(calls.size(), start + kLaunchWindow);
    std::vector<std::unique_ptr<InFlight>> window;
    std::mutex mu;
    std::condition_variable cv;
    size_t answered = 0;
    for (size_t i = start; i < end; ++i) {
      auto& call = *window.emplace_back(std::make_unique<InFlight>());
      call.ctx.set_deadline(std::chrono::system_clock::now() +
                            std::chrono::milliseconds(timeout_ms_));
      call.req.mutable_run_frame()->Swap(&calls[i].frame);
      const std::string& address = calls[i].address;
      stub(address).async()->LaunchFrame(&call.ctx, &call.req, &call.resp,
                                         [&, i](const grpc::Status& st) {
                                           // Notified under the lock: the waiter cannot
                                           // leave (and free mu and cv) before it is released.
                                           std::lock_guard<std::mutex> lock(mu);
                                           out[i] = fromGrpc(st, calls[i].address);
                                           ++answered;
                                           cv.notify_one();
                                         });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return answered == end - start; });
  }
  return out;
}

void RqdClient::launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done) {
  if (calls.empty()) {
    done({});
    return;
  }
  // Everything the calls use lives here until the last answer, whose callback frees it.
  struct Batch {
    struct Call {
      grpc::ClientContext ctx;
      rqd::RqdStaticLaunchFrameRequest req;
      rqd::RqdStaticLaunchFrameResponse resp;
      std::string address;
    };
    std::vector<std::unique_ptr<Call>> calls;
    std::vector<absl::Status> out;
    std::atomic<size_t> left{0};
    LaunchDone done;
  };
  auto batch = std::make_shared<Batch>();
  batch->out.resize(calls.size());
  batch->left = calls.size();
  batch->done = std::move(done);
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_);
  for (auto& c : calls) {
    auto& call = *batch->calls.emplace_back(std::make_unique<Batch::Call>());
    call.ctx.set_deadline(deadline);
    call.req.mutable_run_frame()->Swap(&c.frame);
    call.address = std::move(c.address);
  }
  for (size_t i = 0; i < batch->calls.size(); ++i) {
    Batch::Call& call = *batch->calls[i];
    stub(call.address).async()->LaunchFrame(
        &call.ctx, &call.req, &call.resp, [batch, i](const grpc::Status& st) {
          batch->out[i] = fromGrpc(st, batch->calls[i]->address);
          if (batch->left.fetch_sub(1) == 1) batch->done(std::move(batch->out));
        });
  }
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
