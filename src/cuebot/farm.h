// The farm's operations, between the gRPC services and the store: job control, host
// reports and the host monitor. Each operation commits its state change to the store
// first, then acts on hosts (kill, launch through the Dispatcher).
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "cuebot/dispatcher.h"
#include "cuebot/group_commit.h"
#include "cuebot/job_launcher.h"
#include "cuebot/report_writer.h"
#include "cuebot/rqd_client.h"
#include "store/store.h"

namespace cue::cuebot {

class Cluster;

struct FarmOptions {
  int host_timeout_sec = 300;         // no report for this long: host DOWN, frames requeued
  int host_check_interval_ms = 5000;  // how often the monitor looks
  // A proc its host has not listed in a status report although booked this long ago
  // was never started there (cuebot stopped between booking and launch, or the launch
  // was lost): its frame is requeued. A proc whose launch is uncertain (booked by a
  // cuebot that died, or its LaunchFrame unanswered: UncertainLaunches) is requeued
  // sooner when its host lists unacknowledged completions (Cue's rqd): once two reports
  // in a row from the host leave it out, both received past the launch deadline (the
  // second was built after the first was sent, so after any late launch could arrive).
  int orphan_grace_sec = 60;
  // Added to a frame's memory when it is retried after an out-of-memory kill (OpenCue's
  // min_memory_increase default, 2 GB).
  core::MemoryKb oom_memory_increase = 2 * core::kKbPerGb;
  // Status reports answered from memory reach the store in rounds this far apart, each
  // host once per round with its latest figures (ReportWriter).
  int report_write_interval_ms = static_cast<int>(ReportWriter::kDefaultInterval.count());
};

struct RunningFrameReport {
  std::string proc_id;  // resource_id
  std::string frame_id;
  bool completed = false;  // ended on the host, completion not yet acknowledged
  store::ProcUsage usage{};
};

class Farm {
 public:
  Farm(store::Store& store, FarmModel& model, RqdClient& rqd, Dispatcher& dispatcher,
       JobLauncher& launcher, const common::Clock& clock, FarmOptions options);
  ~Farm();

  void start();  // host monitor thread
  void stop();

  // Several cuebots on one database: durable changes are noted to the cluster's feed.
  // Set before start(); may stay unset (tests of one cuebot).
  void setCluster(Cluster* cluster) { cluster_ = cluster; }

  store::Store& store() { return store_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  FarmModel& model() { return model_; }

  // After a durable change to shows, allocations, subscriptions, folders or limits: the
  // model re-reads them and every idle host is offered work again.
  void referenceChanged();
  // After a durable change to a host's scheduling settings (lock, tags, thread mode).
  void hostChanged(const std::string& host_id);
  // After a durable change to a job or its layers (priority, cores, tags, limits).
  void jobChanged(const std::string& job_id);
  // Frames counting against a limit now (from the model).
  int32_t limitRunning(const std::string& limit_id);

  // "Why isn't my job running?", from the planner's own checks.
  absl::StatusOr<dispatch::JobExplanation> explainJob(const std::string& job_id);

  // ---- jobs ----
  absl::StatusOr<std::vector<core::Job>> launchSpec(const std::string& xml);
  absl::Status pauseJob(const std::string& job_id, bool paused);
  absl::Status killJob(const std::string& job_id, const std::string& reason);
  // retryFrames, eatFrames, killFrames: NOT_FOUND (nothing changed) when any id is unknown.
  absl::Status retryFrames(const std::vector<std::string>& frame_ids);
  absl::Status eatFrames(const std::vector<std::string>& frame_ids);
  absl::Status killFrames(const std::vector<std::string>& frame_ids, const std::string& reason);

  // ---- depends ----
  // Each changes the store (Store::satisfyDepend / unsatisfyDepend / dropDepends), then
  // the model re-reads the jobs whose frames changed and every host is offered work
  // again. NOT_FOUND for an unknown depend, job, layer or frame.
  absl::Status satisfyDepend(const std::string& depend_id);
  absl::Status unsatisfyDepend(const std::string& depend_id);
  absl::Status dropDepends(core::DependEntity kind, const std::string& id,
                           core::DependTarget target);

  // ---- rqd reports ----
  absl::Status onBoot(const store::HostReportData& host);
  absl::Status onStatus(const store::HostReportData& host,
                        const std::vector<RunningFrameReport>& frames);
  // OK also when the completion was already handled (the rqd must stop resending).
  absl::Status onFrameComplete(const store::FrameCompletion& report);
  // Several completions from one rqd (Cue's ReportRunningFrameCompletions), each handled as
  // onFrameComplete would, written to the store together: one answer each, in order.
  std::vector<absl::Status> onFrameCompletes(const std::vector<store::FrameCompletion>& reports);

  // Marks hosts that stopped reporting DOWN and requeues their frames. Returns how many.
  int checkHosts();

  // ---- for the operations in app/ (job, host, show operations) ----
  RqdClient& rqd() { return rqd_; }
  const common::Clock& clock() const { return clock_; }
  const FarmOptions& options() const { return options_; }
  // Asks each proc's rqd to kill its frame (best effort: an unreachable rqd is logged; the
  // host's next status report or the host monitor settles the proc).
  void killProcs(const std::vector<core::Proc>& procs, const std::string& reason);
  // After a durable change: the model re-reads what changed (logged, never fatal).
  void refreshJobs(const std::set<std::string>& job_ids);
  void refreshHost(const std::string& host_id);
  void refreshDependents();
  // Job ids of frames (read before a change).
  std::set<std::string> jobsOfFrames(const std::vector<std::string>& frame_ids);

 private:
  // A status report written to the store before it is acted on (a boot when the store
  // does not know the host); the host as the store has it, its procs as the model holds.
  absl::StatusOr<FarmModel::HostProcs> reportThroughStore(
      const store::HostReportData& report, const std::vector<store::ProcUsage>& usage);

  absl::Status framesExist(const std::vector<std::string>& frame_ids);
  // After a durable change of depends: re-reads the jobs it names, kicks the dispatcher.
  void dependsChanged(const store::DependChangeResult& result, const std::string& what);

  // Tells the cluster (when set) what changed: "job"/"host" with an id, "dependents",
  // "reference".
  void note(const std::string& kind, const std::string& ref = "");

  store::Store& store_;
  FarmModel& model_;
  Cluster* cluster_ = nullptr;
  RqdClient& rqd_;
  Dispatcher& dispatcher_;
  JobLauncher& launcher_;
  const common::Clock& clock_;
  FarmOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread monitor_;
  // Procs booked before the start, by consecutive reports of their host that left them out.
  std::mutex unreported_mu_;
  std::map<std::string, int> unreported_;
  ReportWriter report_writer_;
  // A completion on its way to the store: what onFrameComplete decided before writing it.
  struct Ending {
    store::FrameCompletion done;
    std::optional<core::MemoryKb> reserved{};  // the proc's memory, when known
    bool oom = false;                        // killed for memory: retried with more
    bool nimby = false;                      // stopped by NIMBY: requeued as it was
  };
  Ending prepareEnding(const store::FrameCompletion& report);
  absl::Status finishEnding(const Ending& e, const Dispatcher::FrameEndResult& ended);

  // Completions that arrive together are committed in one store transaction, with the
  // next bookings of the hosts they free (Dispatcher::completeAndBook).
  GroupCommit<Dispatcher::FrameEnd, Dispatcher::FrameEndResult> completions_;
};

}  // namespace cue::cuebot
