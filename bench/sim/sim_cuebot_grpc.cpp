// A real cuebot process, reached over gRPC; the simulated hosts' rqd interface is one
// gRPC server that routes each call to its host by the RunFrame's "host" attribute.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "cue_launch.grpc.pb.h"
#include "cue_report.grpc.pb.h"
#include "facility.grpc.pb.h"
#include "job.grpc.pb.h"
#include "report.grpc.pb.h"
#include "rqd.grpc.pb.h"
#include "show.grpc.pb.h"
#include "sim_cuebot.h"
#include "wire/status.h"

namespace cue::sim {
namespace {

using wire::fromGrpc;
using wire::toGrpc;

class SimRqdService final : public rqd::RqdInterface::Service {
 public:
  explicit SimRqdService(SimFarm& farm) : farm_(farm) {}
  grpc::Status LaunchFrame(grpc::ServerContext*, const rqd::RqdStaticLaunchFrameRequest* req,
                           rqd::RqdStaticLaunchFrameResponse*) override {
    return toGrpc(farm_.launch(req->run_frame()));
  }
  grpc::Status KillRunningFrame(grpc::ServerContext*,
                                const rqd::RqdStaticKillRunningFrameRequest* req,
                                rqd::RqdStaticKillRunningFrameResponse*) override {
    return toGrpc(farm_.kill(req->frame_id()));
  }

 private:
  SimFarm& farm_;
};

// Cue's rqd extension: a booking's frames for one host in one call.
class SimRqdLaunchService final : public ext::RqdLaunchInterface::Service {
 public:
  explicit SimRqdLaunchService(SimFarm& farm) : farm_(farm) {}
  grpc::Status LaunchFrames(grpc::ServerContext*, const ext::LaunchFramesRequest* req,
                            ext::LaunchFramesResponse* resp) override {
    for (const rqd::RunFrame& frame : req->run_frames()) {
      wire::toResult(farm_.launch(frame), resp->add_results());
    }
    return grpc::Status::OK;
  }

 private:
  SimFarm& farm_;
};

class GrpcCuebot final : public Cuebot {
 public:
  GrpcCuebot(const std::string& bin, CuebotOptions options, SimFarm& farm)
      : bin_(bin), options_(std::move(options)), farm_(farm), service_(farm), launch_(farm) {}
  ~GrpcCuebot() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  absl::Status start() {
    grpc::ServerBuilder builder;
    // The hosts' rqd interface on several ports, each host always on the same one: gRPC
    // serves the streams of one connection one after another, and a farm's launches go
    // over a connection per rqd. On one port, 7,700 launches of the studio's cold fill took
    // 2.0 s (all on cuebot's one channel to it).
    std::vector<int> ports(kRqdPorts, 0);
    for (int& port : ports)
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    // Hosts that speak only OpenCue's protocol answer LaunchFrames with UNIMPLEMENTED.
    if (!options_.opencue_rqd) builder.RegisterService(&launch_);
    // As cuebot: the threads of a burst of launches stay (gRPC keeps 2 by default and
    // starts and ends one per call past them).
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);  // as rqd's server
    // Unlike rqd's server, gRPC's minimal stack: a simulated host needs neither the
    // server's deadline filter nor its 4 MB cap on what it receives (rqd keeps both).
    // Studio cold fill 2.08 s against 2.51 s (medians of 5 pairs).
    builder.AddChannelArgument(GRPC_ARG_MINIMAL_STACK, 1);
    server_ = builder.BuildAndStart();
    if (!server_ || absl::c_linear_search(ports, 0))
      return absl::InternalError("cannot serve the rqd interface");
    farm_.rqd_addresses.clear();
    for (int port : ports) farm_.rqd_addresses.push_back(absl::StrCat("127.0.0.1:", port));

    RETURN_IF_ERROR(spawn("0"));
    grpc::ChannelArguments args_ch;
    args_ch.SetMaxReceiveMessageSize(256 * 1024 * 1024);
    auto ch = grpc::CreateCustomChannel("127.0.0.1:" + port_, grpc::InsecureChannelCredentials(),
                                        args_ch);
    // Hosts report over connections of their own, as a farm's rqds do: gRPC serves the
    // streams of one connection one after another, so one shared connection would make
    // cuebot look as slow as a single connection. kReportConnections of them, each host
    // always on the same one.
    for (int i = 0; i < kReportConnections; ++i) {
      grpc::ChannelArguments own;
      own.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      // As rqd's report channel: no probing, no retry layer, gRPC's minimal stack with
      // deadlines still checked.
      own.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
      own.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
      own.SetInt(GRPC_ARG_MINIMAL_STACK, 1);
      own.SetInt(GRPC_ARG_ENABLE_DEADLINE_CHECKS, 1);
      auto channel =
          grpc::CreateCustomChannel("127.0.0.1:" + port_, grpc::InsecureChannelCredentials(), own);
      reports_.push_back(report::RqdReportInterface::NewStub(channel));
      completions_.push_back(ext::ReportInterface::NewStub(channel));
    }
    jobs_ = job::JobInterface::NewStub(ch);
    shows_ = show::ShowInterface::NewStub(ch);
    allocs_ = facility::AllocationInterface::NewStub(ch);
    return absl::OkStatus();
  }

  absl::Status restart() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    return spawn(port_);  // the same port: the channels reconnect by themselves
  }

  // Starts the cuebot process on `port` and waits until it listens.
  absl::Status spawn(const std::string& port) {
    std::filesystem::create_directories(options_.dir);
    auto port_file = options_.dir / "cuebot.port";
    std::filesystem::remove(port_file);
    std::vector<std::string> args = {bin_,
                                     "--port",
                                     port,
                                     "--bind",
                                     "127.0.0.1",
                                     "--db",
                                     storePath(),
                                     "--log-root",
                                     (options_.dir / "logs").string(),
                                     "--port-file",
                                     port_file.string(),
                                     "--log-level",
                                     options_.log_level,
                                     "--dispatch-threads",
                                     std::to_string(options_.dispatch_threads)};
    for (const auto& a : options_.extra_args) args.push_back(a);
    pid_ = fork();
    if (pid_ == 0) {
      std::string log = (options_.dir / "cuebot.log").string();
      freopen(log.c_str(), "a", stdout);
      dup2(fileno(stdout), 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 12000 && !std::filesystem::exists(port_file); ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::InternalError("cuebot exited at start; see " +
                                   (options_.dir / "cuebot.log").string());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a child's start
    }
    std::string p;
    std::ifstream(port_file) >> p;
    if (p.empty()) return absl::DeadlineExceededError("cuebot did not start");
    port_ = p;
    return absl::OkStatus();
  }

  absl::Status boot(const report::BootReport& r) override {
    grpc::ClientContext ctx;
    // As an rqd keeps trying to boot: a connection that failed once (seen once in dozens of
    // runs, one of the 16) is tried again rather than failing the run.
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    report::RqdReportRqdStartupRequest req;
    *req.mutable_boot_report() = r;
    report::RqdReportRqdStartupResponse resp;
    return fromGrpc(reportsFor(r.host().name()).ReportRqdStartup(&ctx, req, &resp));
  }
  absl::Status status(const report::HostReport& r) override {
    grpc::ClientContext ctx;
    report::RqdReportStatusRequest req;
    *req.mutable_host_report() = r;
    report::RqdReportStatusResponse resp;
    return fromGrpc(reportsFor(r.host().name()).ReportStatus(&ctx, req, &resp));
  }
  absl::Status complete(const report::FrameCompleteReport& r) override {
    grpc::ClientContext ctx;
    report::RqdReportRunningFrameCompletionRequest req;
    *req.mutable_frame_complete_report() = r;
    report::RqdReportRunningFrameCompletionResponse resp;
    return fromGrpc(reportsFor(r.host().name()).ReportRunningFrameCompletion(&ctx, req, &resp));
  }
  std::vector<absl::Status> completeAll(
      const std::vector<report::FrameCompleteReport>& reports) override {
    if (reports.size() < 2 || completions_one_by_one_) return Cuebot::completeAll(reports);
    grpc::ClientContext ctx;
    ext::RunningFrameCompletionsRequest req;
    for (const auto& r : reports) *req.add_frame_complete_reports() = r;
    ext::RunningFrameCompletionsResponse resp;
    const size_t i = reportIndex(reports.front().host().name());
    grpc::Status st = completions_[i]->ReportRunningFrameCompletions(&ctx, req, &resp);
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) {  // an older cuebot
      completions_one_by_one_ = true;
      return Cuebot::completeAll(reports);
    }
    std::vector<absl::Status> out;
    for (size_t k = 0; k < reports.size(); ++k) {
      if (!st.ok() || static_cast<int>(k) >= resp.results_size()) {
        out.push_back(st.ok() ? absl::InternalError("no result") : fromGrpc(st));
        continue;
      }
      out.push_back(wire::fromResult(resp.results(static_cast<int>(k))));
    }
    return out;
  }
  absl::StatusOr<std::vector<std::string>> launchSpec(const std::string& xml) override {
    grpc::ClientContext ctx;
    job::JobLaunchSpecRequest req;
    req.set_spec(xml);
    job::JobLaunchSpecResponse resp;
    auto st = fromGrpc(jobs_->LaunchSpec(&ctx, req, &resp));
    if (!st.ok()) return st;
    return std::vector<std::string>(resp.names().begin(), resp.names().end());
  }
  absl::Status createShow(const std::string& name, int size, int burst) override {
    show::ShowCreateShowResponse created;
    {
      grpc::ClientContext ctx;
      show::ShowCreateShowRequest req;
      req.set_name(name);
      auto st = fromGrpc(shows_->CreateShow(&ctx, req, &created));
      if (!st.ok()) return st;
    }
    facility::AllocFindResponse alloc;
    {
      grpc::ClientContext ctx;
      facility::AllocFindRequest req;
      req.set_name("local.general");
      auto st = fromGrpc(allocs_->Find(&ctx, req, &alloc));
      if (!st.ok()) return st;
    }
    grpc::ClientContext ctx;
    show::ShowCreateSubscriptionRequest req;
    *req.mutable_show() = created.show();
    req.set_allocation_id(alloc.allocation().id());
    req.set_size(static_cast<float>(size));
    req.set_burst(static_cast<float>(burst));
    show::ShowCreateSubscriptionResponse resp;
    return fromGrpc(shows_->CreateSubscription(&ctx, req, &resp));
  }
  std::string storePath() const override {
    return options_.db.empty() ? (options_.dir / "cuebot.db").string() : options_.db;
  }
  double cpuSeconds() const override { return processCpuSeconds(pid_); }
  int64_t peakRssKb() const override { return processPeakRssKb(pid_); }

 private:
  std::string bin_;
  CuebotOptions options_;
  SimFarm& farm_;
  SimRqdService service_;
  SimRqdLaunchService launch_;
  std::unique_ptr<grpc::Server> server_;
  pid_t pid_ = -1;
  std::string port_;
  size_t reportIndex(const std::string& host) {
    return std::hash<std::string>{}(host) % reports_.size();
  }
  report::RqdReportInterface::Stub& reportsFor(const std::string& host) {
    return *reports_[reportIndex(host)];
  }

  static constexpr int kReportConnections = 16;
  static constexpr int kRqdPorts = 16;
  std::vector<std::unique_ptr<report::RqdReportInterface::Stub>> reports_;
  // Cue's ReportRunningFrameCompletions on the same connections; off after UNIMPLEMENTED.
  std::vector<std::unique_ptr<ext::ReportInterface::Stub>> completions_;
  std::atomic<bool> completions_one_by_one_{false};
  std::unique_ptr<job::JobInterface::Stub> jobs_;
  std::unique_ptr<show::ShowInterface::Stub> shows_;
  std::unique_ptr<facility::AllocationInterface::Stub> allocs_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Cuebot>> startGrpcCuebot(const std::string& cuebot_bin,
                                                        const CuebotOptions& options,
                                                        SimFarm& farm) {
  auto c = std::make_unique<GrpcCuebot>(cuebot_bin, options, farm);
  auto st = c->start();
  if (!st.ok()) return st;
  return std::unique_ptr<Cuebot>(std::move(c));
}

}  // namespace cue::sim
