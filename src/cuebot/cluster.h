// Several cuebots on one database: which one books, and how each keeps its farm model in
// step with what the others change.
//
// Every cuebot serves the API and the rqds; all of them write to the one store, whose
// transactions keep frames and cores exactly-once whichever cuebot makes a change. Only
// the holder of the "booking" lease books frames (its Dispatcher books; the others'
// drop their visits): one planner sees the whole farm, so shares, caps and limits hold.
// The lease is renewed every renew_interval_ms and lasts lease_ms; when its holder dies,
// another cuebot takes it once it has expired, reloads its model from the store and
// books. Every booking is fenced by the lease's token (Store::setBookingFence): a cuebot
// that lost the lease without knowing it (a long pause) books nothing.
//
// The change feed: each cuebot notes what it changed (jobs, hosts, depends, reference
// data; Farm calls note() after each durable change), publishes the notes every
// sync_interval_ms and applies the others' (re-reading those jobs and hosts from the
// store into its model, then offering the hosts work). So a frame completed on one cuebot
// frees its cores in the booking cuebot's model, and a job launched anywhere is booked.
// Reads that arrive out of order across cuebots (a sequence number committed late) are
// covered by re-reading a window of recent entries and skipping those already applied.
//
// Thread-safety: note(), leader() from any thread; tick() from one thread at a time, and
// not while the threads of start() run.
#pragma once

#include <atomic>
#include <condition_variable>
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

  bool leader() const { return leader_; }
  const std::string& id() const { return options_.id; }

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
  void publish();
  int applyOthers();

  store::Store& store_;
  FarmModel& model_;
  Dispatcher& dispatcher_;
  const common::Clock& clock_;
  ClusterOptions options_;

  std::atomic<bool> leader_{false};
  bool model_fresh_ = false;    // the model was loaded just before start()
  int64_t token_ = 0;
  int64_t lease_until_ms_ = 0;  // as renewed last (own clock)
  std::mutex feed_mu_;          // guards what follows
  int64_t next_prune_ms_ = 0;
  int64_t applied_seq_ = 0;     // highest seq applied
  std::set<int64_t> recent_;    // applied seqs within the re-read window

  std::mutex pending_mu_;
  std::set<std::pair<std::string, std::string>> pending_;  // (kind, ref) to publish

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;        // sync
  std::thread lease_thread_;
};

}  // namespace cue::cuebot
