// The floor under every figure that sends a frame over OpenCue's protocol: what one unary
// gRPC call costs on this machine, client and server together, with nothing behind it.
// An rqd server (gRPC's synchronous server, as Cue's rqd and the simulator's hosts use, in
// a process of its own) answers LaunchFrame at once; a client sends a RunFrame like the
// ones cuebot sends. CPU is both processes' together:
//   - one call after another (a frame's completion, or a host visit's single launch):
//     round-trip latency and CPU per call;
//   - WINDOW calls on their way at once on the callback API (cuebot's launches): calls per
//     second and CPU per call;
//   - 8 threads with a channel each, one call after another (the simulator's senders).
// A measurement, never a test. Usage: grpc_floor [CALLS [WINDOW]] (defaults 20000, 64)
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proc_stats.h"
#include "rqd.grpc.pb.h"

namespace {

class InstantRqd final : public rqd::RqdInterface::Service {
 public:
  grpc::Status LaunchFrame(grpc::ServerContext*, const rqd::RqdStaticLaunchFrameRequest*,
                           rqd::RqdStaticLaunchFrameResponse*) override {
    return grpc::Status::OK;
  }
};

pid_t g_server = 0;  // the server's process

// Client and server together.
double cpuSeconds() {
  return cue::sim::processCpuSeconds(0) + cue::sim::processCpuSeconds(g_server);
}

// A RunFrame with the fields cuebot fills (Dispatcher::buildRunFrame), sizes alike.
rqd::RqdStaticLaunchFrameRequest request(int n) {
  rqd::RqdStaticLaunchFrameRequest req;
  rqd::RunFrame& rf = *req.mutable_run_frame();
  const std::string id = "0190c0de-0000-7000-8000-" + std::to_string(100000000000 + n);
  rf.set_resource_id(id);
  rf.set_job_id("0190c0de-0000-7000-8000-000000000001");
  rf.set_job_name("show-shot-artist_job");
  rf.set_frame_id(id);
  rf.set_frame_name(std::to_string(n) + "-render");
  rf.set_layer_id("0190c0de-0000-7000-8000-000000000002");
  rf.set_command("/bin/render --frame " + std::to_string(n));
  rf.set_user_name("artist");
  rf.set_log_dir("/shows/show/shot/logs/show-shot-artist_job");
  rf.set_show("show");
  rf.set_shot("shot");
  rf.set_job_temp_dir("/tmp/show-shot-artist_job");
  rf.set_frame_temp_dir("/tmp/show-shot-artist_job/" + std::to_string(n) + "-render");
  rf.set_log_file("show-shot-artist_job." + std::to_string(n) + "-render.rqlog");
  rf.set_log_dir_file(rf.log_dir() + "/" + rf.log_file());
  rf.set_start_time(1700000000000);
  rf.set_uid(1000);
  rf.set_num_cores(100);
  rf.set_os("linux");
  rf.set_soft_memory_limit(4 << 20);
  (*rf.mutable_attributes())["host"] = "render0001";
  auto& env = *rf.mutable_environment();
  env["CUE_RANGE"] = "1-1000";
  env["CUE_CHUNK"] = "1";
  return req;
}

struct Result {
  double calls_per_s, cpu_us_per_call, p50_us, p99_us;
};

Result sequential(rqd::RqdInterface::Stub& stub, int calls) {
  std::vector<double> lat;
  lat.reserve(calls);
  const double cpu0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext ctx;
    rqd::RqdStaticLaunchFrameResponse resp;
    auto req = request(i);
    const auto a = std::chrono::steady_clock::now();
    auto st = stub.LaunchFrame(&ctx, req, &resp);
    lat.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a)
                      .count());
    if (!st.ok()) {
      std::fprintf(stderr, "call failed: %s\n", st.error_message().c_str());
      std::exit(1);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(lat.begin(), lat.end());
  return {calls / secs, (cpuSeconds() - cpu0) * 1e6 / calls, lat[lat.size() / 2],
          lat[lat.size() * 99 / 100]};
}

Result windowed(rqd::RqdInterface::Stub& stub, int calls, int window) {
  struct Call {
    grpc::ClientContext ctx;
    rqd::RqdStaticLaunchFrameRequest req;
    rqd::RqdStaticLaunchFrameResponse resp;
  };
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0, failed = 0;
  const double cpu0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    auto* call = new Call;
    call->req = request(i);
    stub.async()->LaunchFrame(&call->ctx, &call->req, &call->resp, [&, call](grpc::Status st) {
      delete call;
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok()) ++failed;
      --in_flight;
      cv.notify_one();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failed > 0) {
    std::fprintf(stderr, "%d calls failed\n", failed);
    std::exit(1);
  }
  return {calls / secs, (cpuSeconds() - cpu0) * 1e6 / calls, 0, 0};
}

// `senders` threads, each with a channel of its own, one call after another (the
// simulator's senders, several rqds reporting at once).
Result parallel(const std::string& target, int calls, int senders) {
  std::vector<std::unique_ptr<rqd::RqdInterface::Stub>> stubs;
  for (int k = 0; k < senders; ++k) {
    grpc::ChannelArguments args;
    args.SetInt("cue.channel", k);  // a connection of its own, not a shared subchannel
    stubs.push_back(rqd::RqdInterface::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
    sequential(*stubs.back(), 100);  // connected
  }
  const double cpu0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < senders; ++k)
    threads.emplace_back([&, k] { sequential(*stubs[k], calls / senders); });
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int done = calls / senders * senders;
  return {done / secs, (cpuSeconds() - cpu0) * 1e6 / done, 0, 0};
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int window = argc > 2 ? std::atoi(argv[2]) : 64;
  if (calls < 100) {
    std::fprintf(stderr, "usage: grpc_floor [CALLS >= 100]\n");
    return 2;
  }
  std::printf("| server | calls | one after another: calls/s | latency p50 / p99 (us) | CPU/call (us) "
              "| %d at once on one channel: calls/s | CPU/call (us) | 8 senders, a channel each: "
              "calls/s | CPU/call (us) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
              window);
  // Both servers in processes of their own, as an rqd and cuebot are, forked before this
  // one touches gRPC (a child forked after cannot use it).
  struct Server {
    bool minimal;
    pid_t pid;
    int port;
  };
  std::vector<Server> servers;
  for (bool minimal : {false, true}) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the client, however it ends
      close(fds[0]);
      InstantRqd service;
      grpc::ServerBuilder builder;
      int port = 0;
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
      if (minimal) builder.AddChannelArgument(GRPC_ARG_MINIMAL_STACK, 1);
      builder.RegisterService(&service);
      auto server = builder.BuildAndStart();
      if (write(fds[1], &port, sizeof port) != sizeof port) _exit(1);
      close(fds[1]);
      server->Wait();  // until killed
      _exit(0);
    }
    close(fds[1]);
    int port = 0;
    const bool got = read(fds[0], &port, sizeof port) == sizeof port;
    close(fds[0]);
    servers.push_back({minimal, pid, got ? port : 0});
  }
  int rc = 0;
  for (const Server& srv : servers) {
    if (srv.port == 0) {
      std::fprintf(stderr, "cannot start a server on loopback\n");
      rc = 1;
      break;
    }
    g_server = srv.pid;
    const std::string target = "127.0.0.1:" + std::to_string(srv.port);
    auto stub = rqd::RqdInterface::NewStub(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    sequential(*stub, std::max(100, calls / 10));  // warm-up: connection, allocator, caches
    const Result seq = sequential(*stub, calls);
    const Result win = windowed(*stub, calls, window);
    const Result par = parallel(target, calls, 8);
    std::printf("| %s | %d | %.0f | %.0f / %.0f | %.1f | %.0f | %.1f | %.0f | %.1f |\n",
                srv.minimal ? "minimal stack (the simulator's)" : "full stack (rqd's)", calls,
                seq.calls_per_s, seq.p50_us, seq.p99_us, seq.cpu_us_per_call, win.calls_per_s,
                win.cpu_us_per_call, par.calls_per_s, par.cpu_us_per_call);
    std::fflush(stdout);
  }
  for (const Server& srv : servers) {
    kill(srv.pid, SIGKILL);
    waitpid(srv.pid, nullptr, 0);
  }
  return rc;
}
