// The booking loop around dispatch::plan: turns "host H has idle resources" into frames
// running on H.
//
// A sweep books the whole farm's plan (dispatch::planFarm) in one transaction and
// launches it from several threads; a host visit does the same for the hosts queued
// together (those that freed procs since a worker last looked, up to max_hosts_per_visit).
// For the hosts of a visit: 1. plan them from the in-memory farm model
// (dispatch::planHosts; no store reads); 2. make the bookings durable in one transaction
// (the store re-checks every frame and core) and record them in the model; 3. send each
// booked frame to its host's rqd with LaunchFrame (a worker does not wait for the answers:
// a free worker settles them once all are in); 4. undo a booking the rqd refused:
// requeued when it may work later, DEAD (exit status 256, FAILED_LAUNCH) when the rqd
// refused the frame.
//
// Hosts to visit are queued (each at most once) and served by worker threads, woken one at
// a time; a visited host is queued again only when it may take more at once (visit()). A
// sweep (when asked, and every sweep_interval; on a thread of its own) plans the whole
// farm (dispatch::planFarm), refreshes wide-frame reservations, books every frame of that
// plan in one transaction and launches them host by host from several threads, on a
// thread of their own: the next sweep plans and books while they are on their way (one
// sweep's launches at a time).
// Thread-safety: all public methods may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "cuebot/launch_registry.h"
#include "cuebot/model/farm_model.h"
#include "store/store.h"

// Declared only: rqd_client.h brings gRPC and rqd's generated messages, which most files that
// include this header (through farm.h) never use.
namespace rqd {
class RunFrame;
}

namespace cue::cuebot {

class RqdClient;

struct DispatcherOptions {
  int threads = 2;                // booking threads
  int max_bookings_per_visit = 100;  // per host
  // Most queued hosts one worker plans and books together (one transaction).
  int max_hosts_per_visit = 64;
  dispatch::Config plan;          // the planner's settings
  int sweep_interval_ms = 3000;   // periodic visit of every idle host
  // Most frames one sweep plans and books in one transaction (the model is locked
  // meanwhile); a bigger plan is booked by the sweeps that follow at once. Small sweeps
  // keep launches going out while the next sweep books (docs/PERFORMANCE.md, "sweeps of
  // 2,000 frames").
  int max_bookings_per_sweep = 2000;
};

struct DispatchStats {
  std::atomic<int64_t> visits{0}, booked{0}, launch_failures{0}, refused{0};
};

class Dispatcher {
 public:
  Dispatcher(store::Store& store, FarmModel& model, RqdClient& rqd, const common::Clock& clock,
             DispatcherOptions options);
  ~Dispatcher();

  void start();
  void stop();

  // Queues a visit of the host (once, however often it is kicked before the visit).
  void kickHost(const std::string& host_id);
  // Queues a sweep of every UP host with idle cores (new frames became waiting).
  void kickAll();
  // Visits the hosts now on the calling thread, in one plan and one booking transaction;
  // returns the number of frames launched and adds to `may_take_more` the hosts that may
  // take more frames at once: those that took max_bookings_per_visit, and those with a
  // booking the store turned down.
  int visit(const std::vector<std::string>& host_ids,
            std::set<std::string>* may_take_more = nullptr);

  // A frame's end on its way to the store, and what came of it.
  struct FrameEnd {
    store::FrameCompletion done;
    bool oom = false;  // killed for memory (its layer learns from it)
  };
  struct FrameEndResult {
    absl::StatusOr<store::CompletionResult> result;
    // Its host was planned again with the completion: no visit needed for it.
    bool host_planned = false;
  };
  // Frames ended, written with the next bookings of the hosts they free in one store
  // transaction (FarmModel::endAndBook), which are then launched without waiting: no
  // visit and no booking transaction of their own. A dispatcher that does not book, and
  // one whose write failed (the booking fence among the causes), writes the completions
  // alone. One result per end, in order.
  std::vector<FrameEndResult> completeAndBook(const std::vector<FrameEnd>& batch);

  // Whether this cuebot books (it holds the booking lease; see cluster.h). A dispatcher
  // that does not book drops its visits and sweeps. On by default.
  void setBooking(bool on) { booking_ = on; }
  bool booking() const { return booking_; }

  // A kill of a frame whose LaunchFrame is still on its way: true when it was kept, to be
  // sent once the rqd has answered the launch (see launch_registry.h); false when the
  // frame is not launching (the caller sends the kill itself).
  bool deferKill(const std::string& proc_id, const std::string& reason) {
    return launching_.deferKill(proc_id, reason);
  }
  size_t launching() const { return launching_.size(); }
  // Launches that timed out, whose procs stay booked until the host's reports say whether
  // the frame runs (launch_registry.h).
  UncertainLaunches& uncertainLaunches() { return uncertain_; }

  const DispatchStats& stats() const { return stats_; }
  const dispatch::Config& planConfig() const { return options_.plan; }
  int queued() const;

 private:
  void worker();
  void sweep();
  // A sweep's launches, host by host from several threads; on sweep_launcher_.
  void launchSweep(const std::vector<FarmModel::Launch>& launches);
  // Steps 1-2 of a visit: plans and books the hosts; adds to `may_take_more` as visit().
  absl::StatusOr<std::vector<FarmModel::Launch>> bookHosts(
      const std::vector<std::string>& host_ids, std::set<std::string>* may_take_more);
  // Sends booked frames to their rqds and waits for the answers; undoes the bookings they
  // refuse. Returns how many were launched.
  int launch(const std::vector<const FarmModel::Launch*>& launches);
  // Launches answered together, waiting for a worker to settle them.
  struct Answered {
    std::shared_ptr<const std::vector<FarmModel::Launch>> launches;
    std::vector<absl::Status> answers;
  };
  // Sends booked frames to their rqds without waiting: once all are answered, a worker
  // settles them (answered_).
  void launchAsync(std::vector<FarmModel::Launch> launches);
  // Step 4 for answered launches: undoes refused bookings, keeps uncertain ones, sends
  // kills asked meanwhile. Returns how many were launched.
  int settle(const std::vector<const FarmModel::Launch*>& launches,
             const std::vector<absl::Status>& answers);
  void settle(const Answered& answered);
  rqd::RunFrame buildRunFrame(const FarmModel::Launch& launch) const;
  // store_.book (or `write`, which returns the bookings made), with the procs in
  // launching_ from before the commit; adds to `refused_hosts` the hosts of the bookings
  // the store turned down.
  absl::StatusOr<std::vector<store::Booking>> book(const std::vector<store::Booking>& bookings,
                                                   std::set<std::string>* refused_hosts = nullptr,
                                                   const FarmModel::BookFn& write = nullptr);

  store::Store& store_;
  FarmModel& model_;
  RqdClient& rqd_;
  const common::Clock& clock_;
  DispatcherOptions options_;
  DispatchStats stats_;
  LaunchRegistry launching_;
  UncertainLaunches uncertain_;

  mutable std::mutex mu_;
  std::condition_variable cv_;        // workers: a host was queued
  std::condition_variable sweep_cv_;  // the sweeper: a sweep was asked
  std::deque<std::string> queue_;
  std::set<std::string> queued_;  // hosts in queue_
  std::set<std::string> busy_;                 // hosts being visited now
  std::deque<Answered> answered_;              // launches answered, to settle
  int launches_in_flight_ = 0;  // launchAsync batches not answered yet, completeAndBook calls
  std::condition_variable idle_cv_;            // stop(): the last answer came
  bool sweep_requested_ = false;
  bool stopping_ = false;
  std::atomic<bool> booking_{true};
  std::vector<std::thread> threads_;
  std::thread sweeper_;
  std::thread sweep_launcher_;  // the last sweep's launches (sweep())
};

}  // namespace cue::cuebot
