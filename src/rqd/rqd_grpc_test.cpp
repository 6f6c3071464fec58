// A whole rqd (Daemon) in-process against a fake cuebot: a small RqdReportInterface server
// in this test. Everything on loopback with ports chosen by the kernel.
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>

#include "cue_launch.grpc.pb.h"
#include "cue_report.grpc.pb.h"
#include "gtest/gtest.h"
#include "report.grpc.pb.h"
#include "rqd.grpc.pb.h"
#include "rqd/daemon.h"
#include "rqd/reporter.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::TempDir;
using testing::waitFor;

// Records what rqd reports. Can answer the next N completions with a chosen error.
class FakeCuebot final : public ::report::RqdReportInterface::Service {
 public:
  grpc::Status ReportRqdStartup(grpc::ServerContext*,
                                const ::report::RqdReportRqdStartupRequest* req,
                                ::report::RqdReportRqdStartupResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    boots_.push_back(req->boot_report());
    completions_at_boot_.push_back(static_cast<int>(completions_.size()));
    return grpc::Status::OK;
  }
  grpc::Status ReportStatus(grpc::ServerContext*, const ::report::RqdReportStatusRequest* req,
                            ::report::RqdReportStatusResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_.push_back(req->host_report());
    return grpc::Status::OK;
  }
  grpc::Status ReportRunningFrameCompletion(
      grpc::ServerContext*, const ::report::RqdReportRunningFrameCompletionRequest* req,
      ::report::RqdReportRunningFrameCompletionResponse*) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++completion_calls_;
    if (hang_completions_ > 0) {  // takes the call and never answers (until released)
      --hang_completions_;
      released_cv_.wait(lock, [this] { return released_; });
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake cuebot released");
    }
    if (fail_completions_ > 0) {
      --fail_completions_;
      return grpc::Status(fail_code_, "fake cuebot says no");
    }
    completions_.push_back(req->frame_complete_report());
    return grpc::Status::OK;
  }

  // A completion taken through Cue's ReportRunningFrameCompletions.
  void take(const ::report::FrameCompleteReport& report) {
    std::lock_guard<std::mutex> lock(mu_);
    completions_.push_back(report);
  }
  void failNextCompletions(int n, grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_completions_ = n;
    fail_code_ = code;
  }
  void hangNextCompletions(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    hang_completions_ = n;
  }
  // Lets the calls hangNextCompletions holds return.
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    released_cv_.notify_all();
  }
  // For each boot report, how many completions had been accepted before it.
  std::vector<int> completionsAtBoot() {
    std::lock_guard<std::mutex> lock(mu_);
    return completions_at_boot_;
  }
  std::vector<::report::BootReport> boots() {
    std::lock_guard<std::mutex> lock(mu_);
    return boots_;
  }
  std::vector<::report::HostReport> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }
  std::vector<::report::FrameCompleteReport> completions() {
    std::lock_guard<std::mutex> lock(mu_);
    return completions_;
  }
  int completionCalls() {
    std::lock_guard<std::mutex> lock(mu_);
    return completion_calls_;
  }
  // The completion of `frame_id`, if received.
  std::optional<::report::FrameCompleteReport> completionOf(const std::string& frame_id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& c : completions_) {
      if (c.frame().frame_id() == frame_id) return c;
    }
    return std::nullopt;
  }
  // True when some status report listed `frame_id` as running.
  bool statusShowed(const std::string& frame_id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : statuses_) {
      for (const auto& f : s.frames()) {
        if (f.frame_id() == frame_id) return true;
      }
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<::report::BootReport> boots_;
  std::vector<int> completions_at_boot_;
  std::vector<::report::HostReport> statuses_;
  std::vector<::report::FrameCompleteReport> completions_;
  int completion_calls_ = 0;
  int fail_completions_ = 0;
  int hang_completions_ = 0;
  bool released_ = false;
  std::condition_variable released_cv_;
  grpc::StatusCode fail_code_ = grpc::StatusCode::UNAVAILABLE;
};

// Cue's ReportRunningFrameCompletions on the fake cuebot: UNIMPLEMENTED (as OpenCue's
// Cuebot) unless a test turns it on; records how many completions each call carried.
class FakeCuebotTogether final : public ::cue::ext::ReportInterface::Service {
 public:
  explicit FakeCuebotTogether(FakeCuebot& cuebot) : cuebot_(cuebot) {}
  grpc::Status ReportRunningFrameCompletions(
      grpc::ServerContext*, const ::cue::ext::RunningFrameCompletionsRequest* req,
      ::cue::ext::RunningFrameCompletionsResponse* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!on_) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not served here");
    sizes_.push_back(req->frame_complete_reports_size());
    for (const auto& c : req->frame_complete_reports()) {
      cuebot_.take(c);
      resp->add_results();
    }
    return grpc::Status::OK;
  }
  void turnOn() {
    std::lock_guard<std::mutex> lock(mu_);
    on_ = true;
  }
  std::vector<int> sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return sizes_;
  }

 private:
  FakeCuebot& cuebot_;
  std::mutex mu_;
  bool on_ = false;
  std::vector<int> sizes_;
};

class RqdGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &cuebot_port_);
    // No server-side deadlines: a call the fake holds ends only by rqd's own deadline.
    builder.AddChannelArgument(GRPC_ARG_MINIMAL_STACK, 1);
    builder.RegisterService(&cuebot_);
    builder.RegisterService(&together_);
    cuebot_server_ = builder.BuildAndStart();
    ASSERT_TRUE(cuebot_server_ != nullptr);
    ASSERT_GT(cuebot_port_, 0);
  }
  void TearDown() override {
    daemon_.reset();
    cuebot_.release();
    cuebot_server_->Shutdown();
  }

  RqdConfig config(const std::string& hostname) {
    RqdConfig c;
    c.cuebots = {"127.0.0.1:" + std::to_string(cuebot_port_)};
    c.port = 0;
    c.hostname = hostname;
    c.address = "127.0.0.1";
    c.log_root = dir_.file("logroot");
    c.log_roots = {dir_.path()};
    c.spool_dir = dir_.file("spool-" + hostname);
    c.report_interval_s = 0.2;
    c.sample_interval_s = 0.1;
    c.kill_grace_s = 0.3;
    c.rpc_timeout_s = 2;
    c.retry_initial_s = 0.05;
    c.retry_max_s = 0.2;
    c.cores = 4;
    c.memory_mb = 8192;
    c.no_gpu = true;  // the same report on hosts with and without GPUs
    return c;
  }

  void startDaemon(const std::string& hostname) { startDaemonWith(config(hostname)); }
  void startDaemonWith(const RqdConfig& c) {
    daemon_ = std::make_unique<Daemon>(c);
    absl::Status s = daemon_->start();
    ASSERT_TRUE(s.ok()) << s;
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon_->port()),
                                   grpc::InsecureChannelCredentials());
    rqd_ = ::rqd::RqdInterface::NewStub(channel_);
    frames_ = ::rqd::RunningFrame::NewStub(channel_);
  }

  ::rqd::RunFrame runFrame(const std::string& id, const std::string& command) {
    FrameSpec spec = testing::makeSpec(id, command, dir_.file("logs"));
    spec.frame_name = "000" + std::to_string(++frame_counter_) + "-render";
    ::rqd::RunFrame f;
    f.set_frame_id(spec.frame_id);
    f.set_resource_id(spec.resource_id);
    f.set_job_id(spec.job_id);
    f.set_job_name(spec.job_name);
    f.set_frame_name(spec.frame_name);
    f.set_layer_id(spec.layer_id);
    f.set_command(spec.command);
    f.set_user_name(spec.user_name);
    f.set_log_dir(spec.log_dir);
    f.set_uid(spec.uid);
    f.set_num_cores(100);
    f.set_start_time(spec.start_time);
    (*f.mutable_environment())["CUE_JOB"] = spec.job_name;
    return f;
  }

  // Cue's LaunchFrames with `frames`; `resp` gets the results.
  grpc::Status launchAll(const std::vector<::rqd::RunFrame>& frames,
                         ::cue::ext::LaunchFramesResponse* resp) {
    ::cue::ext::LaunchFramesRequest req;
    for (const auto& f : frames) *req.add_run_frames() = f;
    return ::cue::ext::RqdLaunchInterface::NewStub(channel_)->LaunchFrames(ctx().get(), req, resp);
  }

  grpc::Status launch(const ::rqd::RunFrame& f) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ::rqd::RqdStaticLaunchFrameRequest req;
    *req.mutable_run_frame() = f;
    ::rqd::RqdStaticLaunchFrameResponse resp;
    return rqd_->LaunchFrame(&ctx, req, &resp);
  }

  std::unique_ptr<grpc::ClientContext> ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return c;
  }

  TempDir dir_;
  TempDir gate_;
  FakeCuebot cuebot_;
  FakeCuebotTogether together_{cuebot_};
  std::unique_ptr<grpc::Server> cuebot_server_;
  int cuebot_port_ = 0;
  std::unique_ptr<Daemon> daemon_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::rqd::RqdInterface::Stub> rqd_;
  std::unique_ptr<::rqd::RunningFrame::Stub> frames_;
  int frame_counter_ = 0;
};

TEST_F(RqdGrpcTest, CommandsFromAnAddressThatIsNoCuebotAreRefused) {
  RqdConfig c = config("fakehost-guarded");
  // A cuebot elsewhere (TEST-NET-1, never reached): this test calls from 127.0.0.1, and
  // loopback callers are accepted only when a cuebot is on this machine.
  c.cuebots = {"192.0.2.1:" + std::to_string(cuebot_port_)};
  startDaemonWith(c);
  grpc::Status s = launch(runFrame("guarded1", "touch " + dir_.file("ran")));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_NE(s.error_message().find("LaunchFrame from 127.0.0.1 refused"), std::string::npos)
      << s.error_message();
  ::rqd::RqdStaticLockAllRequest lreq;
  ::rqd::RqdStaticLockAllResponse lresp;
  EXPECT_EQ(rqd_->LockAll(ctx().get(), lreq, &lresp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ::cue::ext::LaunchFramesResponse many;
  s = launchAll({runFrame("guarded2", "touch " + dir_.file("ran")),
                 runFrame("guarded3", "touch " + dir_.file("ran"))},
                &many);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(many.results_size(), 0);
  // Reads stay open: the status report still answers.
  ::rqd::RqdStaticReportStatusRequest rreq;
  ::rqd::RqdStaticReportStatusResponse rresp;
  EXPECT_TRUE(rqd_->ReportStatus(ctx().get(), rreq, &rresp).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.file("logs")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("ran")));
}

TEST_F(RqdGrpcTest, BootsReportsRunsFramesAndRetriesCompletions) {
  startDaemon("fakehost-a");
  const std::string port = std::to_string(daemon_->port());

  // 1. The boot report describes the host and how to reach rqd.
  ASSERT_TRUE(waitFor([&] { return !cuebot_.boots().empty(); }));
  ::report::BootReport boot = cuebot_.boots()[0];
  EXPECT_EQ(boot.host().name(), "fakehost-a");
  EXPECT_EQ(boot.host().attributes().at("rqd_address"), "127.0.0.1:" + port);
  EXPECT_EQ(boot.host().attributes().at("rqd_port"), port);
  EXPECT_EQ(boot.host().facility(), "local");
  EXPECT_EQ(boot.host().state(), ::host::HardwareState::UP);
  EXPECT_EQ(boot.host().total_mem(), 8192 * 1024);
  EXPECT_EQ(boot.host().tags_size(), 1);
  EXPECT_EQ(boot.core_info().total_cores(), 400);
  EXPECT_EQ(boot.core_info().idle_cores(), 400);
  ASSERT_TRUE(waitFor([&] { return cuebot_.statuses().size() >= 2; }));

  // 2. A frame that waits for the test: status reports show it running.
  cuebot_.failNextCompletions(1);  // cuebot "down" for the first attempt
  std::string gate = gate_.file("go");
  ASSERT_TRUE(
      launch(runFrame("g1", "echo hi; while [ ! -f " + gate + " ]; do sleep 0.05; done; exit 3"))
          .ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.statusShowed("g1"); }));

  // 3. RPCs about it.
  ::rqd::RqdStaticGetRunningFrameStatusRequest sreq;
  sreq.set_frame_id("g1");
  ::rqd::RqdStaticGetRunningFrameStatusResponse sresp;
  ASSERT_TRUE(rqd_->GetRunningFrameStatus(ctx().get(), sreq, &sresp).ok());
  EXPECT_EQ(sresp.running_frame_info().frame_id(), "g1");
  EXPECT_EQ(sresp.running_frame_info().resource_id(), "proc-g1");
  EXPECT_EQ(sresp.running_frame_info().num_cores(), 100);
  sreq.set_frame_id("nope");
  EXPECT_EQ(rqd_->GetRunningFrameStatus(ctx().get(), sreq, &sresp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ::rqd::RqdStaticGetRunFrameRequest rfreq;
  rfreq.set_frame_id("g1");
  ::rqd::RqdStaticGetRunFrameResponse rfresp;
  // The frame is accepted before its process exists: its pid shows up once it started.
  EXPECT_TRUE(waitFor([&] {
    return rqd_->GetRunFrame(ctx().get(), rfreq, &rfresp).ok() && rfresp.run_frame().pid() > 0;
  }));
  EXPECT_EQ(rfresp.run_frame().log_dir_file(),
            dir_.file("logs/testshow-shot01-alice_render.0001-render.rqlog"));
  EXPECT_EQ(launch(runFrame("g1", "true")).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  ::rqd::RqdStaticReportStatusResponse rs;
  ASSERT_TRUE(rqd_->ReportStatus(ctx().get(), {}, &rs).ok());
  EXPECT_EQ(rs.host_report().host().name(), "fakehost-a");
  EXPECT_EQ(rs.host_report().core_info().booked_cores(), 100);
  EXPECT_EQ(rs.host_report().frames_size(), 1);

  // 4. It ends: the completion is retried after UNAVAILABLE and arrives.
  ASSERT_TRUE(writeFileAtomic(gate, "").ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("g1").has_value(); }));
  ::report::FrameCompleteReport done = *cuebot_.completionOf("g1");
  EXPECT_EQ(done.exit_status(), 3);
  EXPECT_EQ(done.exit_signal(), 0);
  EXPECT_EQ(done.host().name(), "fakehost-a");
  EXPECT_EQ(done.frame().resource_id(), "proc-g1");
  EXPECT_EQ(done.frame().job_name(), "testshow-shot01-alice_render");
  EXPECT_EQ(cuebot_.completionCalls(), 2);
  EXPECT_TRUE(waitFor([&] { return daemon_->reporter().pendingCompletions() == 0; }));
}

// Cue's LaunchFrames: each frame launched or refused as LaunchFrame would, one result each,
// in order; a refused frame does not stop the others.
TEST_F(RqdGrpcTest, LaunchFramesLaunchesEachFrameAndAnswersForEach) {
  startDaemon("fakehost-many");
  ::rqd::RunFrame bad = runFrame("m2", "touch " + dir_.file("m2-ran"));
  bad.set_frame_name("../0002-render");
  ::cue::ext::LaunchFramesResponse resp;
  const std::string gate = gate_.file("go");  // m1 runs until the test is done with it
  grpc::Status s = launchAll({runFrame("m1", "touch " + dir_.file("m1-ran") + "; while [ ! -f " +
                                                 gate + " ]; do sleep 0.05; done"),
                              bad, runFrame("m3", "touch " + dir_.file("m3-ran")),
                              runFrame("m1", "touch " + dir_.file("m1-again"))},
                             &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.results_size(), 4);
  EXPECT_EQ(resp.results(0).code(), 0) << resp.results(0).message();
  EXPECT_EQ(resp.results(1).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(resp.results(1).message().find(".."), std::string::npos) << resp.results(1).message();
  EXPECT_EQ(resp.results(2).code(), 0) << resp.results(2).message();
  EXPECT_EQ(resp.results(3).code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  ASSERT_TRUE(writeFileAtomic(gate, "").ok());
  ASSERT_TRUE(waitFor([&] {
    return cuebot_.completionOf("m1").has_value() && cuebot_.completionOf("m3").has_value();
  }));
  EXPECT_EQ(cuebot_.completionOf("m1")->exit_status(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("m1-ran")));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("m3-ran")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("m2-ran")));
  EXPECT_FALSE(cuebot_.completionOf("m2").has_value());
}

// Completions that wait together go to a cuebot that takes them so in one call, each
// delivered once; the others' tests show OpenCue's one call per completion.
TEST_F(RqdGrpcTest, CompletionsWaitingTogetherGoInOneCall) {
  together_.turnOn();
  cuebot_.failNextCompletions(1);  // a completion sent alone first waits for its retry...
  RqdConfig c = config("fakehost-together");
  c.retry_initial_s = 1;  // ...long enough for the other frames to end meanwhile
  c.retry_max_s = 1;
  startDaemonWith(c);
  const std::string gate = gate_.file("go");
  const std::string wait = "while [ ! -f " + gate + " ]; do sleep 0.05; done";
  for (const char* id : {"t1", "t2", "t3"}) ASSERT_TRUE(launch(runFrame(id, wait)).ok()) << id;
  ASSERT_TRUE(writeFileAtomic(gate, "").ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completions().size() >= 3; }));
  EXPECT_TRUE(waitFor([&] { return daemon_->reporter().pendingCompletions() == 0; }));
  std::vector<std::string> ids;
  for (const auto& r : cuebot_.completions()) ids.push_back(r.frame().frame_id());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"t1", "t2", "t3"}));  // each once
  const std::vector<int> sizes = together_.sizes();
  EXPECT_TRUE(std::any_of(sizes.begin(), sizes.end(), [](int n) { return n >= 2; }))
      << "calls of " << ::testing::PrintToString(sizes);
}

// gRPC's 4 MB cap on what rqd receives stays (a minimal gRPC stack would drop it): a huge
// launch is refused before rqd holds it, and runs nothing.
TEST_F(RqdGrpcTest, RefusesALaunchOverFourMegabytes) {
  startDaemon("fakehost-j");
  ::rqd::RunFrame huge = runFrame("big1", "true #" + std::string(5 * 1024 * 1024, 'x'));
  grpc::Status s = launch(huge);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_TRUE(daemon_->core().frames().empty());
}

TEST_F(RqdGrpcTest, RefusesRootAndRebootAndKillsOverRunningFrameService) {
  startDaemon("fakehost-b");
  ::rqd::RunFrame root = runFrame("r1", "true");
  root.set_uid(0);
  grpc::Status s = launch(root);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "refusing to run frame " + root.frame_name() + " as root (uid 0)");

  ::rqd::RqdStaticRebootNowResponse reboot;
  s = rqd_->RebootNow(ctx().get(), {}, &reboot);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(s.error_message().find("RebootNow"), std::string::npos);

  ::rqd::RunFrame f = runFrame("k1", "sleep 1000");
  ASSERT_TRUE(launch(f).ok());
  ::rqd::RunningFrameStatusRequest st;
  *st.mutable_run_frame() = f;
  ::rqd::RunningFrameStatusResponse stresp;
  ASSERT_TRUE(waitFor([&] { return frames_->Status(ctx().get(), st, &stresp).ok(); }));
  ::rqd::RunningFrameKillRequest kill;
  *kill.mutable_run_frame() = f;
  kill.set_message("user asked");
  ::rqd::RunningFrameKillResponse kresp;
  ASSERT_TRUE(frames_->Kill(ctx().get(), kill, &kresp).ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("k1").has_value(); }));
  EXPECT_NE(cuebot_.completionOf("k1")->exit_signal(), 0);

  // Lock all cores: launches are refused until unlocked.
  ::rqd::RqdStaticLockAllResponse lresp;
  ASSERT_TRUE(rqd_->LockAll(ctx().get(), {}, &lresp).ok());
  EXPECT_EQ(launch(runFrame("l1", "true")).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ::rqd::RqdStaticUnlockAllResponse uresp;
  ASSERT_TRUE(rqd_->UnlockAll(ctx().get(), {}, &uresp).ok());
  EXPECT_TRUE(launch(runFrame("l1", "true")).ok());

  // ShutdownRqdIdle: rqd asks to exit once idle.
  ::rqd::RqdStaticShutdownIdleResponse sd;
  ASSERT_TRUE(rqd_->ShutdownRqdIdle(ctx().get(), {}, &sd).ok());
  EXPECT_EQ(daemon_->waitForExit(std::chrono::seconds(20)), ExitAction::kShutdown);
}

TEST_F(RqdGrpcTest, CompletionsSurviveAnRqdRestart) {
  cuebot_.failNextCompletions(1000000);  // cuebot never takes it during the first run
  startDaemon("fakehost-c");
  // Booted before the frame ends: an rqd holding an unacknowledged completion sends it
  // before its boot report, and this one never gets it through.
  ASSERT_TRUE(waitFor([&] { return cuebot_.boots().size() == 1; }));
  ASSERT_TRUE(launch(runFrame("p1", "exit 7")).ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionCalls() >= 2; }));
  EXPECT_EQ(daemon_->reporter().pendingCompletions(), 1u);
  daemon_->stop(std::chrono::milliseconds(0));
  daemon_.reset();

  cuebot_.failNextCompletions(0);
  startDaemon("fakehost-c");  // same spool dir
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("p1").has_value(); }));
  EXPECT_EQ(cuebot_.completionOf("p1")->exit_status(), 7);
  EXPECT_TRUE(waitFor([&] { return daemon_->reporter().pendingCompletions() == 0; }));
  // The spooled completion went before the restarted rqd's boot report, which makes
  // cuebot give up on whatever it thought ran on the host.
  ASSERT_TRUE(waitFor([&] { return cuebot_.boots().size() >= 2; }));
  EXPECT_EQ(cuebot_.completionsAtBoot().back(), 1);
}

TEST_F(RqdGrpcTest, NotFoundFromCuebotAcknowledgesACompletion) {
  cuebot_.failNextCompletions(1, grpc::StatusCode::NOT_FOUND);
  startDaemon("fakehost-d");
  ASSERT_TRUE(launch(runFrame("n1", "true")).ok());
  ASSERT_TRUE(waitFor([&] {
    return cuebot_.completionCalls() == 1 && daemon_->reporter().pendingCompletions() == 0;
  }));
  EXPECT_FALSE(cuebot_.completionOf("n1").has_value());  // never resent
  EXPECT_TRUE(Reporter::acknowledges(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(Reporter::acknowledges(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_FALSE(Reporter::acknowledges(grpc::StatusCode::UNAVAILABLE));
  EXPECT_FALSE(Reporter::acknowledges(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_FALSE(Reporter::acknowledges(grpc::StatusCode::INTERNAL));
}

// Every report carries a deadline that rqd's own channel enforces: a cuebot that takes a
// completion and never answers does not hold it; it goes again and is delivered.
TEST_F(RqdGrpcTest, ACompletionACuebotNeverAnswersGoesAgainAfterItsDeadline) {
  cuebot_.hangNextCompletions(1);
  startDaemon("fakehost-i");  // rpc_timeout_s = 2
  ASSERT_TRUE(launch(runFrame("h1", "true")).ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("h1").has_value(); }));
  EXPECT_EQ(cuebot_.completionCalls(), 2);
  EXPECT_TRUE(waitFor([&] { return daemon_->reporter().pendingCompletions() == 0; }));
}

TEST_F(RqdGrpcTest, TwoRqdsRunSideBySide) {
  startDaemon("fakehost-e");
  Daemon second(config("fakehost-f"));
  ASSERT_TRUE(second.start().ok());
  EXPECT_NE(second.port(), daemon_->port());
  RqdConfig clash = config("fakehost-g");
  clash.port = daemon_->port();
  Daemon third(clash);
  absl::Status s = third.start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  ASSERT_TRUE(waitFor([&] {
    int e = 0, f = 0;
    for (const auto& b : cuebot_.boots()) {
      e += b.host().name() == "fakehost-e";
      f += b.host().name() == "fakehost-f";
    }
    return e == 1 && f == 1;
  }));
  second.stop();
}

// Frames starting and ending (nudgeSoon) share one status report; a lock or NIMBY change
// (nudge) is reported at once.
TEST_F(RqdGrpcTest, FrameChangesShareAStatusReportWhileHostChangesGoAtOnce) {
  Reporter::Options o;
  o.targets = {"127.0.0.1:" + std::to_string(cuebot_port_)};
  o.interval = std::chrono::minutes(10);  // no periodic report within the test
  o.soon = std::chrono::milliseconds(300);
  o.rpc_timeout = std::chrono::seconds(5);
  Reporter reporter(o, [] {
    HostSnapshot s;
    s.host.name = "fakehost-h";
    return s;
  });
  ASSERT_TRUE(reporter.init().ok());
  reporter.start();
  ASSERT_TRUE(waitFor([&] { return cuebot_.statuses().size() == 1; }));  // after the boot

  for (int i = 0; i < 50; ++i) reporter.nudgeSoon();  // 25 frames start and end
  ASSERT_TRUE(waitFor([&] { return cuebot_.statuses().size() >= 2; }));
  reporter.nudge();
  ASSERT_TRUE(waitFor([&] { return cuebot_.statuses().size() >= 3; }));
  EXPECT_EQ(cuebot_.statuses().size(), 3u);  // one for the 50 frame changes, one for nudge()
  reporter.stop();
}

}  // namespace
}  // namespace cue::rqd
