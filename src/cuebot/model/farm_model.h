// The farm in memory: the planner's FarmView plus what cuebot needs to launch a booked
// frame (job and layer records, host addresses), kept in step with the store.
//
// Rule: durable first, then memory, then act. Every operation that changes the store
// tells the model afterwards (planAndBook records its own bookings; releaseProc,
// frameEnded, refreshJob, refreshHost, ...),
// so that the dispatch path (plan + book) reads only memory. What the model refreshes it
// reads from the store on the calling (event) thread, never on the dispatch path.
//
// Leadership (a later issue): with several cuebots on one database, the model is the
// booking cuebot's; followers refresh it from the store when they take over.
//
// Thread-safety: every public method may be called from any thread; they serialise on
// one mutex. `withView` runs a function under that mutex (planning, booking).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "dispatch/explain.h"
#include "dispatch/farm_view.h"
#include "dispatch/memory_policy.h"
#include "dispatch/plan.h"
#include "store/store.h"

namespace cue::cuebot {

class FarmModel {
 public:
  explicit FarmModel(store::Store& store, dispatch::MemoryPolicyConfig memory = {});

  // Loads everything from the store (at start). Replaces what the model held.
  absl::Status load();

  // ---- changes, after they are durable ----
  // Re-reads a job (and its layers, waiting frames, depend counts) from the store; a job
  // that is no longer PENDING becomes inactive.
  absl::Status refreshJob(const std::string& job_id);
  // Jobs just created, whose frames are all waiting and known to the caller (by layer id,
  // in dispatch order; JobLauncher::launchJobs): each job and its layers are read, its
  // million frames are not read back. `waiting` is taken.
  // A submission never waits for the model: when another thread holds it (a sweep
  // booking thousands of frames holds it for a few hundred milliseconds), the jobs are
  // handed over and added by the next thread to take the model's lock, before it reads or
  // changes anything. So every later call sees them, as if added before this returned.
  // An error adding one is logged; the job stays in the store and the model's next
  // load() or refreshJob of it reads it.
  struct AddedJob {
    std::string job_id;
    store::WaitingByLayer waiting;
  };
  void addNewJobs(std::vector<AddedJob>&& jobs);
  // Re-reads every job holding depend-waiting frames (a frame finished somewhere).
  absl::Status refreshDependents();
  // Re-reads a host and its procs from the store.
  absl::Status refreshHost(const std::string& host_id);
  // A host's report made durable (`host` as the store has it now): reads its procs from
  // the store and returns them. When they are the procs the model holds, only the host's
  // fields are updated; otherwise the host is rebuilt from them (as refreshHost).
  absl::StatusOr<std::vector<core::Proc>> hostReported(const core::Host& host);
  // A host and the procs the model holds on it.
  struct HostProcs {
    core::Host host;
    // Each with id, frame_id, host_id, job_id, layer_id, booked_time and its reservation.
    std::vector<core::Proc> procs;
  };
  // A status report applied to the model alone, when it changes nothing that must be read
  // back from the store: the host is known here by name, UP, and the report leaves its
  // lock state and rqd address as they are. Its reported fields (load, free memory, swap
  // and scratch, ping time) are updated; the host and its procs are returned. nullopt
  // otherwise: the report takes the store's path (Store::updateHostReport, hostReported).
  std::optional<HostProcs> reportedInMemory(const store::HostReportData& report);
  // Re-reads shows, allocations, subscriptions, groups and limits.
  absl::Status refreshReference();
  // A proc the store released; its frame's state is the store's business: refreshJob.
  void releaseProc(const std::string& proc_id);
  // A frame ended: its proc is released and its peak memory teaches its layer.
  // A frame ended. `max_rss` of a succeeded frame teaches its layer's memory; a frame
  // killed for memory (`oom`) teaches that the layer may need more than it reserved.
  void frameEnded(const std::string& proc_id, core::MemoryKb max_rss, int32_t run_seconds,
                  bool succeeded, bool oom, core::EpochSec now = 0);
  // The memory reserved by a proc the model holds, or nullopt.
  std::optional<core::MemoryKb> procMemory(const std::string& proc_id);
  // The ids of every proc the model holds.
  std::vector<std::string> procIds();

  // ---- dispatch ----
  // A frame booked on a host, with what is needed to launch it.
  // The job, layer and host as they were when the frame was booked: shared by the launches
  // of one plan that have them in common, so that a plan of thousands of launches copies
  // each job, layer and host once, under the model's lock.
  struct Launch {
    store::Booking booking;
    std::shared_ptr<const core::Job> job;
    std::shared_ptr<const core::Layer> layer;
    std::shared_ptr<const core::Host> host;
    int32_t frame_number = 0;
    std::string frame_name;
  };
  using BookFn = std::function<absl::StatusOr<std::vector<store::Booking>>(
      const std::vector<store::Booking>&)>;
  // Plans the hosts in turn (dispatch::planHosts: what one takes is gone for the next),
  // makes the bookings durable through one `book` call (visits that queued up together
  // are one transaction) and records those the store made, all under the model's lock;
  // returns them to launch. `new_proc_id` names each new proc.
  absl::StatusOr<std::vector<Launch>> planAndBook(const std::vector<std::string>& host_ids,
                                                  const dispatch::Config& config,
                                                  core::EpochSec now, const BookFn& book,
                                                  const std::function<std::string()>& new_proc_id);
  // The whole-farm plan booked at once: refreshes reservations, makes the first
  // `max_bookings` bookings of dispatch::planFarm durable through one `book` call and
  // returns them to launch (a cold farm fills in a few plans instead of one visit per
  // host); `*more` says whether the plan held more.
  absl::StatusOr<std::vector<Launch>> planFarmAndBook(
      const dispatch::Config& config, core::EpochSec now, const BookFn& book,
      const std::function<std::string()>& new_proc_id, size_t max_bookings = SIZE_MAX,
      bool* more = nullptr);

  // Frames ended, and the hosts they free planned again at once (dispatch::planHosts), the
  // completions and the plan's bookings made durable through one `write` call (one store
  // transaction: Store::completeFramesAndBook), all under the model's lock. Then the procs
  // are released, each layer learns from its frames' ends (as frameEnded) and the bookings
  // the store made are recorded. `ended[i]` is the frame whose completion is the write's
  // i-th. When `write` fails nothing changed in the store: what the model released is read
  // again from the store, and the error returned.
  struct Ended {
    std::string proc_id;
    core::MemoryKb max_rss = 0;
    int32_t run_seconds = 0;
    bool oom = false;
  };
  using CompleteAndBookFn =
      std::function<absl::StatusOr<store::CompletedAndBooked>(const std::vector<store::Booking>&)>;
  struct EndedAndBooked {
    std::vector<absl::StatusOr<store::CompletionResult>> completions;  // the write's
    std::vector<Launch> launches;
    std::set<std::string> planned;  // hosts planned again (ids)
  };
  absl::StatusOr<EndedAndBooked> endAndBook(const std::vector<Ended>& ended,
                                            const dispatch::Config& config, core::EpochSec now,
                                            const CompleteAndBookFn& write,
                                            const std::function<std::string()>& new_proc_id);

  // ---- reads ----
  // Runs fn with the view locked.
  void withView(const std::function<void(dispatch::FarmView&)>& fn);
  // "Why isn't my job running?"
  absl::StatusOr<dispatch::JobExplanation> explain(const std::string& job_id,
                                                   const dispatch::Config& config,
                                                   core::EpochSec now);
  // Per layer of a job: the memory reservation the model uses now.
  std::map<std::string, core::MemoryKb> layerMemory(const std::string& job_id);

 private:
  absl::Status loadReferenceLocked();
  // Makes a plan's bookings durable through `book`, records those the store made and
  // returns them to launch; re-reads what the store refused.
  absl::StatusOr<std::vector<Launch>> bookPlanLocked(
      dispatch::Plan&& plan, core::EpochSec now, const BookFn& book,
      const std::function<std::string()>& new_proc_id);
  // A plan's bookings named and ready for the store (bookPlanLocked's first half).
  struct PreparedPlan {
    dispatch::Plan plan;
    std::vector<store::Booking> bookings;
    std::unordered_map<std::string, const dispatch::Booking*> by_frame;  // into plan
    std::unordered_map<std::string, int32_t> numbers;                    // frame numbers
  };
  PreparedPlan prepareLocked(dispatch::Plan&& plan, core::EpochSec now,
                             const std::function<std::string()>& new_proc_id);
  // Records the bookings the store made of a prepared plan and returns them to launch;
  // re-reads the jobs and hosts of those it refused.
  absl::StatusOr<std::vector<Launch>> recordLocked(PreparedPlan& prepared,
                                                   std::vector<store::Booking>&& made,
                                                   core::EpochSec now);
  // A host and its procs read again from the store (a deleted host dropped).
  absl::Status rereadHostLocked(const std::string& host_id);
  // A frame's end: its proc released (and counted as recently freed on its host).
  struct ReleasedProc {
    dispatch::Index host, job, layer;
    core::MemoryKb reserved;
  };
  std::optional<ReleasedProc> releaseEndedLocked(const std::string& proc_id, core::EpochSec now);
  // What a frame's end teaches its layer; a finished job with nothing running leaves.
  void learnEndLocked(const ReleasedProc& r, core::MemoryKb max_rss, int32_t run_seconds,
                      bool succeeded, bool oom);
  // `evict`: a finished job with nothing running leaves the model (not while its procs
  // are being re-read).
  // `known_waiting`: the job's waiting frames when the caller knows them (addNewJobs).
  // `known`: the job and its layers when the caller has read them (with other jobs').
  struct KnownJob {
    core::Job job;
    std::vector<core::Layer> layers;
  };
  absl::Status refreshJobLocked(const std::string& job_id, bool evict = true,
                                store::WaitingByLayer* known_waiting = nullptr,
                                KnownJob* known = nullptr);
  // The jobs and layers of `jobs`, read together (two reads for a spec's jobs, not two for
  // each); an empty map when they could not be read (each is then read alone).
  std::map<std::string, KnownJob> readJobsLocked(const std::vector<AddedJob>& jobs);
  absl::Status refreshHostLocked(const core::Host& host, const std::vector<core::Proc>& procs);
  // The host's own fields (not its procs) in the view and records.
  void setHostLocked(dispatch::Index h, const core::Host& host);
  dispatch::Index layerSlot(const std::string& layer_id);
  void setLayer(dispatch::Index l, dispatch::Index j, const core::Layer& layer,
                std::vector<store::WaitingFrame>&& waiting, int32_t depend);
  void dropProcsOf(dispatch::Index host);
  // A finished job with no frame running leaves the model; its slots are reused.
  void evictIfDoneLocked(dispatch::Index job);

  // mu_, taken with the jobs handed over by addNewJobs added first.
  std::unique_lock<std::mutex> lockModel();
  void addHandedOverLocked();

  store::Store& store_;
  dispatch::MemoryPolicyConfig memory_config_;
  std::mutex mu_;
  // Jobs addNewJobs handed over while mu_ was held (taken after mu_, never before it).
  std::mutex handed_mu_;
  std::vector<AddedJob> handed_over_;
  std::atomic<bool> any_handed_over_{false};
  dispatch::FarmView view_;
  std::vector<core::Job> jobs_;                  // parallel to view_.jobs
  std::vector<core::Layer> layers_;              // parallel to view_.layers
  std::vector<core::Host> hosts_;                // parallel to view_.hosts
  std::vector<dispatch::MemoryHistory> memory_;  // parallel to view_.layers
  std::map<std::string, dispatch::Index> show_idx_, alloc_idx_, group_idx_, limit_idx_, job_idx_,
      layer_idx_, host_idx_, proc_idx_;
  std::map<std::string, dispatch::Index> host_by_name_;   // hosts in the store, by name
  std::vector<dispatch::Index> free_jobs_, free_layers_;  // slots of jobs that left
  // Per host: (when, cores) of frames that ended, for HostView::recently_freed.
  std::map<dispatch::Index, std::vector<std::pair<core::EpochSec, core::CoreUnits>>> freed_;
  void updateRecentlyFreedLocked(dispatch::Index host, core::EpochSec now);
};

}  // namespace cue::cuebot
