// The farm simulator: thousands of simulated render hosts that speak the rqd protocol
// to a cuebot (boot report, status reports at their interval, LaunchFrame, completion
// reports, kills), with frame run times and peak memory drawn from a seeded
// distribution and time optionally scaled.
//
// The cuebot is reached through the `Cuebot` seam: a real cuebot process over gRPC
// (sim_cuebot_grpc.cpp) or, for the dry run, cuebot's own Farm/Dispatcher/Store in this
// process with no gRPC and no processes (sim_cuebot_dry.cpp).
//
// The simulator audits what it sees while it runs: a launch that does not fit the
// host's free cores or memory is over-booking; a frame launched while it already runs,
// or after it succeeded, runs twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "report.pb.h"
#include "rqd.pb.h"

namespace cue::sim {

using SteadyTime = std::chrono::steady_clock::time_point;

struct HostSpec {
  std::string name;
  int cores = 16;  // whole cores
  int64_t memory_kb = 0;
  std::vector<std::string> tags;
};

// How the frames of one layer behave: run time (simulated seconds, uniform in
// [min, max]) and peak memory (KB, uniform in [rss_min, rss_max]).
struct FrameProfile {
  double run_min = 0, run_max = 0;
  int64_t rss_min = 0, rss_max = 0;
};

// The cuebot under test.
class Cuebot {
 public:
  virtual ~Cuebot() = default;
  virtual absl::Status boot(const report::BootReport& report) = 0;
  virtual absl::Status status(const report::HostReport& report) = 0;
  virtual absl::Status complete(const report::FrameCompleteReport& report) = 0;
  // Several completions of one host together (Cue's ReportRunningFrameCompletions): one
  // answer each. By default one complete() after another.
  virtual std::vector<absl::Status> completeAll(
      const std::vector<report::FrameCompleteReport>& reports) {
    std::vector<absl::Status> out;
    for (const auto& r : reports) out.push_back(complete(r));
    return out;
  }
  // Submits a job spec; returns the job names.
  virtual absl::StatusOr<std::vector<std::string>> launchSpec(const std::string& xml) = 0;
  // Creates a show subscribed to the default allocation (cores, whole).
  virtual absl::Status createShow(const std::string& name, int size, int burst) = 0;
  // Where the store lives (audits read it), CPU seconds and peak RSS of the cuebot.
  virtual std::string storePath() const = 0;
  virtual double cpuSeconds() const = 0;
  virtual int64_t peakRssKb() const = 0;
  // Stops the cuebot's own work (the dry run's threads) before the audits.
  virtual void quiesce() {}
  // SIGKILLs the cuebot and starts it again on the same store and port.
  virtual absl::Status restart() { return absl::UnimplementedError("restart: not this cuebot"); }
};

struct SimOptions {
  double time_scale = 1;        // simulated seconds per wall second
  double report_interval = 60;  // simulated seconds between a host's status reports
  int sender_threads = 4;       // concurrent report RPCs
  uint64_t seed = 1;
};

// What the simulator measured.
struct SimMetrics {
  int64_t launches = 0, completions = 0, status_reports = 0, report_errors = 0;
  int64_t overbooked = 0, ran_twice = 0, refused_launches = 0, kills = 0;
  std::vector<double> free_to_launch_ms;  // per launch that followed a free on its host
  SteadyTime first_launch{}, last_launch{};
  int64_t running_cores = 0, total_cores = 0, peak_running_cores = 0;
};

class SimFarm {
 public:
  SimFarm(std::vector<HostSpec> hosts, std::map<std::string, FrameProfile> profiles,
          SimOptions options);
  ~SimFarm();

  void setCuebot(Cuebot* cuebot) { cuebot_ = cuebot; }
  // Sends every host's boot report (from `threads` threads).
  absl::Status bootAll(int threads);
  // Starts the clock: completions and status reports flow.
  void start();
  // Stops completions and reports (frames keep "running"); waits for senders to drain.
  void freeze();
  // One status report from every host now (frozen hosts too), so that cuebot can settle what
  // only reports tell it (procs a killed cuebot booked but never launched).
  void reportAll();
  void stop();

  // The rqd side: what cuebot's LaunchFrame and KillRunningFrame do.
  absl::Status launch(const rqd::RunFrame& frame);
  absl::Status kill(const std::string& frame_id);

  // Sends status reports of every host as fast as `threads` threads can for `seconds`
  // of wall time; returns reports per second.
  double blastReports(int threads, double seconds);

  // Called after every launch (under no lock) with the running cores: cold-fill timing.
  std::function<void(int64_t running_cores, SteadyTime when)> on_launch;

  SimMetrics metrics();
  // Frame ids that succeeded, with how many times (the audit wants exactly 1).
  std::unordered_map<std::string, int> succeeded();
  // Procs (resource ids) running now.
  std::set<std::string> runningProcs();
  int64_t totalCores() const { return total_cores_; }
  // Where cuebot reaches these hosts (set before bootAll): host i at rqd_addresses[i % n],
  // so that the hosts' launches travel over several connections, as a farm's over one per
  // rqd.
  std::vector<std::string> rqd_addresses;

 private:
  struct Running {
    rqd::RunFrame frame;
    SteadyTime started;
    double run_s = 0;  // simulated
    int64_t rss = 0;
  };
  struct Host {
    HostSpec spec;
    size_t index = 0;        // in hosts_
    int64_t idle_cores = 0;  // core units
    int64_t idle_memory = 0;
    std::map<std::string, Running> running;  // by frame id
    std::deque<SteadyTime> freed;            // frees not yet followed by a launch
    // The host's status report as of `version` (counted up by each launch and end): a
    // report is built once per change, not once per send.
    uint64_t version = 0;
    std::shared_ptr<const report::HostReport> report;
    uint64_t report_version = 0;
  };
  struct Event {
    SteadyTime due;
    int kind;  // 0 complete, 1 status report
    size_t host;
    std::string frame_id;
    bool operator>(const Event& o) const { return due > o.due; }
  };

  void timerLoop();
  void senderLoop();
  // Ends the frame of a completion event on its host; its report, or none when it was
  // killed meanwhile.
  std::optional<report::FrameCompleteReport> endFrame(const Event& e);
  // Ends the frames of completion events of one host and delivers their reports together.
  void runCompletions(const std::vector<Event>& events);
  static constexpr size_t kMaxCompletionsTogether = 64;
  void schedule(Event e);
  void readyPush(Event e);  // under q_mu_
  void runEvent(const Event& e);
  report::RenderHost renderHost(const Host& h) const;
  std::shared_ptr<const report::HostReport> hostReport(size_t host);
  report::RunningFrameInfo runningInfo(const Running& r) const;
  SteadyTime wallAfter(double sim_seconds) const;

  std::vector<Host> hosts_;
  std::unordered_map<std::string, size_t> host_index_;
  std::map<std::string, FrameProfile> profiles_;
  SimOptions options_;
  Cuebot* cuebot_ = nullptr;
  int64_t total_cores_ = 0;

  std::mutex mu_;  // hosts_, metrics_, frames
  SimMetrics metrics_;
  std::unordered_map<std::string, size_t> running_on_;  // frame id -> host
  std::unordered_map<std::string, int> succeeded_;

  std::mutex q_mu_;
  std::condition_variable q_cv_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> timers_;
  std::deque<Event> ready_;
  int in_flight_ = 0;
  bool running_ = false, stopping_ = false, frozen_ = false;
  std::atomic<bool> halt_{false};  // stop() was called: give up resending
  std::vector<std::thread> threads_;
};

// Draws a value from [lo, hi] deterministically from a key and a seed.
double drawUniform(const std::string& key, uint64_t seed, double lo, double hi);

}  // namespace cue::sim
