// The real rqd executable against an in-process fake cuebot: signals, restart, and what a
// killed rqd leaves behind.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "report.grpc.pb.h"
#include "rqd.grpc.pb.h"
#include "rqd/process_tree.h"
#include "rqd/resident.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::TempDir;
using testing::waitFor;

// Accepts everything and keeps it.
class RecordingCuebot final : public ::report::RqdReportInterface::Service {
 public:
  grpc::Status ReportRqdStartup(grpc::ServerContext*,
                                const ::report::RqdReportRqdStartupRequest* req,
                                ::report::RqdReportRqdStartupResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++boots_;
    return grpc::Status::OK;
  }
  grpc::Status ReportStatus(grpc::ServerContext*, const ::report::RqdReportStatusRequest*,
                            ::report::RqdReportStatusResponse*) override {
    return grpc::Status::OK;
  }
  grpc::Status ReportRunningFrameCompletion(
      grpc::ServerContext*, const ::report::RqdReportRunningFrameCompletionRequest* req,
      ::report::RqdReportRunningFrameCompletionResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    completions_.push_back(req->frame_complete_report());
    return grpc::Status::OK;
  }
  int boots() {
    std::lock_guard<std::mutex> lock(mu_);
    return boots_;
  }
  std::optional<::report::FrameCompleteReport> completionOf(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& c : completions_) {
      if (c.frame().frame_id() == id) return c;
    }
    return std::nullopt;
  }

 private:
  std::mutex mu_;
  int boots_ = 0;
  std::vector<::report::FrameCompleteReport> completions_;
};

// One rqd process; stdout comes back through a pipe, stderr goes to a file.
class RqdProcess {
 public:
  RqdProcess(std::vector<std::string> args, const std::string& stderr_path) {
    std::vector<char*> argv;  // built before fork: the child only makes system calls
    argv.push_back(const_cast<char*>(RQD_BIN));
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(err, 2);
      ::execv(RQD_BIN, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~RqdProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }

  // The port of the next "rqd listening on port N" line; 0 on timeout or EOF.
  int nextPort(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        const std::string prefix = "rqd listening on port ";
        int port = 0;
        if (absl::StartsWith(line, prefix) && absl::SimpleAtoi(line.substr(prefix.size()), &port)) {
          return port;
        }
        continue;
      }
      struct pollfd pfd = {out_, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = ::read(out_, buf, sizeof(buf));
      if (n <= 0) return 0;
      buffer_.append(buf, static_cast<size_t>(n));
    }
    return 0;
  }

  // Waits for the process to exit; its wait status, or -1 on timeout.
  int waitExit(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    int status = -1;
    bool done = waitFor(
        [&] {
          pid_t r = ::waitpid(pid_, &status, WNOHANG);
          return r == pid_;
        },
        timeout);
    if (!done) return -1;
    exited_ = true;
    return status;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string buffer_;
};

class RqdBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &cuebot_port_);
    builder.RegisterService(&cuebot_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr);
  }
  void TearDown() override { server_->Shutdown(); }

  std::vector<std::string> args() {
    return {"--cuebot",
            "127.0.0.1:" + std::to_string(cuebot_port_),
            "--port",
            "0",
            "--hostname",
            "binhost",
            "--address",
            "127.0.0.1",
            "--log-root",
            dir_.file("logroot"),
            "--log-roots",
            dir_.path(),
            "--spool-dir",
            dir_.file("spool"),
            "--report-interval",
            "0.2",
            "--sample-interval",
            "0.1",
            "--kill-grace",
            "0.3",
            "--retry-initial",
            "0.05",
            "--retry-max",
            "0.2",
            "--cores",
            "2"};
  }

  std::unique_ptr<::rqd::RqdInterface::Stub> stub(int port) {
    return ::rqd::RqdInterface::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                            grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return c;
  }

  grpc::Status launch(::rqd::RqdInterface::Stub& rqd, const std::string& id,
                      const std::string& command) {
    FrameSpec spec = testing::makeSpec(id, command, dir_.file("logs"));
    ::rqd::RqdStaticLaunchFrameRequest req;
    ::rqd::RunFrame* f = req.mutable_run_frame();
    f->set_frame_id(spec.frame_id);
    f->set_resource_id(spec.resource_id);
    f->set_job_name(spec.job_name);
    f->set_frame_name(spec.frame_name);
    f->set_command(spec.command);
    f->set_log_dir(spec.log_dir);
    f->set_uid(spec.uid);
    f->set_num_cores(100);
    ::rqd::RqdStaticLaunchFrameResponse resp;
    return rqd.LaunchFrame(ctx().get(), req, &resp);
  }

  int framePid(::rqd::RqdInterface::Stub& rqd, const std::string& id) {
    ::rqd::RqdStaticGetRunFrameRequest req;
    req.set_frame_id(id);
    ::rqd::RqdStaticGetRunFrameResponse resp;
    int pid = 0;
    waitFor([&] {
      resp.Clear();
      if (!rqd.GetRunFrame(ctx().get(), req, &resp).ok()) return false;
      pid = resp.run_frame().pid();
      return pid > 0;
    });
    return pid;
  }

  TempDir dir_;
  RecordingCuebot cuebot_;
  std::unique_ptr<grpc::Server> server_;
  int cuebot_port_ = 0;
};

TEST_F(RqdBinaryTest, SigtermKillsFramesReportsThemAndExitsZero) {
  RqdProcess rqd(args(), dir_.file("rqd.err"));
  int port = rqd.nextPort();
  ASSERT_GT(port, 0) << testing::slurp(dir_.file("rqd.err"));
  auto client = stub(port);
  ASSERT_TRUE(launch(*client, "t1", "sleep 1000; true").ok());
  ASSERT_GT(framePid(*client, "t1"), 0);
  ::kill(rqd.pid(), SIGTERM);
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("t1").has_value(); }))
      << testing::slurp(dir_.file("rqd.err"));
  EXPECT_NE(cuebot_.completionOf("t1")->exit_signal(), 0);
  int status = rqd.waitExit();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// rqd re-executes itself once with LD_BIND_NOW (resident.h); what it runs never sees it.
TEST_F(RqdBinaryTest, RunsWithEverySymbolBoundAndFramesDoNotInheritIt) {
  RqdProcess rqd(args(), dir_.file("rqd.err"));
  int port = rqd.nextPort();
  ASSERT_GT(port, 0) << testing::slurp(dir_.file("rqd.err"));
  // The environment rqd was last executed with (unsetenv does not change this copy).
  std::string environ_block = testing::slurp("/proc/" + std::to_string(rqd.pid()) + "/environ");
  EXPECT_NE(environ_block.find(std::string(kBindNowMarker) + "=1"), std::string::npos);
  EXPECT_NE(environ_block.find("LD_BIND_NOW=1"), std::string::npos);
  // Re-executed by its path: still named rqd for ps and pgrep.
  EXPECT_EQ(testing::slurp("/proc/" + std::to_string(rqd.pid()) + "/comm"), "rqd\n");

  auto client = stub(port);
  const std::string out = dir_.file("frame-env.txt");
  ASSERT_TRUE(launch(*client, "env1", "env > " + out).ok());
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("env1").has_value(); }));
  EXPECT_EQ(cuebot_.completionOf("env1")->exit_status(), 0);
  const std::string env = testing::slurp(out);
  EXPECT_NE(env.find("CUE_FRAME="), std::string::npos) << env;
  EXPECT_EQ(env.find("LD_BIND_NOW"), std::string::npos) << env;
  EXPECT_EQ(env.find(kBindNowMarker), std::string::npos) << env;
}

TEST_F(RqdBinaryTest, RestartRqdNowReExecutesWithTheSameArguments) {
  RqdProcess rqd(args(), dir_.file("rqd.err"));
  int port = rqd.nextPort();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(waitFor([&] { return cuebot_.boots() == 1; }));
  ::rqd::RqdStaticRestartNowResponse resp;
  ASSERT_TRUE(stub(port)->RestartRqdNow(ctx().get(), {}, &resp).ok());
  int again = rqd.nextPort();
  ASSERT_GT(again, 0) << testing::slurp(dir_.file("rqd.err"));
  EXPECT_TRUE(waitFor([&] { return cuebot_.boots() == 2; }));
  ::rqd::RqdStaticShutdownNowResponse down;
  ASSERT_TRUE(stub(again)->ShutdownRqdNow(ctx().get(), {}, &down).ok());
  int status = rqd.waitExit();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(RqdBinaryTest, AKilledRqdsFramesDieAndAreReportedAfterRestart) {
  int shell = 0;
  {
    RqdProcess rqd(args(), dir_.file("rqd.err"));
    int port = rqd.nextPort();
    ASSERT_GT(port, 0);
    auto client = stub(port);
    ASSERT_TRUE(launch(*client, "lost1", "sleep 1000; true").ok());
    shell = framePid(*client, "lost1");
    ASSERT_GT(shell, 0);
    ASSERT_TRUE(waitFor([&] {  // the shell's sleep runs
      ProcessTable t = scanProcesses("/proc");
      return frameProcesses(t, {shell, 0}, {}).size() == 2;
    }));
    ::kill(rqd.pid(), SIGKILL);
    rqd.waitExit();
  }
  // PR_SET_PDEATHSIG took the shell down with rqd; its sleep lingers in the session.
  EXPECT_TRUE(waitFor([&] { return processGone("/proc", shell); }));
  RqdProcess restarted(args(), dir_.file("rqd.err"));
  ASSERT_GT(restarted.nextPort(), 0);
  ASSERT_TRUE(waitFor([&] { return cuebot_.completionOf("lost1").has_value(); }))
      << testing::slurp(dir_.file("rqd.err"));
  EXPECT_EQ(cuebot_.completionOf("lost1")->exit_signal(), SIGKILL);
  EXPECT_TRUE(waitFor([&] {
    ProcessTable t = scanProcesses("/proc");
    std::vector<int> left = frameProcesses(t, {shell, 0}, {});
    for (int pid : left) {
      if (!processGone("/proc", pid)) return false;
    }
    return true;
  }));
}

}  // namespace
}  // namespace cue::rqd
