// Test harness for integration tests: runs the real cuebot, rqd and cuesubmit binaries
// on loopback with free ports and temporary directories, and talks to cuebot through
// the generated OpenCue stubs. Waits poll with a deadline; nothing sleeps to synchronise.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "host.grpc.pb.h"
#include "job.grpc.pb.h"

namespace cue::testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed (unless CUE_KEEP_TEST_DIRS is
// set) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A child process with stdout+stderr in a file.
class Process {
 public:
  Process(const std::string& name, std::vector<std::string> argv, const fs::path& log);
  ~Process();  // SIGKILL if still running
  pid_t pid() const { return pid_; }
  void signal(int sig);
  // Waits for exit; returns the exit code (128+signal when killed), or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  std::string log() const;

 private:
  std::string name_;
  fs::path log_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// Polls `done` every 20 ms until it returns true or `timeout` passes.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

std::string readFile(const fs::path& p);

struct RqdOptions {
  std::string name;
  int cores = 4;
  int memory_mb = 16384;
  std::string tags = "general";
  // Ports of the cuebots it reports to, in order (--cuebot list); empty: the farm's cuebot.
  std::vector<int> cuebot_ports{};
  // More rqd flags. Without "--nvidia-smi" among them the rqd reports no GPUs.
  std::vector<std::string> extra_args{};
};

// One cuebot plus any number of rqds, all on loopback.
class Farm {
 public:
  struct Options {
    int host_timeout = 300;
    int host_check_interval_ms = 500;
    int report_interval = 2;
    std::vector<std::string> cuebot_args;  // more flags for every cuebot
    std::string db;  // the cuebots' --db; empty: a SQLite file, or PostgreSQL (db())
  };
  Farm();
  explicit Farm(Options options);
  ~Farm();

  void startCuebot(int port = 0);  // 0: a free port
  void killCuebot();               // SIGKILL
  // More cuebots on the same database (--cuebot-id NAME), on free ports: returns the port.
  int startPeerCuebot(const std::string& name);
  void killPeerCuebot(const std::string& name);  // SIGKILL
  std::string peerLog(const std::string& name) const;
  // Points the API stubs (jobs(), hostStub(), findJob...) at the cuebot on `port`.
  void useCuebot(int port);
  void startRqd(const RqdOptions& options);
  void killRqd(const std::string& name);  // SIGKILL
  void signalRqd(const std::string& name, int sig);
  // Waits until cuebot lists `n` hosts UP.
  bool waitForHosts(int n, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Launches a spec; returns the job names or fails the test.
  std::vector<std::string> launch(const std::string& xml);
  job::Job findJob(const std::string& name);
  std::vector<job::Frame> frames(const std::string& job_id);
  std::vector<host::Host> hosts();
  bool waitForJobFinished(const std::string& name, std::chrono::milliseconds timeout);

  job::JobInterface::Stub& jobs() { return *jobs_; }
  job::FrameInterface::Stub& frameStub() { return *frame_stub_; }
  host::HostInterface::Stub& hostStub() { return *hosts_; }
  const fs::path& dir() const { return dir_.path(); }
  fs::path logRoot() const { return dir_.path() / "logs"; }
  int cuebotPort() const { return port_; }
  // The cuebot's --db: a SQLite file in dir(), or a PostgreSQL database of its own when
  // CUE_TEST_POSTGRES_URL_FILE is set.
  const std::string& db() const { return db_; }
  std::string cuebotLog() const { return cuebot_ ? cuebot_->log() : ""; }
  bool cuebotRunning() { return cuebot_ && cuebot_->running(); }
  std::string rqdLog(const std::string& name) const;
  // Process ids, for what a bench reads from /proc; -1 when there is no such process.
  pid_t cuebotPid() const { return cuebot_ ? cuebot_->pid() : -1; }
  pid_t rqdPid(const std::string& name) const;

 private:
  void connect();
  // Starts a cuebot named `name` (its --cuebot-id) on `port`; sets *bound to its port, 0
  // when it did not start (the test has failed).
  std::unique_ptr<Process> spawnCuebot(const std::string& name, int port, int* bound);

  Options options_;
  TempDir dir_;
  std::string db_;
  int port_ = 0;
  int cuebot_starts_ = 0;
  std::unique_ptr<Process> cuebot_;
  std::map<std::string, std::unique_ptr<Process>> rqds_;
  std::map<std::string, std::unique_ptr<Process>> peers_;  // more cuebots
  std::unique_ptr<job::JobInterface::Stub> jobs_;
  std::unique_ptr<job::FrameInterface::Stub> frame_stub_;
  std::unique_ptr<host::HostInterface::Stub> hosts_;
};

}  // namespace cue::testing
