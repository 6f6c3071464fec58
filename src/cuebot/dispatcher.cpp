#include "cuebot/dispatcher.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ids.h"
#include "common/logging.h"
#include "common/process.h"
#include "common/status.h"
#include "core/command_tokens.h"
#include "core/frame_set.h"
#include "cuebot/rqd_client.h"
#include "dispatch/plan.h"

namespace cue::cuebot {
namespace {

std::vector<const FarmModel::Launch*> pointersTo(const std::vector<FarmModel::Launch>& launches) {
  std::vector<const FarmModel::Launch*> out;
  out.reserve(launches.size());
  for (const auto& l : launches) out.push_back(&l);
  return out;
}

void logLaunched(spdlog::logger& log, const FarmModel::Launch& l) {
  log.debug("launched {}/{} on {} ({} cores)", l.job->name, l.frame_name, l.host->name,
            l.booking.cores);
}

std::vector<std::string> procIds(const std::vector<FarmModel::Launch>& launches) {
  std::vector<std::string> out;
  out.reserve(launches.size());
  for (const auto& l : launches) out.push_back(l.booking.proc_id);
  return out;
}

// The hosts that may take more frames at once: those that took their most frames for one
// plan (the planner fills a host until nothing more fits or it took that many), and those
// with a booking the store turned down.
std::set<std::string> mayTakeMore(const std::vector<FarmModel::Launch>& launches,
                                  const std::set<std::string>& refused, int max_per_host) {
  std::set<std::string> out = refused;
  std::map<std::string, int> taken;
  for (const auto& l : launches) ++taken[l.booking.host_id];
  for (const auto& [host, n] : taken)
    if (n >= max_per_host) out.insert(host);
  return out;
}

}  // namespace

Dispatcher::Dispatcher(store::Store& store, FarmModel& model, RqdClient& rqd,
                       const common::Clock& clock, DispatcherOptions options)
    : store_(store), model_(model), rqd_(rqd), clock_(clock), options_(options) {
  options_.plan.max_bookings_per_host = options_.max_bookings_per_visit;
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  for (int i = 0; i < options_.threads; ++i)
    threads_.emplace_back([this] {
      common::nameThisThread("dispatch");
      worker();
    });
  sweeper_ = std::thread([this] {
    common::nameThisThread("sweep");
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      sweep_cv_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms),
                         [this] { return stopping_ || sweep_requested_; });
      if (stopping_) break;
      sweep_requested_ = false;
      lock.unlock();
      sweep();
      lock.lock();
    }
  });
}

void Dispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  sweep_cv_.notify_all();
  for (auto& t : threads_) t.join();
  if (sweeper_.joinable()) sweeper_.join();
  if (sweep_launcher_.joinable()) sweep_launcher_.join();
  threads_.clear();
  // Launches still on their way are settled here once answered (a kill asked meanwhile is
  // sent, a refused frame requeued): their answers must not outlive the dispatcher.
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return launches_in_flight_ == 0; });
  std::deque<Answered> rest = std::move(answered_);
  answered_.clear();
  lock.unlock();
  for (const Answered& a : rest) settle(a);
}

int Dispatcher::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

void Dispatcher::kickHost(const std::string& host_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!queued_.insert(host_id).second) return;
    queue_.push_back(host_id);
  }
  // One worker takes every queued host it can; a second one is woken, if need be, by the
  // first when it takes the hosts (worker()).
  cv_.notify_one();
}

void Dispatcher::kickAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sweep_requested_ = true;
  }
  sweep_cv_.notify_one();
}

void Dispatcher::sweep() {
  // The whole farm planned and booked at once (one store transaction), then launched
  // from several threads, host by host, while the next sweep may plan and book.
  if (!booking_) return;
  bool more = false;
  auto launches = model_.planFarmAndBook(
      options_.plan, clock_.nowSeconds(),
      [this](const std::vector<store::Booking>& b) { return book(b); },
      [] { return common::newId(); }, static_cast<size_t>(options_.max_bookings_per_sweep), &more);
  if (!launches.ok()) {
    common::logger("dispatch")->warn("farm booking failed: {}", launches.status().ToString());
    return;
  }
  stats_.booked += static_cast<int64_t>(launches->size());
  if (more) kickAll();  // the rest of the plan, booked while this part is launched
  if (launches->empty()) return;
  // One sweep's launches on their way at a time: the next sweep's booking overlaps them,
  // and its launches wait for theirs.
  if (sweep_launcher_.joinable()) sweep_launcher_.join();
  sweep_launcher_ = std::thread(
      [this, booked = std::make_shared<std::vector<FarmModel::Launch>>(std::move(*launches))] {
        common::nameThisThread("sweep-launch");
        launchSweep(*booked);
      });
}

void Dispatcher::launchSweep(const std::vector<FarmModel::Launch>& launches) {
  std::map<std::string, std::vector<const FarmModel::Launch*>> by_host;
  for (const auto& l : launches) by_host[l.booking.host_id].push_back(&l);
  std::vector<std::vector<const FarmModel::Launch*>> chunks(
      std::max(1, std::min<int>(options_.threads * 2, static_cast<int>(by_host.size()))));
  size_t next = 0;
  for (auto& [host, ls] : by_host) {
    auto& chunk = chunks[next++ % chunks.size()];
    chunk.insert(chunk.end(), ls.begin(), ls.end());
  }
  std::vector<std::thread> ts;
  for (size_t i = 1; i < chunks.size(); ++i) ts.emplace_back([&, i] { launch(chunks[i]); });
  launch(chunks[0]);
  for (auto& th : ts) th.join();
  // A host that took as many frames as one plan gives may take more.
  for (const auto& [host, ls] : by_host)
    if (static_cast<int>(ls.size()) >= options_.max_bookings_per_visit) kickHost(host);
}

void Dispatcher::worker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] {
      if (stopping_ || !answered_.empty()) return true;
      for (const auto& h : queue_)
        if (!busy_.contains(h)) return true;
      return false;
    });
    if (stopping_) return;
    if (!answered_.empty()) {  // launches whose answers are all in
      Answered a = std::move(answered_.front());
      answered_.pop_front();
      lock.unlock();
      settle(a);
      lock.lock();
      continue;
    }
    // Every queued host that no other worker is visiting, up to max_hosts_per_visit: hosts
    // that freed together are planned together and booked in one transaction.
    std::vector<std::string> hosts;
    for (auto it = queue_.begin();
         it != queue_.end() && static_cast<int>(hosts.size()) < options_.max_hosts_per_visit;) {
      if (busy_.contains(*it)) {
        ++it;
        continue;
      }
      hosts.push_back(*it);
      queued_.erase(*it);
      busy_.insert(*it);
      it = queue_.erase(it);
    }
    // Hosts left past max_hosts_per_visit go to another worker. (Those another worker
    // visits now are its own again when it is done: it looks before it sleeps.)
    const bool left = std::any_of(queue_.begin(), queue_.end(),
                                  [this](const std::string& h) { return !busy_.contains(h); });
    lock.unlock();
    if (left) cv_.notify_one();
    // Booked, then launched without waiting for the answers: the next queued hosts need
    // not wait for this visit's round trips (a worker settles the answers, above). A visit
    // that booked more than one launch window (a host taking many frames at once) is sent
    // window by window and waited for, as a sweep is, so that the calls in flight stay
    // bounded.
    std::set<std::string> again;
    auto launches = bookHosts(hosts, &again);
    if (launches.ok() && launches->size() <= RqdClient::kLaunchWindow) {
      launchAsync(std::move(*launches));
    } else if (launches.ok()) {
      launch(pointersTo(*launches));
    }
    lock.lock();
    for (const auto& host : hosts) {
      busy_.erase(host);
      if (again.contains(host) && queued_.insert(host).second) queue_.push_back(host);
    }
    // No wake-up here: this worker looks at the queue again before it waits, and hosts
    // kicked meanwhile that it was not visiting woke another worker (kickHost).
  }
}

int Dispatcher::visit(const std::vector<std::string>& host_ids,
                      std::set<std::string>* may_take_more) {
  auto launches = bookHosts(host_ids, may_take_more);
  return launches.ok() ? launch(pointersTo(*launches)) : 0;
}

absl::StatusOr<std::vector<FarmModel::Launch>> Dispatcher::bookHosts(
    const std::vector<std::string>& host_ids, std::set<std::string>* may_take_more) {
  if (!booking_) return std::vector<FarmModel::Launch>{};
  auto log = common::logger("dispatch");
  stats_.visits += static_cast<int64_t>(host_ids.size());
  // 1-2. plan from memory, book durably, record in memory
  std::set<std::string> refused;  // hosts with a booking the store turned down
  auto launches = model_.planAndBook(
      host_ids, options_.plan, clock_.nowSeconds(),
      [&](const std::vector<store::Booking>& b) { return book(b, &refused); },
      [] { return common::newId(); });
  if (!launches.ok()) {
    log->warn("hosts {}: booking failed: {}", absl::StrJoin(host_ids, ", "),
              launches.status().ToString());
    return launches.status();
  }
  stats_.booked += static_cast<int64_t>(launches->size());
  if (may_take_more)
    may_take_more->merge(mayTakeMore(*launches, refused, options_.max_bookings_per_visit));
  return launches;
}

std::vector<Dispatcher::FrameEndResult> Dispatcher::completeAndBook(
    const std::vector<FrameEnd>& batch) {
  std::vector<store::FrameCompletion> done;
  done.reserve(batch.size());
  for (const auto& e : batch) done.push_back(e.done);
  std::vector<FrameEndResult> out(batch.size());
  auto alone = [&] {
    auto results = store_.completeFrames(done);
    for (size_t i = 0; i < out.size(); ++i)
      out[i].result = results.ok() ? std::move((*results)[i])
                                   : absl::StatusOr<store::CompletionResult>(results.status());
    return std::move(out);
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || !booking_) return alone();
    ++launches_in_flight_;  // until its launches are on their way: stop() waits for them
  }
  struct Held {
    Dispatcher* d;
    ~Held() {
      std::lock_guard<std::mutex> lock(d->mu_);
      --d->launches_in_flight_;
      d->idle_cv_.notify_all();
    }
  } held{this};
  std::vector<FarmModel::Ended> ended;
  ended.reserve(batch.size());
  for (const auto& e : batch)
    ended.push_back({e.done.proc_id, e.done.max_rss, e.done.run_time, e.oom});
  std::set<std::string> refused;  // hosts with a booking the store turned down
  auto written = model_.endAndBook(
      ended, options_.plan, clock_.nowSeconds(),
      [&](const std::vector<store::Booking>& bookings)
          -> absl::StatusOr<store::CompletedAndBooked> {
        store::CompletedAndBooked out;
        ASSIGN_OR_RETURN(
            out.made,
            book(bookings, &refused,
                 [&](const std::vector<store::Booking>& b)
                     -> absl::StatusOr<std::vector<store::Booking>> {
                   ASSIGN_OR_RETURN(auto both, store_.completeFramesAndBook(done, b));
                   out.completions = std::move(both.completions);
                   return std::move(both.made);
                 }));
        return out;
      },
      [] { return common::newId(); });
  if (!written.ok()) {
    common::logger("dispatch")
        ->warn("frame ends with bookings failed ({}): written alone", written.status().ToString());
    return alone();
  }
  stats_.visits += static_cast<int64_t>(written->planned.size());
  stats_.booked += static_cast<int64_t>(written->launches.size());
  const std::set<std::string> more =
      mayTakeMore(written->launches, refused, options_.max_bookings_per_visit);
  for (size_t i = 0; i < out.size(); ++i) {
    FrameEndResult& r = out[i];
    r.result = std::move(written->completions[i]);
    r.host_planned = r.result.ok() && written->planned.contains(r.result->host_id) &&
                     !more.contains(r.result->host_id);
  }
  launchAsync(std::move(written->launches));
  return out;
}

absl::StatusOr<std::vector<store::Booking>> Dispatcher::book(
    const std::vector<store::Booking>& bookings, std::set<std::string>* refused_hosts,
    const FarmModel::BookFn& write) {
  std::vector<std::string> ids;
  ids.reserve(bookings.size());
  for (const auto& b : bookings) ids.push_back(b.proc_id);
  launching_.add(ids);
  auto made = write ? write(bookings) : store_.book(bookings);
  std::vector<std::string> kept;
  if (made.ok())
    for (const auto& b : *made) kept.push_back(b.proc_id);
  launching_.keepOnly(ids, kept);
  if (made.ok() && refused_hosts && made->size() < bookings.size()) {
    const std::set<std::string> made_ids(kept.begin(), kept.end());
    for (const auto& b : bookings)
      if (!made_ids.contains(b.proc_id)) refused_hosts->insert(b.host_id);
  }
  return made;
}

int Dispatcher::launch(const std::vector<const FarmModel::Launch*>& launches) {
  // 3. launches, all on their way before the first answer is awaited
  std::vector<RqdClient::LaunchCall> calls;
  calls.reserve(launches.size());
  for (const FarmModel::Launch* l : launches)
    calls.push_back(RqdClient::LaunchCall{l->host->rqd_address, buildRunFrame(*l), l->host->name});
  return settle(launches, rqd_.launchFrames(calls));
}

void Dispatcher::launchAsync(std::vector<FarmModel::Launch> launches) {
  if (launches.empty()) return;
  auto held = std::make_shared<const std::vector<FarmModel::Launch>>(std::move(launches));
  std::vector<RqdClient::LaunchCall> calls;
  calls.reserve(held->size());
  for (const FarmModel::Launch& l : *held)
    calls.push_back(RqdClient::LaunchCall{l.host->rqd_address, buildRunFrame(l), l.host->name});
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++launches_in_flight_;
  }
  rqd_.launchFramesAsync(std::move(calls), [this, held](std::vector<absl::Status> answers) {
    // Every launch taken and no kill asked meanwhile (nearly always): settled here, on
    // gRPC's thread, without waking a worker. Otherwise a worker settles them, since that
    // may send kills or write to the store.
    const bool settled_here =
        std::all_of(answers.begin(), answers.end(), [](const absl::Status& s) { return s.ok(); }) &&
        launching_.finishAllUnlessKilled(procIds(*held));
    if (settled_here) {
      auto log = common::logger("dispatch");
      for (const FarmModel::Launch& l : *held) logLaunched(*log, l);
    }
    // Notified under the lock: stop() cannot return (and the dispatcher go) before this
    // callback has let go of it.
    std::lock_guard<std::mutex> lock(mu_);
    if (!settled_here) {
      answered_.push_back(Answered{held, std::move(answers)});
      cv_.notify_one();
    }
    --launches_in_flight_;
    idle_cv_.notify_all();
  });
}

void Dispatcher::settle(const Answered& a) { settle(pointersTo(*a.launches), a.answers); }

int Dispatcher::settle(const std::vector<const FarmModel::Launch*>& launches,
                       const std::vector<absl::Status>& answers) {
  auto log = common::logger("dispatch");
  int launched = 0;
  for (size_t k = 0; k < launches.size(); ++k) {
    const FarmModel::Launch& l = *launches[k];
    const store::Booking& bk = l.booking;
    const absl::Status& st = answers[k];
    std::optional<std::string> kill = launching_.finish(bk.proc_id);
    // Out of time or cancelled: the rqd may have started the frame. Requeued, it could run
    // on two hosts at once; it stays booked until the host's reports say (Farm::onStatus).
    const bool uncertain = st.code() == absl::StatusCode::kDeadlineExceeded ||
                           st.code() == absl::StatusCode::kCancelled ||
                           st.code() == absl::StatusCode::kUnknown;
    if (st.ok()) {
      ++launched;
      logLaunched(*log, l);
    } else if (uncertain) {
      stats_.launch_failures++;
      uncertain_.add(bk.proc_id, clock_.nowSeconds());
      log->warn(
          "launch of {}/{} on {} unanswered ({}): kept booked until the host's reports "
          "say whether it runs",
          l.job->name, l.frame_name, l.host->name, st.ToString());
    }
    if (st.ok() || uncertain) {
      if (kill) {  // asked while the launch was on its way
        log->info("frame {}/{} on {}: sending the kill asked during its launch", l.job->name,
                  l.frame_name, l.host->name);
        auto ks = rqd_.killFrame(l.host->rqd_address, bk.frame_id, *kill);
        if (!ks.ok())
          log->warn("kill of frame {} on {} failed: {}", bk.frame_id, l.host->name, ks.ToString());
      }
      continue;
    }
    // 4. undo: requeued, or DEAD when the rqd refused the frame itself
    stats_.launch_failures++;
    const bool refused = st.code() == absl::StatusCode::kInvalidArgument ||
                         st.code() == absl::StatusCode::kPermissionDenied;
    if (refused) stats_.refused++;
    log->warn("launch of {}/{} on {} failed{}: {}", l.job->name, l.frame_name, l.host->name,
              refused ? " for good (frame DEAD)" : " (requeued)", st.ToString());
    auto us = store_.unbook(bk.proc_id, refused, core::kExitFailedLaunch, clock_.nowSeconds());
    if (!us.ok()) log->error("cannot undo booking {}: {}", bk.proc_id, us.ToString());
    model_.releaseProc(bk.proc_id);
    auto rs = model_.refreshJob(bk.job_id);
    if (!rs.ok()) log->error("cannot refresh job {}: {}", bk.job_id, rs.ToString());
  }
  return launched;
}

rqd::RunFrame Dispatcher::buildRunFrame(const FarmModel::Launch& l) const {
  const store::Booking& b = l.booking;
  const core::Job& job = *l.job;
  const core::Layer& layer = *l.layer;
  core::CommandContext ctx;
  ctx.job = job.name;
  ctx.job_id = job.id;
  ctx.layer = layer.name;
  ctx.layer_id = layer.id;
  ctx.frame_id = b.frame_id;
  ctx.show = job.show;
  ctx.shot = job.shot;
  ctx.user = job.user;
  ctx.log_file = b.log_path;
  ctx.resource_id = b.proc_id;
  ctx.frame_number = l.frame_number;
  ctx.chunk_size = layer.chunk_size;
  ctx.cue_tokens = true;
  if (layer.chunk_size > 1) {
    auto set = core::FrameSet::parse(layer.range);
    if (set.ok()) {  // without a vector per chunk of the layer
      const core::ChunkedFrames chunks = core::chunkedFrames(*set, layer.chunk_size);
      for (size_t i = 0; i < chunks.count(); ++i) {
        if (chunks.number(i) != l.frame_number) continue;
        const auto frames = chunks.chunk(i);
        ctx.chunk_frames.assign(frames.begin(), frames.end());
        break;
      }
    }
  }
  rqd::RunFrame rf;
  rf.set_resource_id(b.proc_id);
  rf.set_job_id(job.id);
  rf.set_job_name(job.name);
  rf.set_frame_id(b.frame_id);
  rf.set_frame_name(l.frame_name);
  rf.set_layer_id(layer.id);
  rf.set_command(core::substituteCommandTokens(layer.command, ctx));
  rf.set_user_name(job.user);
  rf.set_log_dir(job.log_dir);
  rf.set_show(job.show);
  rf.set_shot(job.shot);
  rf.set_job_temp_dir(absl::StrCat("/tmp/", job.name));
  rf.set_frame_temp_dir(absl::StrCat("/tmp/", job.name, "/", l.frame_name));
  rf.set_log_file(absl::StrCat(job.name, ".", l.frame_name, ".rqlog"));
  rf.set_log_dir_file(b.log_path);
  rf.set_start_time(clock_.nowMillis());
  rf.set_uid(job.uid);
  rf.set_gid(0);  // rqd uses the uid's primary group
  rf.set_num_cores(b.cores);
  rf.set_num_gpus(b.gpus);
  rf.set_os(job.os);
  rf.set_soft_memory_limit(b.memory);
  rf.set_hard_memory_limit(0);
  // Cue's rqd enforces the layer's timeouts (OpenCue's RunFrame has no field for them).
  if (layer.timeout_min > 0)
    (*rf.mutable_attributes())["cue_timeout_s"] = std::to_string(int64_t{layer.timeout_min} * 60);
  if (layer.timeout_llu_min > 0)
    (*rf.mutable_attributes())["cue_timeout_llu_s"] =
        std::to_string(int64_t{layer.timeout_llu_min} * 60);
  auto& env = *rf.mutable_environment();
  for (const auto& [k, v] : job.env) env[k] = v;
  for (const auto& [k, v] : layer.env) env[k] = v;
  env["CUE_RANGE"] = layer.range;
  env["CUE_CHUNK"] = std::to_string(layer.chunk_size);
  if (!ctx.chunk_frames.empty()) {
    env["CUE_FRAME_START"] = std::to_string(ctx.chunk_frames.front());
    env["CUE_FRAME_END"] = std::to_string(ctx.chunk_frames.back());
  }
  (*rf.mutable_attributes())["host"] = l.host->name;
  return rf;
}

}  // namespace cue::cuebot
