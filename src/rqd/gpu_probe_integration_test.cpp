// NvidiaSmiProbe running a fake `nvidia-smi` (a shell script in a temp dir), and the rqd
// binary reporting the fake's GPUs to an in-process fake cuebot. Runs child processes:
// ctest label `integration` (executable rqd_integration_test).
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "report.grpc.pb.h"
#include "rqd.grpc.pb.h"
#include "rqd/gpu_probe.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::slurp;
using testing::TempDir;
using testing::waitFor;

constexpr MemoryKb kKbPerMib = 1024;

// What a real nvidia-smi prints for the query on a host with two 16 GB GPUs.
constexpr char kTwoGpus[] =
    "0, Tesla V100-SXM2-16GB, 16384, 16000, 535.104.05\n"
    "1, Tesla V100-SXM2-16GB, 16384, 12288, 535.104.05\n";

// Writes an executable /bin/sh script `name` into `dir` running `body`; its path.
std::string writeScript(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.file(name);
  std::string text = "#!/bin/sh\n" + body + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  EXPECT_GE(fd, 0) << path;
  EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  return path;
}

// A fake nvidia-smi that checks it was asked rqd's query, appends a line to `runs` each
// time it runs, and prints `output`.
std::string writeFakeNvidiaSmi(const TempDir& dir, const std::string& output,
                               const std::string& name = "nvidia-smi") {
  return writeScript(dir, name,
                     "echo run >> '" + dir.file("runs") + "'\n" + "if [ \"$1\" != '" +
                         kNvidiaSmiQuery + "' ] || [ \"$2\" != '" + kNvidiaSmiFormat +
                         "' ]; then echo \"bad arguments: $*\"; exit 2; fi\n" + "printf '%s' '" +
                         output + "'");
}

// A fake nvidia-smi that answers rqd's discovery query with `gpus` and its use query with
// `use`, and anything else with an error.
std::string writeFakeNvidiaSmiWithUse(const TempDir& dir, const std::string& gpus,
                                      const std::string& use) {
  return writeScript(dir, "nvidia-smi",
                     std::string("case \"$1 $2\" in\n") + "  '" + kNvidiaSmiQuery + " " +
                         kNvidiaSmiFormat + "') printf '%s' '" + gpus + "' ;;\n" + "  '" +
                         kNvidiaSmiUseQuery + " " + kNvidiaSmiFormat + "') printf '%s' '" + use +
                         "' ;;\n" + "  *) echo \"bad arguments: $*\"; exit 2 ;;\nesac");
}

int runsOf(const TempDir& dir) {
  std::string runs = slurp(dir.file("runs"));
  return static_cast<int>(std::count(runs.begin(), runs.end(), '\n'));
}

NvidiaSmiOptions uncached(const std::string& program) {
  NvidiaSmiOptions o;
  o.program = program;
  o.refresh = std::chrono::milliseconds(0);
  return o;
}

TEST(NvidiaSmiProbeTest, ReadsEachGpusUseFromAFakeNvidiaSmi) {
  TempDir dir;
  NvidiaSmiProbe probe(
      uncached(writeFakeNvidiaSmiWithUse(dir, kTwoGpus, "0, 87, 10240\n1, 3, 512\n")));
  std::vector<GpuUse> use = probe.use();
  ASSERT_EQ(use.size(), 2u);
  EXPECT_EQ(use[0].utilization, 87);
  EXPECT_EQ(use[0].used_mem, 10240 * kKbPerMib);
  EXPECT_EQ(use[1].index, 1);
  EXPECT_EQ(use[1].used_mem, 512 * kKbPerMib);
  EXPECT_EQ(probe.probe().count, 2);
  // A failing nvidia-smi gives no use, not an error.
  NvidiaSmiProbe broken(uncached(writeScript(dir, "broken-smi", "exit 9")));
  EXPECT_TRUE(broken.use().empty());
}

// A failing nvidia-smi (a hung driver makes each run wait its timeout) is not run again at
// every sample: use() waits `refresh` before the next try.
TEST(NvidiaSmiProbeTest, UseIsNotRetriedAtEverySampleAfterAFailure) {
  TempDir dir;
  NvidiaSmiOptions o;
  o.program = writeScript(dir, "nvidia-smi", "echo run >> '" + dir.file("runs") + "'\nexit 9");
  o.refresh = std::chrono::hours(1);
  NvidiaSmiProbe probe(o);
  EXPECT_TRUE(probe.use().empty());
  EXPECT_TRUE(probe.use().empty());
  EXPECT_EQ(runsOf(dir), 1);
}

TEST(NvidiaSmiProbeTest, ReportsTwoGpusFromAFakeNvidiaSmi) {
  TempDir dir;
  NvidiaSmiProbe probe(uncached(writeFakeNvidiaSmi(dir, kTwoGpus)));
  absl::StatusOr<GpuInfo> q = probe.query();
  ASSERT_TRUE(q.ok()) << q.status();
  GpuInfo g = probe.probe();
  EXPECT_EQ(g.count, 2);
  EXPECT_EQ(g.total_mem, 2 * 16384 * kKbPerMib);
  EXPECT_EQ(g.free_mem, (16000 + 12288) * kKbPerMib);
  EXPECT_EQ(g.driver_version, "535.104.05");
  ASSERT_EQ(g.devices.size(), 2u);
  EXPECT_EQ(g.devices[1].model, "Tesla V100-SXM2-16GB");
  EXPECT_EQ(runsOf(dir), 2);
}

TEST(NvidiaSmiProbeTest, FindsABareNameOnTheSearchPath) {
  TempDir dir;
  writeFakeNvidiaSmi(dir, kTwoGpus);
  NvidiaSmiOptions o = uncached("nvidia-smi");
  o.search_path = "/nonexistent-dir::" + dir.path();
  EXPECT_EQ(NvidiaSmiProbe(o).probe().count, 2);
}

TEST(NvidiaSmiProbeTest, NoNvidiaSmiMeansNoGpus) {
  TempDir dir;
  NvidiaSmiOptions on_path = uncached("nvidia-smi");
  on_path.search_path = dir.path();  // empty dir
  NvidiaSmiProbe by_name(on_path);
  EXPECT_EQ(by_name.query().status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(by_name.probe().count, 0);

  NvidiaSmiProbe by_path(uncached(dir.file("absent/nvidia-smi")));
  EXPECT_EQ(by_path.query().status().code(), absl::StatusCode::kNotFound);
  GpuInfo g = by_path.probe();
  EXPECT_EQ(g.count, 0);
  EXPECT_EQ(g.total_mem, 0);
}

TEST(NvidiaSmiProbeTest, AFailingNvidiaSmiMeansNoGpusAndSaysWhy) {
  TempDir dir;
  std::string path = writeScript(dir, "nvidia-smi",
                                 "echo \"NVIDIA-SMI has failed because it couldn't communicate "
                                 "with the NVIDIA driver.\"; exit 9");
  NvidiaSmiProbe probe(uncached(path));
  absl::StatusOr<GpuInfo> q = probe.query();
  EXPECT_EQ(q.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(q.status().message(),
            path +
                " exited with code 9: NVIDIA-SMI has failed because it couldn't "
                "communicate with the NVIDIA driver.");
  EXPECT_EQ(probe.probe().count, 0);
}

TEST(NvidiaSmiProbeTest, MalformedOutputMeansNoGpus) {
  TempDir dir;
  NvidiaSmiProbe probe(uncached(writeFakeNvidiaSmi(dir, "0, GPU, 100\n")));
  EXPECT_EQ(probe.query().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(probe.probe().count, 0);
}

// True once `pid` no longer runs (gone, or a zombie nobody has reaped yet).
bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || stat.substr(paren + 2, 1) == "Z";
}

TEST(NvidiaSmiProbeTest, AHangingNvidiaSmiIsKilledWithItsChildrenAtTheTimeout) {
  TempDir dir;
  // Prints part of a line, then waits on a child that keeps stdout open.
  std::string path =
      writeScript(dir, "nvidia-smi",
                  "printf '0, Tesla'\nsleep 60 &\necho $! > '" + dir.file("child") + "'\nwait");
  NvidiaSmiOptions o = uncached(path);
  o.timeout = std::chrono::milliseconds(500);
  NvidiaSmiProbe probe(o);
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<GpuInfo> q = probe.query();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(q.status().code(), absl::StatusCode::kDeadlineExceeded) << q.status();
  EXPECT_LT(took, std::chrono::seconds(3));
  int child = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(slurp(dir.file("child"))), &child));
  EXPECT_TRUE(waitFor([&] { return gone(child); }, std::chrono::seconds(5)));
}

TEST(NvidiaSmiProbeTest, ProbeReusesItsResultWithinTheRefreshInterval) {
  TempDir dir;
  NvidiaSmiOptions o;
  o.program = writeFakeNvidiaSmi(dir, kTwoGpus);
  o.refresh = std::chrono::hours(1);
  NvidiaSmiProbe probe(o);
  EXPECT_EQ(probe.probe().count, 2);
  EXPECT_EQ(probe.probe().count, 2);
  EXPECT_EQ(runsOf(dir), 1);
}

// Keeps the boot and status reports rqd sends.
class RecordingCuebot final : public ::report::RqdReportInterface::Service {
 public:
  grpc::Status ReportRqdStartup(grpc::ServerContext*,
                                const ::report::RqdReportRqdStartupRequest* req,
                                ::report::RqdReportRqdStartupResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    boots_.push_back(req->boot_report());
    return grpc::Status::OK;
  }
  grpc::Status ReportStatus(grpc::ServerContext*, const ::report::RqdReportStatusRequest* req,
                            ::report::RqdReportStatusResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_.push_back(req->host_report());
    return grpc::Status::OK;
  }
  grpc::Status ReportRunningFrameCompletion(
      grpc::ServerContext*, const ::report::RqdReportRunningFrameCompletionRequest*,
      ::report::RqdReportRunningFrameCompletionResponse*) override {
    return grpc::Status::OK;
  }
  std::vector<::report::BootReport> boots() {
    std::lock_guard<std::mutex> lock(mu_);
    return boots_;
  }
  std::vector<::report::HostReport> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::vector<::report::BootReport> boots_;
  std::vector<::report::HostReport> statuses_;
};

class RqdBinaryGpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &cuebot_port_);
    builder.RegisterService(&cuebot_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr);
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      bool exited = waitFor([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; });
      if (!exited) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
    }
    server_->Shutdown();
  }

  // Starts rqd with `extra` flags; its stdout and stderr go to <dir>/rqd.log.
  void startRqd(std::vector<std::string> extra) {
    std::vector<std::string> args = {RQD_BIN,
                                     "--cuebot",
                                     "127.0.0.1:" + std::to_string(cuebot_port_),
                                     "--port",
                                     "0",
                                     "--hostname",
                                     "gpuhost",
                                     "--address",
                                     "127.0.0.1",
                                     "--log-root",
                                     dir_.file("logroot"),
                                     "--spool-dir",
                                     dir_.file("spool"),
                                     "--report-interval",
                                     "0.2",
                                     "--cores",
                                     "2",
                                     "--memory-mb",
                                     "4096"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;  // built before fork: the child only makes system calls
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = dir_.file("rqd.log");
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execv(RQD_BIN, argv.data());
      ::_exit(127);
    }
    ASSERT_GT(pid_, 0);
  }

  static bool hasTag(const ::report::RenderHost& host, const std::string& tag) {
    return std::find(host.tags().begin(), host.tags().end(), tag) != host.tags().end();
  }

  TempDir dir_;
  RecordingCuebot cuebot_;
  std::unique_ptr<grpc::Server> server_;
  int cuebot_port_ = 0;
  pid_t pid_ = -1;
};

TEST_F(RqdBinaryGpuTest, RqdReportsTheFakeNvidiaSmisGpusAndTheGpuTag) {
  std::string fake = writeFakeNvidiaSmi(dir_, kTwoGpus);
  startRqd({"--nvidia-smi", fake});
  ASSERT_TRUE(waitFor([&] { return !cuebot_.boots().empty(); })) << slurp(dir_.file("rqd.log"));
  const ::report::RenderHost boot = cuebot_.boots()[0].host();
  EXPECT_EQ(boot.num_gpus(), 2);
  EXPECT_EQ(boot.total_gpu_mem(), 2 * 16384 * kKbPerMib);
  EXPECT_EQ(boot.free_gpu_mem(), (16000 + 12288) * kKbPerMib);
  EXPECT_TRUE(hasTag(boot, "general"));
  EXPECT_TRUE(hasTag(boot, "gpu"));
  ASSERT_TRUE(waitFor([&] { return !cuebot_.statuses().empty(); }));
  const ::report::RenderHost status = cuebot_.statuses()[0].host();
  EXPECT_EQ(status.num_gpus(), 2);
  EXPECT_EQ(status.total_gpu_mem(), 2 * 16384 * kKbPerMib);
  EXPECT_TRUE(hasTag(status, "gpu"));
  EXPECT_TRUE(absl::StrContains(slurp(dir_.file("rqd.log")), "GPUs: 2 GPU(s), driver 535.104.05"))
      << slurp(dir_.file("rqd.log"));
}

// A GPU frame on rqd with a fake nvidia-smi: its status reports carry the memory used on
// its own GPU (GPU 0, the first free one), in KB, as OpenCue's RunningFrameInfo does.
TEST_F(RqdBinaryGpuTest, AGpuFramesGpuMemoryIsReportedWhileItRuns) {
  std::string fake = writeFakeNvidiaSmiWithUse(dir_, kTwoGpus, "0, 87, 10240\n1, 3, 512\n");
  startRqd({"--nvidia-smi", fake, "--sample-interval", "0.2"});
  ASSERT_TRUE(waitFor([&] { return !cuebot_.boots().empty(); })) << slurp(dir_.file("rqd.log"));
  const std::string port = cuebot_.boots()[0].host().attributes().at("rqd_port");
  auto rqd = ::rqd::RqdInterface::NewStub(
      grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials()));
  FrameSpec spec = testing::makeSpec("gpuframe", "exec sleep 600", dir_.file("logroot/job"));
  ::rqd::RqdStaticLaunchFrameRequest req;
  ::rqd::RunFrame* f = req.mutable_run_frame();
  f->set_frame_id(spec.frame_id);
  f->set_job_id(spec.job_id);
  f->set_job_name(spec.job_name);
  f->set_frame_name(spec.frame_name);
  f->set_command(spec.command);
  f->set_log_dir(spec.log_dir);
  f->set_uid(testing::testUid());
  f->set_num_cores(100);
  f->set_num_gpus(1);
  ::rqd::RqdStaticLaunchFrameResponse resp;
  {
    grpc::ClientContext ctx;
    grpc::Status s = rqd->LaunchFrame(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto reported = [&] {
    for (const ::report::HostReport& r : cuebot_.statuses())
      for (const ::report::RunningFrameInfo& info : r.frames())
        if (info.frame_id() == "gpuframe" && info.used_gpu_memory() > 0) return info;
    return ::report::RunningFrameInfo();
  };
  ASSERT_TRUE(waitFor([&] { return reported().used_gpu_memory() > 0; }))
      << slurp(dir_.file("rqd.log"));
  const ::report::RunningFrameInfo info = reported();
  EXPECT_EQ(info.num_gpus(), 1);
  EXPECT_EQ(info.used_gpu_memory(), 10240 * kKbPerMib);
  EXPECT_EQ(info.max_used_gpu_memory(), 10240 * kKbPerMib);
  EXPECT_EQ(info.attributes().at("gpu_utilization"), "87");
  EXPECT_EQ(info.attributes().at("GPU_LIST"), "0");
}

TEST_F(RqdBinaryGpuTest, NoGpuReportsNoGpusWithoutRunningNvidiaSmi) {
  std::string fake = writeFakeNvidiaSmi(dir_, kTwoGpus);
  startRqd({"--nvidia-smi", fake, "--no-gpu"});
  ASSERT_TRUE(waitFor([&] { return !cuebot_.boots().empty(); })) << slurp(dir_.file("rqd.log"));
  const ::report::RenderHost boot = cuebot_.boots()[0].host();
  EXPECT_EQ(boot.num_gpus(), 0);
  EXPECT_EQ(boot.total_gpu_mem(), 0);
  EXPECT_FALSE(hasTag(boot, "gpu"));
  EXPECT_EQ(runsOf(dir_), 0);
}

}  // namespace
}  // namespace cue::rqd
