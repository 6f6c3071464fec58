// Several cuebots on one database: which one books, and how each keeps its farm model in
// step with what the others change.
//
// Every cuebot serves the API and the rqds; all of them write to the one store, whose
// transactions keep frames and cores exactly-once whichever cuebot makes a change. Only
// the holder of the "booking" lease books frames (its Dispatcher books; the others'
// drop their visits): one planner sees the whole farm, so shares, caps and limits hold.
// The lease is renewed every renew_interval_ms (on a thread of its own) and lasts
// lease_ms; when its holder dies, another cuebot takes it once it has expired, reloads its
// model from the store (on the sync thread, so that renewals go on meanwhile) and books.
// Bookings are fenced by the lease's token (Store::setBookingFence, set when the lease is
// taken): a cuebot that lost the lease without knowing it (a long pause) books nothing.
// Each start of a cuebot holds the lease under its own name (the id plus a random
// suffix), so two processes given one id never share it.
//
// The change feed: each cuebot notes what it changed (jobs, hosts, depends, reference
// data; Farm calls note() after each durable change), publishes the notes every
// sync_interval_ms and applies the others' (re-reading those jobs and hosts from the
// store into its model, then offering the hosts work). So a frame completed on one cuebot
// frees its cores in the booking cuebot's model, and a job launched anywhere is booked.
// Sequence numbers are taken at insert, not at commit, so an entry may appear after later
// ones were read: every number skipped over is remembered as a gap and looked for again
// until it shows up or gap_timeout_ms passes (a rolled-back insert never fills its gap).
// A batch whose application failed (the store unreachable) is read again next time.
//
// Thread-safety: note(), leader() from any thread; tick() from one thread at a time, and
// not while the threads of start() run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "cuebot/dispatcher.h"
#include "cuebot/model/farm_model.h"
#include "store/store.h"

namespace cue::cuebot {

struct ClusterOptions {
  std::string id;                 // this cuebot's name in the lease and the feed
  int lease_ms = 5000;            // another cuebot books this long after this one stops
  int renew_interval_ms = 1000;   // lease renewal
  int sync_interval_ms = 200;     // publish own changes, apply the others'
  int keep_changes_sec = 600;     // feed entries older than this are pruned
  int gap_timeout_ms = 30'000;    // how long a skipped sequence number is waited for
  // The id is this process's alone (HOST:PORT with the port bound without SO_REUSEPORT):
  // a lease held under it by an earlier start is that start's, and that start is dead
  // (a restart), so at start the lease is freed and taken at once, with a new token,
  // rather than after it expires. The token fences off bookings of anyone who still held
  // it (two processes on one host and port, bound to two addresses).
  bool reclaim_own_lease = false;
};

class Cluster {
 public:
  Cluster(store::Store& store, FarmModel& model, Dispatcher& dispatcher,
          const common::Clock& clock, ClusterOptions options);
  ~Cluster();

  // Takes the lease if free (so a lone cuebot books at once) and starts the thread.
  void start();
  // Stops the thread; gives the lease up so that another cuebot takes over at once.
  void stop();

  // A durable change this cuebot made: kind "job"/"host" with its id, "dependents" or
  // "reference" with an empty ref.
  void note(const std::string& kind, const std::string& ref = "");

  // Whether this cuebot books now (it holds the lease and its model is loaded).
  bool leader() const { return leader_; }
  // This start's name in the lease and the feed: the id plus a random suffix.
  const std::string& holder() const { return holder_; }

  // One round: lease, then sync(). Tests call it with a manual clock. Returns how many of
  // the others' changes were applied.
  int tick();

 private:
  // Publishes this cuebot's notes and applies the others' (the sync thread).
  int sync();
  // Takes or renews the lease (the lease thread).
  void renewLease();
  void becomeLeader(int64_t token);
  void stepDown(const std::string& why);
  // Before booking starts: the procs the model holds are someone else's launches
  // (UncertainLaunches), settled by the hosts' reports.
  void inheritProcs();
  // On the sync thread after the lease was taken: reload the model, then book.
  void finishTakeover();
  void publish();
  int applyOthers();

  store::Store& store_;
  FarmModel& model_;
  Dispatcher& dispatcher_;
  const common::Clock& clock_;
  ClusterOptions options_;
  const std::string holder_;

  std::atomic<bool> holding_{false};    // the lease is ours
  std::atomic<bool> takeover_{false};   // taken, model not reloaded yet
  std::atomic<bool> leader_{false};     // booking
  bool model_fresh_ = false;    // the model was loaded just before start()
  std::atomic<int64_t> token_{0};
  int64_t lease_until_ms_ = 0;  // as renewed last (own clock; the lease thread's)
  std::mutex feed_mu_;          // guards what follows
  int64_t next_prune_ms_ = 0;
  int64_t applied_seq_ = 0;                // highest seq seen
  std::map<int64_t, int64_t> gaps_;        // seqs skipped over -> when first missed (ms)

  std::mutex pending_mu_;
  std::set<std::pair<std::string, std::string>> pending_;  // (kind, ref) to publish

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;        // sync
  std::thread lease_thread_;
};

}  // namespace cue::cuebot
