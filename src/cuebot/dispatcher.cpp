#include "cuebot/dispatcher.h"

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/logging.h"
#include "core/command_tokens.h"
#include "core/frame_set.h"
#include "dispatch/plan.h"

namespace cue::cuebot {

Dispatcher::Dispatcher(store::Store& store, RqdClient& rqd, const common::Clock& clock,
                       DispatcherOptions options)
    : store_(store), rqd_(rqd), clock_(clock), options_(options) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { worker(); });
  sweeper_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms),
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
  for (auto& t : threads_) t.join();
  if (sweeper_.joinable()) sweeper_.join();
  threads_.clear();
}

int Dispatcher::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

void Dispatcher::kickHost(const std::string& host_id, const std::string& prefer_job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = queued_.find(host_id);
    if (it != queued_.end()) {
      if (!prefer_job.empty()) it->second = prefer_job;
      return;
    }
    queued_[host_id] = prefer_job;
    queue_.push_back(host_id);
  }
  cv_.notify_all();
}

void Dispatcher::kickAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sweep_requested_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::sweep() {
  store::HostSearch q;
  q.states = {core::HardwareState::kUp};
  auto hosts = store_.getHosts(q);
  if (!hosts.ok()) {
    common::logger("dispatch")->warn("sweep: cannot list hosts: {}", hosts.status().ToString());
    return;
  }
  for (const auto& h : *hosts)
    if (h.idle_cores > 0 && h.lock_state == core::LockState::kOpen) kickHost(h.id);
}

void Dispatcher::worker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] {
      if (stopping_) return true;
      for (const auto& h : queue_)
        if (!busy_.contains(h)) return true;
      return false;
    });
    if (stopping_) return;
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [this](const std::string& h) { return !busy_.contains(h); });
    std::string host = *it;
    queue_.erase(it);
    std::string prefer = queued_[host];
    queued_.erase(host);
    busy_.insert(host);
    lock.unlock();
    int launched = visit(host, prefer);
    lock.lock();
    busy_.erase(host);
    // A host that took frames may hold more once the store has caught up.
    if (launched > 0 && !queued_.contains(host)) {
      queued_[host] = "";
      queue_.push_back(host);
    }
    cv_.notify_all();
  }
}

int Dispatcher::visit(const std::string& host_id, const std::string& prefer_job) {
  auto log = common::logger("dispatch");
  stats_.visits++;
  auto host = store_.getHost(host_id);
  if (!host.ok() || host->state != core::HardwareState::kUp ||
      host->lock_state != core::LockState::kOpen || host->idle_cores <= 0)
    return 0;
  auto candidates = store_.dispatchCandidates(*host, options_.frames_per_layer);
  if (!candidates.ok()) {
    log->warn("host {}: cannot read dispatch candidates: {}", host->name,
              candidates.status().ToString());
    return 0;
  }
  if (candidates->empty()) return 0;

  // 1. the snapshot
  dispatch::Snapshot snap;
  snap.prefer_job_id = prefer_job;
  snap.host.id = host->id;
  snap.host.tags = host->tags;
  snap.host.tags.push_back(host->name);
  snap.host.cores = host->cores;
  snap.host.idle_cores = host->idle_cores;
  snap.host.idle_memory = host->idle_memory;
  snap.host.idle_gpus = host->idle_gpus;
  snap.host.idle_gpu_memory = host->idle_gpu_memory;
  std::map<std::string, const store::LayerCandidate*> by_layer;
  std::map<std::string, const core::Frame*> frames;
  for (const auto& c : *candidates) {
    dispatch::LayerView v;
    v.job_id = c.job.id;
    v.layer_id = c.layer.id;
    v.show_id = c.job.show_id;
    v.job_priority = c.job.priority;
    v.job_start_time = c.job.start_time;
    v.layer_order = c.layer.dispatch_order;
    v.job_max_cores = c.job.max_cores;
    v.job_running_cores = c.job_running_cores;
    v.show_burst = c.show_burst;
    v.show_running_cores = c.show_running_cores;
    v.min_cores = c.layer.min_cores;
    v.min_memory = c.layer.min_memory;
    v.min_gpus = c.layer.min_gpus;
    v.min_gpu_memory = c.layer.min_gpu_memory;
    v.tags = c.layer.tags;
    for (const auto& f : c.waiting) {
      v.waiting_frames.push_back(f.id);
      frames[f.id] = &f;
    }
    by_layer[c.layer.id] = &c;
    snap.layers.push_back(std::move(v));
  }
  // 2. the plan
  dispatch::Config config;
  config.max_bookings = options_.max_bookings_per_visit;
  dispatch::Plan plan = dispatch::plan(snap, config);
  if (plan.bookings.empty()) return 0;

  // 3. durable bookings
  const int64_t now = clock_.nowSeconds();
  std::vector<store::Booking> bookings;
  for (const auto& b : plan.bookings) {
    const auto* c = by_layer[b.layer_id];
    const auto* f = frames[b.frame_id];
    store::Booking bk;
    bk.proc_id = common::newId();
    bk.host_id = host->id;
    bk.frame_id = b.frame_id;
    bk.job_id = b.job_id;
    bk.layer_id = b.layer_id;
    bk.cores = b.cores;
    bk.memory = b.memory;
    bk.gpus = b.gpus;
    bk.gpu_memory = b.gpu_memory;
    bk.now = now;
    bk.log_path = absl::StrCat(c->job.log_dir, "/", c->job.name, ".", f->name, ".rqlog");
    bookings.push_back(std::move(bk));
  }
  auto made = store_.book(bookings);
  if (!made.ok()) {
    log->warn("host {}: booking failed: {}", host->name, made.status().ToString());
    return 0;
  }
  stats_.booked += static_cast<int64_t>(made->size());

  // 4. launches
  int launched = 0;
  bool host_unreachable = false;
  for (const auto& bk : *made) {
    const auto* c = by_layer[bk.layer_id];
    const auto* f = frames[bk.frame_id];
    if (host_unreachable) {  // give the rest back without trying
      auto undo = store_.unbook(bk.proc_id, false, 0, clock_.nowSeconds());
      if (!undo.ok()) log->error("cannot undo booking {}: {}", bk.proc_id, undo.ToString());
      continue;
    }
    rqd::RunFrame rf = buildRunFrame(bk, *host, *c, *f);
    absl::Status st = rqd_.launchFrame(host->rqd_address, rf);
    if (st.ok()) {
      ++launched;
      log->debug("launched {} on {} ({} cores)", rf.frame_name(), host->name, bk.cores);
      continue;
    }
    // 5. undo
    stats_.launch_failures++;
    bool refused = st.code() == absl::StatusCode::kInvalidArgument ||
                   st.code() == absl::StatusCode::kPermissionDenied;
    if (refused) stats_.refused++;
    log->warn("launch of {}/{} on {} failed{}: {}", c->job.name, f->name, host->name,
              refused ? " for good (frame DEAD)" : " (requeued)", st.ToString());
    auto undo = store_.unbook(bk.proc_id, refused, core::kExitFailedLaunch, clock_.nowSeconds());
    if (!undo.ok()) log->error("cannot undo booking {}: {}", bk.proc_id, undo.ToString());
    if (!refused) host_unreachable = true;  // unreachable or busy: send it nothing more now
  }
  return launched;
}

rqd::RunFrame Dispatcher::buildRunFrame(const store::Booking& b, const core::Host& host,
                                        const store::LayerCandidate& c,
                                        const core::Frame& f) const {
  const core::Job& job = c.job;
  const core::Layer& layer = c.layer;
  core::CommandContext ctx;
  ctx.job = job.name;
  ctx.job_id = job.id;
  ctx.layer = layer.name;
  ctx.layer_id = layer.id;
  ctx.frame_id = f.id;
  ctx.show = job.show;
  ctx.shot = job.shot;
  ctx.user = job.user;
  ctx.log_file = b.log_path;
  ctx.resource_id = b.proc_id;
  ctx.frame_number = f.number;
  ctx.chunk_size = layer.chunk_size;
  ctx.cue_tokens = true;
  if (layer.chunk_size > 1) {
    auto set = core::FrameSet::parse(layer.range);
    if (set.ok()) {
      for (const auto& chunk : core::chunkFrames(*set, layer.chunk_size))
        if (chunk.number == f.number) ctx.chunk_frames = chunk.frames;
    }
  }
  rqd::RunFrame rf;
  rf.set_resource_id(b.proc_id);
  rf.set_job_id(job.id);
  rf.set_job_name(job.name);
  rf.set_frame_id(f.id);
  rf.set_frame_name(f.name);
  rf.set_layer_id(layer.id);
  rf.set_command(core::substituteCommandTokens(layer.command, ctx));
  rf.set_user_name(job.user);
  rf.set_log_dir(job.log_dir);
  rf.set_show(job.show);
  rf.set_shot(job.shot);
  rf.set_job_temp_dir(absl::StrCat("/tmp/", job.name));
  rf.set_frame_temp_dir(absl::StrCat("/tmp/", job.name, "/", f.name));
  rf.set_log_file(absl::StrCat(job.name, ".", f.name, ".rqlog"));
  rf.set_log_dir_file(b.log_path);
  rf.set_start_time(clock_.nowMillis());
  rf.set_uid(job.uid);
  rf.set_gid(0);  // rqd uses the uid's primary group
  rf.set_num_cores(b.cores);
  rf.set_num_gpus(b.gpus);
  rf.set_os(job.os);
  rf.set_soft_memory_limit(b.memory);
  rf.set_hard_memory_limit(0);
  auto& env = *rf.mutable_environment();
  for (const auto& [k, v] : job.env) env[k] = v;
  for (const auto& [k, v] : layer.env) env[k] = v;
  std::string range = layer.range;
  env["CUE_RANGE"] = range;
  env["CUE_CHUNK"] = std::to_string(layer.chunk_size);
  if (!ctx.chunk_frames.empty()) {
    env["CUE_FRAME_START"] = std::to_string(ctx.chunk_frames.front());
    env["CUE_FRAME_END"] = std::to_string(ctx.chunk_frames.back());
  }
  (*rf.mutable_attributes())["host"] = host.name;
  return rf;
}

}  // namespace cue::cuebot
