// Reporter: rqd's client side of report.RqdReportInterface on cuebot.
//
//   1. ReportRqdStartup(BootReport) first, retried with backoff until cuebot answers OK.
//   2. Then ReportStatus(HostReport) every interval, and at once after nudge() (a frame
//      started or ended, cores were locked...). A failed status report is only logged: the
//      next one carries the same information.
//   3. ReportRunningFrameCompletion for every submitted completion, in order, retried with
//      exponential backoff (initial .. max) until cuebot answers. Completions waiting
//      together (frames that ended while the last call was on its way) go in one Cue
//      ReportRunningFrameCompletions (cue.ext.ReportInterface, up to kMaxBatch), one result
//      each; a cuebot that answers it UNIMPLEMENTED (OpenCue's) gets them one by one from
//      then on. OK, NOT_FOUND,
//      FAILED_PRECONDITION and INVALID_ARGUMENT count as acknowledged (cuebot has nothing
//      more to do with it); UNAVAILABLE, DEADLINE_EXCEEDED and every other error are
//      retried, across cuebot restarts. Each completion is written to
//      <spool_dir>/completions before its first attempt and deleted once acknowledged, so
//      an rqd restart does not lose it either: init() loads what a previous run left.
// Every RPC carries a deadline (rpc_timeout). With several cuebot targets, a transport
// failure moves to the next one.
//
// Thread-safety: all public methods may be called from any thread. Two threads of its own
// (status, completions) run between start() and stop().
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "cue_report.grpc.pb.h"
#include "report.grpc.pb.h"
#include "rqd/frame_types.h"
#include "rqd/spool.h"

namespace cue::rqd {

class Reporter {
 public:
  struct Options {
    std::vector<std::string> targets;  // "host:port" of each cuebot, tried in order
    std::chrono::milliseconds interval{10000};
    std::chrono::milliseconds rpc_timeout{10000};
    std::chrono::milliseconds retry_initial{1000};
    std::chrono::milliseconds retry_max{60000};
    std::string spool_dir;    // completions persist under <spool_dir>/completions; "" = none
    bool spool_sync = false;  // fdatasync each one (RqdConfig::spool_sync)
    // How long a status report may wait after nudgeSoon(): the frames that start and end
    // within it share one report.
    std::chrono::milliseconds soon{1000};
  };
  // Returns the host's state now; called from the reporter's threads.
  using SnapshotFn = std::function<HostSnapshot()>;

  Reporter(Options options, SnapshotFn snapshot);
  ~Reporter();  // stop()

  // Creates the spool directory and queues completions left by an earlier run.
  absl::Status init();
  void start();
  // Stops both threads (an RPC in flight finishes or hits its deadline). Unsent
  // completions stay in the spool. Idempotent.
  void stop();

  // Sends a status report as soon as possible (locks, NIMBY: cuebot must act on them).
  void nudge();
  // Sends a status report within Options::soon, unless one goes earlier: for a frame that
  // started or ended, which cuebot already learns from the launch reply and the completion
  // report; the status report only refreshes what the host has free. A burst of short
  // frames costs one report per `soon`, not one per frame start and end.
  void nudgeSoon();
  // Queues (and persists) a completion; `host` is the RenderHost to send with it.
  void submitCompletion(const FrameCompletion& completion, const HostInfo& host);
  // Queues a completion already in wire form (e.g. loaded from the spool).
  void submitCompletion(::report::FrameCompleteReport report);

  bool booted() const;
  size_t pendingCompletions() const;
  bool hasPendingCompletion(const std::string& frame_id) const;
  // Waits until no completion is pending or `timeout` passes; true when none is.
  bool waitForCompletionsSent(std::chrono::milliseconds timeout) const;

  // True for the codes that acknowledge a completion (see the file comment).
  static bool acknowledges(grpc::StatusCode code);
  // Most completions in one ReportRunningFrameCompletions.
  static constexpr size_t kMaxBatch = 64;

 private:
  // A queued completion: the request made once, shared (not copied) by the queue and the
  // call that sends it.
  struct Pending {
    std::string key;  // spool key: "<frame_id>_<resource_id>"
    std::shared_ptr<const ::report::RqdReportRunningFrameCompletionRequest> request;
    const ::report::FrameCompleteReport& report() const { return request->frame_complete_report(); }
  };
  struct Target {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<::report::RqdReportInterface::Stub> stub;
    std::unique_ptr<::cue::ext::ReportInterface::Stub> ext;
    bool one_by_one = false;  // it answered ReportRunningFrameCompletions UNIMPLEMENTED
  };

  void statusLoop();
  void completionLoop();
  // Sends `batch` (the first completions waiting) in one ReportRunningFrameCompletions or,
  // for one completion or a cuebot without it, in a ReportRunningFrameCompletion. Returns
  // the completions not acknowledged (to retry after a backoff); empty when all were.
  // `why` says what happened to the first of them.
  std::vector<std::string> sendCompletions(const std::vector<Pending>& batch, std::string* why);
  // Drops acknowledged completions from the spool and the queue.
  void acknowledged(const std::vector<Pending>& batch, const std::vector<std::string>& kept);
  ::report::RqdReportInterface::Stub* stub();
  void noteFailure(const grpc::Status& status);
  std::unique_ptr<grpc::ClientContext> newContext() const;
  // Waits on `cv` up to `d` or until stop; true when stopping.
  bool sleepFor(std::chrono::milliseconds d, std::condition_variable& cv);
  std::chrono::milliseconds nextBackoff(std::chrono::milliseconds current) const;

  const Options options_;
  const SnapshotFn snapshot_;
  std::unique_ptr<FileSpool> spool_;

  mutable std::mutex mu_;
  // One per kind of waiter, so that a completion wakes only the thread that sends it.
  std::condition_variable status_cv_;           // the status loop: nudges, stop
  std::condition_variable completion_cv_;       // the completion loop: a new completion, stop
  mutable std::condition_variable drained_cv_;  // the queue emptied, stop
  std::vector<Target> targets_;
  size_t current_ = 0;
  std::deque<Pending> pending_;
  uint64_t sequence_ = 0;
  bool booted_ = false;
  bool nudged_ = false;
  std::optional<std::chrono::steady_clock::time_point> soon_at_;  // set by nudgeSoon()
  bool stopping_ = false;
  bool started_ = false;
  std::thread status_thread_;
  std::thread completion_thread_;
};

}  // namespace cue::rqd
