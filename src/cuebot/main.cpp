// cuebot: Cue's central server. Options come from a config file, then the environment,
// then flags (see --help); the store is created and seeded on first start and resumed
// after.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>

#include "common/logging.h"
#include "common/process.h"
#include "cuebot/cluster.h"
#include "cuebot/dispatcher.h"
#include "cuebot/farm.h"
#include "cuebot/job_launcher.h"
#include "cuebot/rqd_client.h"
#include "cuebot/services.h"
#include "store/store.h"

namespace {

// Every cuebot option, with its default.
struct Config {
  int port = 8443;                         // gRPC port; 0 picks a free one
  std::string bind = "0.0.0.0";            // address to listen on
  std::string db = "cuebot.db";            // SQLite path (or sqlite:PATH)
  std::string log_root = "/tmp/rqd/logs";  // root of frame log directories
  int host_timeout = 300;                  // seconds without a report before DOWN
  int host_check_interval_ms = 5000;       // how often hosts are checked
  int orphan_grace = 60;                   // seconds before an unreported proc is requeued
  // Hosts' figures from status reports reach the store in rounds this far apart.
  int report_write_interval_ms =
      static_cast<int>(cue::cuebot::ReportWriter::kDefaultInterval.count());
  int dispatch_threads = 2;                // booking threads
  int sweep_interval_ms = 3000;            // periodic dispatch of idle hosts
  int rqd_timeout_ms = 10000;              // deadline of calls to rqd
  std::string port_file;                   // write the bound port here once listening
  std::string cuebot_id;                   // name in the booking lease ("" = host:port)
  int lease_ms = 5000;                     // booking lease: takeover after this long
  int sync_interval_ms = 200;              // change feed between cuebots
  std::string log_level = "info";
};

}  // namespace

static std::string hostName() {
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0) return "cuebot";
  return name;
}

// Idle gRPC server threads kept for the next burst of calls.
constexpr int kServerThreadsKept = 64;

int main(int argc, char** argv) {
  using namespace cue;
  common::disableAbslDeadlockDetection();
  Config cfg;
  CLI::App app{"cuebot: Cue's render farm server (OpenCue-compatible gRPC API)"};
  app.set_config("--config", "", "read options from this TOML/INI file");
  app.add_option("--port", cfg.port, "gRPC port (0 = any free port)")
      ->envname("CUEBOT_PORT")
      ->capture_default_str();
  app.add_option("--bind", cfg.bind, "address to listen on")->capture_default_str();
  app.add_option(
         "--db", cfg.db,
         "store: a SQLite file path, sqlite:PATH, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB")
      ->envname("CUEBOT_DB")
      ->capture_default_str();
  app.add_option("--log-root", cfg.log_root, "root directory of frame logs")
      ->envname("CUE_FRAME_LOG_DIR")
      ->capture_default_str();
  app.add_option("--host-timeout", cfg.host_timeout,
                 "seconds without a report before a host is DOWN")
      ->capture_default_str();
  app.add_option("--host-check-interval-ms", cfg.host_check_interval_ms,
                 "how often hosts are checked")
      ->capture_default_str();
  app.add_option("--orphan-grace", cfg.orphan_grace,
                 "seconds after booking before a proc its host does not report is requeued")
      ->capture_default_str();
  app.add_option("--report-write-interval-ms", cfg.report_write_interval_ms,
                 "status reports' figures reach the store in rounds this far apart, each host "
                 "once per round with its latest")
      ->capture_default_str();
  app.add_option("--dispatch-threads", cfg.dispatch_threads, "booking threads")
      ->capture_default_str();
  app.add_option("--sweep-interval-ms", cfg.sweep_interval_ms, "periodic dispatch of idle hosts")
      ->capture_default_str();
  app.add_option("--rqd-timeout-ms", cfg.rqd_timeout_ms, "deadline of calls to rqd")
      ->capture_default_str();
  app.add_option("--cuebot-id", cfg.cuebot_id,
                 "this cuebot's name among several on one database (default HOST:PORT)")
      ->envname("CUEBOT_ID");
  app.add_option("--lease-ms", cfg.lease_ms,
                 "booking lease: another cuebot books this long after this one stops")
      ->capture_default_str();
  app.add_option("--sync-interval-ms", cfg.sync_interval_ms,
                 "how often cuebots on one database exchange changes")
      ->capture_default_str();
  app.add_option("--port-file", cfg.port_file, "write the bound port to this file once listening");
  app.add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  common::setLogLevel(cfg.log_level);
  auto log = common::logger("cuebot");
  if (cfg.host_timeout < 1 || cfg.dispatch_threads < 1 || cfg.lease_ms < 1000 ||
      cfg.sync_interval_ms < 10) {
    log->error(
        "--host-timeout and --dispatch-threads must be at least 1, --lease-ms at least "
        "1000, --sync-interval-ms at least 10");
    return 2;
  }

  // Signals are handled by one thread with sigwait, so block them before threads start.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto store = store::openStore(cfg.db);
  if (!store.ok()) {
    log->error("cannot open store {}: {}", store::redactStoreUrl(cfg.db),
               store.status().ToString());
    return 1;
  }
  auto& clock = common::SystemClock::instance();
  // A restarting cuebot gives every host a fresh timeout before judging it.
  (void)(*store)->touchAllHosts(clock.nowSeconds());

  cuebot::RqdClient rqd(cfg.rqd_timeout_ms);
  cuebot::DispatcherOptions dopts;
  dopts.threads = cfg.dispatch_threads;
  dopts.sweep_interval_ms = cfg.sweep_interval_ms;
  cuebot::FarmModel model(**store);
  if (auto st = model.load(); !st.ok()) {
    log->error("cannot load the farm from {}: {}", store::redactStoreUrl(cfg.db), st.ToString());
    return 1;
  }
  cuebot::Dispatcher dispatcher(**store, model, rqd, clock, dopts);
  cuebot::LaunchOptions lopts;
  lopts.log_root = cfg.log_root;
  cuebot::JobLauncher launcher(**store, clock, lopts);
  cuebot::FarmOptions fopts;
  fopts.host_timeout_sec = cfg.host_timeout;
  fopts.host_check_interval_ms = cfg.host_check_interval_ms;
  fopts.orphan_grace_sec = cfg.orphan_grace;
  fopts.report_write_interval_ms = cfg.report_write_interval_ms;
  cuebot::Farm farm(**store, model, rqd, dispatcher, launcher, clock, fopts);

  grpc::ServerBuilder builder;
  // No SO_REUSEPORT: a second cuebot on the same port must fail, not share the traffic
  // (and HOST:PORT names one live cuebot: ClusterOptions::reclaim_own_lease).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(cfg.bind + ":" + std::to_string(cfg.port),
                           grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // gRPC's synchronous server keeps 2 idle threads by default: past 2 calls at once (rqds
  // report together on any farm) it started a thread per call and ended it after, about
  // 30 a second in the churn simulation. Threads that served a burst now stay for the next.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kServerThreadsKept);
  auto services = cuebot::registerServices(farm, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    log->error("cannot listen on {}:{}", cfg.bind, cfg.port);
    return 1;
  }
  // Which cuebot books, when several share the database (cluster.h).
  cuebot::ClusterOptions copts;
  copts.id = cfg.cuebot_id.empty() ? hostName() + ":" + std::to_string(bound_port) : cfg.cuebot_id;
  copts.reclaim_own_lease =
      cfg.cuebot_id.empty();  // HOST:PORT, the port bound by this process alone
  copts.lease_ms = cfg.lease_ms;
  copts.renew_interval_ms = std::max(200, cfg.lease_ms / 5);
  copts.sync_interval_ms = cfg.sync_interval_ms;
  cuebot::Cluster cluster(**store, model, dispatcher, clock, copts);
  farm.setCluster(&cluster);
  dispatcher.start();
  farm.start();
  cluster.start();
  if (!cluster.leader())
    log->info(
        "{} follows: another cuebot holds the booking lease; this one serves the API "
        "and rqds",
        copts.id);
  log->info("cuebot listening on {}:{} with store {}", cfg.bind, bound_port,
            store::redactStoreUrl(cfg.db));
  if (!cfg.port_file.empty()) {
    std::string tmp = cfg.port_file + ".tmp";
    std::ofstream(tmp) << bound_port << "\n";
    std::rename(tmp.c_str(), cfg.port_file.c_str());
  }

  int sig = 0;
  sigwait(&signals, &sig);
  log->info("signal {}: shutting down", sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  farm.stop();
  dispatcher.stop();
  cluster.stop();  // publishes the last notes, gives the lease up
  return 0;
}
