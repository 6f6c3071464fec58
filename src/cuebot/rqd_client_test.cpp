// RqdClient against real gRPC servers on loopback (ports chosen by the kernel): an rqd
// that serves Cue's LaunchFrames, and one that serves only OpenCue's LaunchFrame.
#include "cuebot/rqd_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "wire/status.h"

namespace cue::cuebot {
namespace {

// What the fake rqd was sent. Frames whose id starts with "bad" are refused.
struct Seen {
  std::mutex mu;
  std::vector<std::string> one_by_one;            // frame ids, by LaunchFrame
  std::vector<std::vector<std::string>> batches;  // frame ids, by LaunchFrames
};

absl::Status judge(const rqd::RunFrame& f) {
  if (absl::StartsWith(f.frame_id(), "bad"))
    return absl::InvalidArgumentError(absl::StrCat("frame ", f.frame_id(), " refused"));
  return absl::OkStatus();
}

class FakeRqd final : public rqd::RqdInterface::Service {
 public:
  explicit FakeRqd(Seen& seen) : seen_(seen) {}
  grpc::Status LaunchFrame(grpc::ServerContext*, const rqd::RqdStaticLaunchFrameRequest* req,
                           rqd::RqdStaticLaunchFrameResponse*) override {
    std::lock_guard<std::mutex> lock(seen_.mu);
    seen_.one_by_one.push_back(req->run_frame().frame_id());
    return wire::toGrpc(judge(req->run_frame()));
  }

 private:
  Seen& seen_;
};

class FakeRqdLaunch final : public ext::RqdLaunchInterface::Service {
 public:
  explicit FakeRqdLaunch(Seen& seen) : seen_(seen) {}
  grpc::Status LaunchFrames(grpc::ServerContext*, const ext::LaunchFramesRequest* req,
                            ext::LaunchFramesResponse* resp) override {
    std::lock_guard<std::mutex> lock(seen_.mu);
    auto& batch = seen_.batches.emplace_back();
    for (const auto& f : req->run_frames()) {
      batch.push_back(f.frame_id());
      wire::toResult(judge(f), resp->add_results());
    }
    return grpc::Status::OK;
  }

 private:
  Seen& seen_;
};

class RqdClientTest : public ::testing::Test {
 protected:
  // An rqd on a free port, with Cue's LaunchFrames or without.
  std::string serve(bool launch_frames) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&rqd_);
    if (launch_frames) builder.RegisterService(&launch_);
    server_ = builder.BuildAndStart();
    EXPECT_TRUE(server_ != nullptr);
    EXPECT_GT(port, 0);
    return absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  static RqdClient::LaunchCall call(const std::string& address, const std::string& host,
                                    const std::string& frame_id) {
    RqdClient::LaunchCall c{address, {}, host};
    c.frame.set_frame_id(frame_id);
    c.frame.set_command("true");
    return c;
  }

  Seen seen_;
  FakeRqd rqd_{seen_};
  FakeRqdLaunch launch_{seen_};
  std::unique_ptr<grpc::Server> server_;
  RqdClient client_{5000};
};

TEST_F(RqdClientTest, FramesForOneHostTravelTogetherAndAreAnsweredEach) {
  const std::string address = serve(true);
  std::vector<RqdClient::LaunchCall> calls = {
      call(address, "hostA", "a1"), call(address, "hostB", "b1"), call(address, "hostA", "bad2"),
      call(address, "hostA", "a3"), call(address, "hostB", "b2"), call(address, "hostC", "c1")};
  std::vector<absl::Status> out = client_.launchFrames(calls);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_TRUE(out[0].ok()) << out[0];
  EXPECT_TRUE(out[1].ok()) << out[1];
  EXPECT_EQ(out[2].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(out[2].message(), "frame bad2 refused")) << out[2];
  EXPECT_TRUE(absl::StrContains(out[2].message(), address)) << out[2];
  EXPECT_TRUE(out[3].ok()) << out[3];
  EXPECT_TRUE(out[4].ok()) << out[4];
  EXPECT_TRUE(out[5].ok()) << out[5];
  std::lock_guard<std::mutex> lock(seen_.mu);
  // hostA's three frames in one request, hostB's two in another, hostC's alone.
  std::vector<std::vector<std::string>> batches = seen_.batches;
  std::sort(batches.begin(), batches.end());
  EXPECT_EQ(batches, (std::vector<std::vector<std::string>>{{"a1", "bad2", "a3"}, {"b1", "b2"}}));
  EXPECT_EQ(seen_.one_by_one, std::vector<std::string>{"c1"});
  EXPECT_FALSE(client_.launchesOneByOne(address));
}

TEST_F(RqdClientTest, AnRqdWithoutLaunchFramesGetsEachFrameOnceByLaunchFrame) {
  const std::string address = serve(false);
  std::vector<RqdClient::LaunchCall> calls = {
      call(address, "hostA", "a1"), call(address, "hostA", "bad2"), call(address, "hostA", "a3")};
  std::vector<absl::Status> out = client_.launchFrames(calls);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].ok()) << out[0];
  EXPECT_EQ(out[1].code(), absl::StatusCode::kInvalidArgument) << out[1];
  EXPECT_TRUE(out[2].ok()) << out[2];
  EXPECT_TRUE(client_.launchesOneByOne(address));
  {
    std::lock_guard<std::mutex> lock(seen_.mu);
    std::vector<std::string> ids = seen_.one_by_one;
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a3", "bad2"}));  // each once, whole
    EXPECT_TRUE(seen_.batches.empty());
  }
  // Later launches to it go one by one at once, here without waiting for the answers.
  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::vector<absl::Status>> answers;
  client_.launchFramesAsync({call(address, "hostA", "a4"), call(address, "hostA", "a5")},
                            [&](std::vector<absl::Status> a) {
                              std::lock_guard<std::mutex> lock(mu);
                              answers = std::move(a);
                              cv.notify_one();
                            });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return answers.has_value(); }));
  ASSERT_EQ(answers->size(), 2u);
  EXPECT_TRUE((*answers)[0].ok() && (*answers)[1].ok());
  std::lock_guard<std::mutex> seen(seen_.mu);
  EXPECT_EQ(seen_.one_by_one.size(), 5u);
}

TEST_F(RqdClientTest, ARequestCarriesAtMostMaxBatchFrames) {
  const std::string address = serve(true);
  std::vector<RqdClient::LaunchCall> calls;
  const size_t n = RqdClient::kMaxBatchFrames + 6;
  for (size_t i = 0; i < n; ++i) calls.push_back(call(address, "big", absl::StrCat("f", i)));
  std::vector<absl::Status> out = client_.launchFrames(calls);
  ASSERT_EQ(out.size(), n);
  for (const auto& s : out) EXPECT_TRUE(s.ok()) << s;
  std::lock_guard<std::mutex> lock(seen_.mu);
  ASSERT_EQ(seen_.batches.size(), 2u);
  std::vector<size_t> sizes = {seen_.batches[0].size(), seen_.batches[1].size()};
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{6, RqdClient::kMaxBatchFrames}));
}

TEST_F(RqdClientTest, AnUnreachableRqdAnswersUnavailableForEveryFrame) {
  // A port nothing listens on: the server's, after it is gone.
  const std::string address = serve(true);
  server_->Shutdown();
  server_.reset();
  std::vector<RqdClient::LaunchCall> calls = {call(address, "hostA", "a1"),
                                              call(address, "hostA", "a2")};
  std::vector<absl::Status> out = client_.launchFrames(calls);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].code(), absl::StatusCode::kUnavailable) << out[0];
  EXPECT_EQ(out[1].code(), absl::StatusCode::kUnavailable) << out[1];
  EXPECT_FALSE(client_.launchesOneByOne(address));
}

TEST_F(RqdClientTest, AClientGoneRightAfterItsAnswersLeavesGrpcWhole) {
  // The last answer wakes the caller while gRPC's thread still holds the round, and with
  // it the channel. A client destroyed then must not leave that thread to free the
  // channel: gRPC would free the completion queue the thread serves, and abort. Many
  // times over, each with a fresh channel to an rqd that is gone (answered at once).
  const std::string address = serve(true);
  server_->Shutdown();
  server_.reset();
  for (int i = 0; i < 30; ++i) {
    RqdClient client(5000);
    std::vector<RqdClient::LaunchCall> calls = {call(address, "hostA", absl::StrCat("a", i)),
                                                call(address, "hostB", absl::StrCat("b", i))};
    std::vector<absl::Status> out = client.launchFrames(calls);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].code(), absl::StatusCode::kUnavailable) << out[0];
    EXPECT_EQ(out[1].code(), absl::StatusCode::kUnavailable) << out[1];
  }
}

}  // namespace
}  // namespace cue::cuebot
