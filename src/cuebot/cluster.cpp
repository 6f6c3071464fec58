#include "cuebot/cluster.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_format.h"
#include "common/logging.h"
#include "common/process.h"

namespace cue::cuebot {
namespace {

constexpr const char* kLease = "booking";
constexpr int32_t kBatch = 2000;
// A jump larger than this (entries pruned, a first read) is not waited on entry by entry.
constexpr int64_t kMaxGaps = 10'000;

std::string instanceName(const std::string& id) {
  std::random_device rd;
  return absl::StrFormat("%s#%08x", id, rd());
}

}  // namespace

Cluster::Cluster(store::Store& store, FarmModel& model, Dispatcher& dispatcher,
                 const common::Clock& clock, ClusterOptions options)
    : store_(store), model_(model), dispatcher_(dispatcher), clock_(clock),
      options_(std::move(options)), holder_(instanceName(options_.id)) {
  dispatcher_.setBooking(false);  // until the lease is ours
}

Cluster::~Cluster() { stop(); }

void Cluster::start() {
  // The model was just loaded: changes from here on come through the feed.
  auto last = store_.lastChange();
  applied_seq_ = last.ok() ? *last : 0;
  model_fresh_ = true;
  tick();
  model_fresh_ = false;
  // The lease on a thread of its own: applying a burst of changes or reloading the model
  // (model locks, store reads) must never delay a renewal past the lease's end.
  auto every = [this](const char* name, int interval_ms, auto step) {
    return std::thread([this, name, interval_ms, step] {
      common::nameThisThread(name);
      std::unique_lock<std::mutex> lock(mu_);
      while (!stopping_) {
        cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        step();
        lock.lock();
      }
    });
  };
  lease_thread_ = every("lease", options_.renew_interval_ms, [this] { renewLease(); });
  thread_ = every("cluster-sync", options_.sync_interval_ms, [this] { sync(); });
}

void Cluster::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (lease_thread_.joinable()) lease_thread_.join();
  publish();
  dispatcher_.setBooking(false);
  leader_ = false;
  if (holding_.exchange(false)) (void)store_.releaseLease(kLease, holder_);
}

void Cluster::note(const std::string& kind, const std::string& ref) {
  std::lock_guard<std::mutex> lock(pending_mu_);
  pending_.emplace(kind, ref);
}

int Cluster::tick() {
  renewLease();
  return sync();
}

int Cluster::sync() {
  if (takeover_) finishTakeover();
  publish();
  std::lock_guard<std::mutex> lock(feed_mu_);
  int applied = applyOthers();
  const int64_t now = clock_.nowMillis();
  if (leader_ && now >= next_prune_ms_) {
    (void)store_.pruneChanges(now / 1000 - options_.keep_changes_sec);
    next_prune_ms_ = now + 60'000;
  }
  return applied;
}

void Cluster::renewLease() {
  const int64_t now = clock_.nowMillis();
  auto lease = store_.acquireLease(kLease, holder_, now, options_.lease_ms);
  // At start only (model_fresh_): a process given the same id by mistake takes the lease
  // from the other once, not back and forth.
  if (lease.ok() && lease->holder != holder_ && !holding_ && model_fresh_ &&
      options_.reclaim_own_lease && lease->holder.starts_with(options_.id + "#")) {
    common::logger("cluster")->info("{} takes the booking lease over from its own earlier start {}",
                                    options_.id, lease->holder);
    if (store_.releaseLease(kLease, lease->holder).ok())
      lease = store_.acquireLease(kLease, holder_, now, options_.lease_ms);
  }
  if (!lease.ok()) {
    // Unreachable store: keep booking only while the lease surely holds.
    if (holding_ && now >= lease_until_ms_)
      stepDown("the booking lease could not be renewed: " + lease.status().ToString());
    return;
  }
  if (lease->holder == holder_) {
    lease_until_ms_ = now + options_.lease_ms;
    if (!holding_ || lease->token != token_) becomeLeader(lease->token);
  } else if (holding_) {
    stepDown("the booking lease is held by " + lease->holder);
  }
}

void Cluster::becomeLeader(int64_t token) {
  store_.setBookingFence(kLease, holder_, token);
  token_ = token;
  holding_ = true;
  if (model_fresh_) {
    inheritProcs();
    leader_ = true;
    dispatcher_.setBooking(true);
    dispatcher_.kickAll();
    common::logger("cluster")->info("{} books the farm (lease token {})", options_.id, token);
  } else {
    takeover_ = true;  // the sync thread reloads the model, then books
  }
}

void Cluster::finishTakeover() {
  auto log = common::logger("cluster");
  // Another cuebot booked until now: what this model holds may lag; read it all.
  auto last = store_.lastChange();
  if (auto st = model_.load(); !st.ok() || !last.ok()) {
    log->error("taking over booking: cannot reload the farm: {}",
               st.ok() ? last.status().ToString() : st.ToString());
    return;  // tried again at the next sync
  }
  {
    std::lock_guard<std::mutex> lock(feed_mu_);
    applied_seq_ = std::max(applied_seq_, *last);
    gaps_.clear();
  }
  if (!takeover_.exchange(false) || !holding_) return;  // lost again meanwhile
  inheritProcs();
  leader_ = true;
  dispatcher_.setBooking(true);
  dispatcher_.kickAll();
  log->info("{} books the farm (lease token {})", options_.id, token_);
}

void Cluster::inheritProcs() {
  // Whether the cuebot that booked them sent their LaunchFrame, nothing here knows.
  dispatcher_.uncertainLaunches().addAll(model_.procIds(), clock_.nowSeconds());
}

void Cluster::stepDown(const std::string& why) {
  holding_ = false;
  takeover_ = false;
  leader_ = false;
  dispatcher_.setBooking(false);
  common::logger("cluster")->warn("{} stops booking: {}", options_.id, why);
}

void Cluster::publish() {
  std::set<std::pair<std::string, std::string>> batch;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  std::vector<store::FarmChange> changes;
  changes.reserve(batch.size());
  for (const auto& [kind, ref] : batch) changes.push_back({0, holder_, kind, ref});
  auto st = store_.publishChanges(holder_, changes, clock_.nowSeconds());
  if (!st.ok()) {
    common::logger("cluster")->warn("cannot publish {} changes: {}", changes.size(), st.ToString());
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending_.insert(batch.begin(), batch.end());
  }
}

int Cluster::applyOthers() {
  const int64_t now = clock_.nowMillis();
  for (auto it = gaps_.begin(); it != gaps_.end();)  // rolled back: never coming
    it = now - it->second > options_.gap_timeout_ms ? gaps_.erase(it) : std::next(it);
  const int64_t from = gaps_.empty() ? applied_seq_ : std::min(applied_seq_, gaps_.begin()->first - 1);
  // Own entries are read too (and skipped), so that a gap is only ever another
  // transaction's entry not committed yet.
  auto changes = store_.changesSince(from, "", kBatch);
  if (!changes.ok()) return 0;
  const int64_t saved_seq = applied_seq_;
  const auto saved_gaps = gaps_;
  std::set<std::string> jobs, hosts;
  bool dependents = false, reference = false;
  int applied = 0;
  for (const auto& c : *changes) {
    if (c.seq > applied_seq_) {
      if (c.seq - applied_seq_ <= kMaxGaps)
        for (int64_t missing = applied_seq_ + 1; missing < c.seq; ++missing) gaps_[missing] = now;
      applied_seq_ = c.seq;
    } else if (gaps_.erase(c.seq) == 0) {
      continue;  // applied before
    }
    if (c.origin == holder_) continue;
    ++applied;
    if (c.kind == "job") jobs.insert(c.ref);
    else if (c.kind == "host") hosts.insert(c.ref);
    else if (c.kind == "dependents") dependents = true;
    else if (c.kind == "reference") reference = true;
  }
  if (applied == 0) return 0;
  // A store that cannot answer now (UNAVAILABLE, a lost race) fails the batch, to be read
  // again; any other error is the change's own (an entry naming what no longer exists)
  // and is only logged, so that it never stalls the feed.
  absl::Status failed;
  auto check = [&](const absl::Status& st) {
    if (st.ok()) return;
    if (absl::IsUnavailable(st) || absl::IsAborted(st) || absl::IsDeadlineExceeded(st)) {
      if (failed.ok()) failed = st;
    } else {
      common::logger("cluster")->warn("applying another cuebot's change: {}", st.ToString());
    }
  };
  if (reference) check(model_.refreshReference());
  for (const auto& j : jobs) check(model_.refreshJob(j));
  if (dependents) check(model_.refreshDependents());
  for (const auto& h : hosts) check(model_.refreshHost(h));
  if (!failed.ok()) {
    // Read the whole batch again next time: applying a change again is harmless.
    applied_seq_ = saved_seq;
    gaps_ = saved_gaps;
    common::logger("cluster")->warn("applying other cuebots' changes: {} (will retry)",
                                    failed.ToString());
    return 0;
  }
  if (leader_) {
    if (reference || dependents || !jobs.empty()) dispatcher_.kickAll();
    for (const auto& h : hosts) dispatcher_.kickHost(h);
  }
  return applied;
}

}  // namespace cue::cuebot
