#include "cuebot/cluster.h"

#include <algorithm>

#include "common/logging.h"

namespace cue::cuebot {
namespace {

constexpr const char* kLease = "booking";
// Entries re-read behind the highest applied one: a change whose sequence number was
// taken before, but committed after, entries already read (another cuebot's slower
// transaction) is still seen.
constexpr int64_t kReReadWindow = 256;
constexpr int32_t kBatch = 2000;

}  // namespace

Cluster::Cluster(store::Store& store, FarmModel& model, Dispatcher& dispatcher,
                 const common::Clock& clock, ClusterOptions options)
    : store_(store), model_(model), dispatcher_(dispatcher), clock_(clock),
      options_(std::move(options)) {
  dispatcher_.setBooking(false);  // until the lease is ours
}

Cluster::~Cluster() { stop(); }

void Cluster::start() {
  // The model was just loaded: changes from here on come through the feed (the window
  // re-reads a little before, harmlessly: applying a change re-reads from the store).
  auto last = store_.lastChange();
  applied_seq_ = std::max<int64_t>(0, (last.ok() ? *last : 0) - kReReadWindow);
  model_fresh_ = true;
  tick();
  model_fresh_ = false;
  // The lease on a thread of its own: applying a burst of changes (model locks, store
  // reads) must never delay a renewal past the lease's end.
  auto every = [this](int interval_ms, auto step) {
    return std::thread([this, interval_ms, step] {
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
  lease_thread_ = every(options_.renew_interval_ms, [this] { renewLease(); });
  thread_ = every(options_.sync_interval_ms, [this] { sync(); });
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
  if (leader_) {
    dispatcher_.setBooking(false);
    leader_ = false;
    (void)store_.releaseLease(kLease, options_.id);
  }
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
  auto lease = store_.acquireLease(kLease, options_.id, now, options_.lease_ms);
  if (!lease.ok()) {
    // Unreachable store: keep booking only while the lease surely holds.
    if (leader_ && now >= lease_until_ms_)
      stepDown("the booking lease could not be renewed: " + lease.status().ToString());
    return;
  }
  if (lease->holder == options_.id) {
    lease_until_ms_ = now + options_.lease_ms;
    if (!leader_ || lease->token != token_) becomeLeader(lease->token);
  } else if (leader_) {
    stepDown("the booking lease is held by " + lease->holder);
  }
}

void Cluster::becomeLeader(int64_t token) {
  auto log = common::logger("cluster");
  store_.setBookingFence(kLease, options_.id, token);
  token_ = token;
  if (!model_fresh_) {
    // Another cuebot booked until now: what this model holds may lag; read it all.
    auto last = store_.lastChange();
    if (auto st = model_.load(); !st.ok()) {
      log->error("taking over booking: cannot reload the farm: {}", st.ToString());
      return;  // tried again at the next renewal
    }
    std::lock_guard<std::mutex> lock(feed_mu_);
    if (last.ok()) applied_seq_ = std::max(applied_seq_, *last);
  }
  leader_ = true;
  dispatcher_.setBooking(true);
  dispatcher_.kickAll();
  log->info("{} books the farm (lease token {})", options_.id, token);
}

void Cluster::stepDown(const std::string& why) {
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
  for (const auto& [kind, ref] : batch) changes.push_back({0, options_.id, kind, ref});
  auto st = store_.publishChanges(options_.id, changes, clock_.nowSeconds());
  if (!st.ok()) {
    common::logger("cluster")->warn("cannot publish {} changes: {}", changes.size(), st.ToString());
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending_.insert(batch.begin(), batch.end());
  }
}

int Cluster::applyOthers() {
  auto changes =
      store_.changesSince(std::max<int64_t>(0, applied_seq_ - kReReadWindow), options_.id, kBatch);
  if (!changes.ok()) return 0;
  std::set<std::string> jobs, hosts;
  bool dependents = false, reference = false;
  int applied = 0;
  for (const auto& c : *changes) {
    if (c.seq <= applied_seq_ - kReReadWindow || !recent_.insert(c.seq).second) continue;
    applied_seq_ = std::max(applied_seq_, c.seq);
    ++applied;
    if (c.kind == "job") jobs.insert(c.ref);
    else if (c.kind == "host") hosts.insert(c.ref);
    else if (c.kind == "dependents") dependents = true;
    else if (c.kind == "reference") reference = true;
  }
  recent_.erase(recent_.begin(), recent_.lower_bound(applied_seq_ - kReReadWindow));
  if (applied == 0) return 0;
  auto log = common::logger("cluster");
  auto check = [&](const absl::Status& st, const std::string& what) {
    if (!st.ok()) log->warn("applying another cuebot's change to {}: {}", what, st.ToString());
  };
  if (reference) check(model_.refreshReference(), "reference data");
  for (const auto& j : jobs) check(model_.refreshJob(j), "job " + j);
  if (dependents) check(model_.refreshDependents(), "depends");
  for (const auto& h : hosts) check(model_.refreshHost(h), "host " + h);
  if (leader_) {
    if (reference || dependents || !jobs.empty()) dispatcher_.kickAll();
    for (const auto& h : hosts) dispatcher_.kickHost(h);
  }
  return applied;
}

}  // namespace cue::cuebot
