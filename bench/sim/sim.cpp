#include "sim.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace cue::sim {

double drawUniform(const std::string& key, uint64_t seed, double lo, double hi) {
  if (hi <= lo) return lo;
  uint64_t h = absl::HashOf(key, seed);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return lo + (hi - lo) * (static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53));
}

SimFarm::SimFarm(std::vector<HostSpec> hosts, std::map<std::string, FrameProfile> profiles,
                 SimOptions options)
    : profiles_(std::move(profiles)), options_(options) {
  hosts_.reserve(hosts.size());
  for (auto& spec : hosts) {
    Host h;
    h.idle_cores = spec.cores * 100;
    h.idle_memory = spec.memory_kb;
    total_cores_ += h.idle_cores;
    h.index = hosts_.size();
    host_index_[spec.name] = h.index;
    h.spec = std::move(spec);
    hosts_.push_back(std::move(h));
  }
  metrics_.total_cores = total_cores_;
}

SimFarm::~SimFarm() { stop(); }

SteadyTime SimFarm::wallAfter(double sim_seconds) const {
  return std::chrono::steady_clock::now() +
         std::chrono::microseconds(static_cast<int64_t>(sim_seconds / options_.time_scale * 1e6));
}

report::RenderHost SimFarm::renderHost(const Host& h) const {
  report::RenderHost r;
  r.set_name(h.spec.name);
  r.set_facility("local");
  r.set_num_procs(1);
  r.set_cores_per_proc(h.spec.cores * 100);
  r.set_total_mem(h.spec.memory_kb);
  r.set_free_mem(h.idle_memory);
  r.set_total_swap(0);
  r.set_total_mcp(100 * 1024 * 1024);
  r.set_free_mcp(100 * 1024 * 1024);
  r.set_boot_time(1);
  r.set_state(host::UP);
  for (const auto& t : h.spec.tags) r.add_tags(t);
  (*r.mutable_attributes())["SP_OS"] = "linux";
  if (!rqd_addresses.empty())
    (*r.mutable_attributes())["rqd_address"] = rqd_addresses[h.index % rqd_addresses.size()];
  (*r.mutable_attributes())["cue_completions_listed"] = "true";  // resent until taken
  return r;
}

report::RunningFrameInfo SimFarm::runningInfo(const Running& r) const {
  report::RunningFrameInfo f;
  f.set_resource_id(r.frame.resource_id());
  f.set_job_id(r.frame.job_id());
  f.set_job_name(r.frame.job_name());
  f.set_frame_id(r.frame.frame_id());
  f.set_frame_name(r.frame.frame_name());
  f.set_layer_id(r.frame.layer_id());
  f.set_num_cores(r.frame.num_cores());
  f.set_start_time(r.frame.start_time());
  f.set_max_rss(r.rss);
  f.set_rss(r.rss);
  return f;
}

std::shared_ptr<const report::HostReport> SimFarm::hostReport(size_t i) {
  std::lock_guard<std::mutex> lock(mu_);
  Host& h = hosts_[i];
  if (h.report && h.report_version == h.version) return h.report;
  auto built = std::make_shared<report::HostReport>();
  report::HostReport& rep = *built;
  *rep.mutable_host() = renderHost(h);
  for (const auto& [id, r] : h.running) *rep.add_frames() = runningInfo(r);
  auto* c = rep.mutable_core_info();
  c->set_total_cores(h.spec.cores * 100);
  c->set_idle_cores(static_cast<int32_t>(h.idle_cores));
  c->set_booked_cores(static_cast<int32_t>(h.spec.cores * 100 - h.idle_cores));
  h.report = std::move(built);
  h.report_version = h.version;
  return h.report;
}

absl::Status SimFarm::bootAll(int threads) {
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex err_mu;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      for (size_t i = next++; i < hosts_.size(); i = next++) {
        report::BootReport b;
        auto rep = hostReport(i);
        *b.mutable_host() = rep->host();
        *b.mutable_core_info() = rep->core_info();
        auto st = cuebot_->boot(b);
        if (!st.ok()) {
          failures++;
          std::lock_guard<std::mutex> lock(err_mu);
          if (first_error.empty()) first_error = st.ToString();
        }
      }
    });
  for (auto& t : ts) t.join();
  if (failures > 0)
    return absl::InternalError(
        absl::StrCat(failures.load(), " boot reports failed: ", first_error));
  return absl::OkStatus();
}

void SimFarm::start() {
  {
    std::lock_guard<std::mutex> lock(q_mu_);
    running_ = true;
    // Status reports spread over one interval.
    for (size_t i = 0; i < hosts_.size(); ++i)
      timers_.push({wallAfter(options_.report_interval * (i + 1) / hosts_.size()), 1, i, ""});
  }
  threads_.emplace_back([this] { timerLoop(); });
  for (int i = 0; i < options_.sender_threads; ++i) threads_.emplace_back([this] { senderLoop(); });
}

void SimFarm::freeze() {
  std::unique_lock<std::mutex> lock(q_mu_);
  frozen_ = true;
  ready_.clear();
  q_cv_.notify_all();
  q_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

void SimFarm::reportAll() {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    auto st = cuebot_->status(*hostReport(i));
    std::lock_guard<std::mutex> lock(mu_);
    ++metrics_.status_reports;
    if (!st.ok()) ++metrics_.report_errors;
  }
}

void SimFarm::stop() {
  halt_ = true;
  {
    std::lock_guard<std::mutex> lock(q_mu_);
    stopping_ = true;
  }
  q_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void SimFarm::schedule(Event e) {
  std::lock_guard<std::mutex> lock(q_mu_);
  if (frozen_ || stopping_) {
    if (e.kind != 1) timers_.push(std::move(e));  // a frozen farm keeps its frames
    return;
  }
  if (e.due <= std::chrono::steady_clock::now())
    readyPush(std::move(e));
  else
    timers_.push(std::move(e));
  q_cv_.notify_all();
}

void SimFarm::readyPush(Event e) {
  // Completions go before status reports, as a real rqd's would not queue behind its
  // neighbours' reports.
  if (e.kind == 1)
    ready_.push_back(std::move(e));
  else
    ready_.push_front(std::move(e));
}

void SimFarm::timerLoop() {
  std::unique_lock<std::mutex> lock(q_mu_);
  while (!stopping_) {
    if (frozen_ || timers_.empty()) {
      q_cv_.wait_for(lock, std::chrono::milliseconds(50));
      continue;
    }
    auto due = timers_.top().due;
    if (due > std::chrono::steady_clock::now()) {
      q_cv_.wait_until(
          lock, std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
      continue;
    }
    while (!timers_.empty() && timers_.top().due <= std::chrono::steady_clock::now()) {
      readyPush(timers_.top());
      timers_.pop();
    }
    q_cv_.notify_all();
  }
}

void SimFarm::senderLoop() {
  std::unique_lock<std::mutex> lock(q_mu_);
  while (true) {
    q_cv_.wait(lock, [this] { return stopping_ || (!frozen_ && !ready_.empty()); });
    if (stopping_) return;
    std::vector<Event> events;
    events.push_back(std::move(ready_.front()));
    ready_.pop_front();
    // A host's other completions due now go with it, as an rqd sends what has ended
    // while its last call was on its way (completions are at the front of ready_).
    if (events.front().kind != 1)
      for (auto it = ready_.begin();
           it != ready_.end() && it->kind != 1 && events.size() < kMaxCompletionsTogether;) {
        if (it->host == events.front().host) {
          events.push_back(std::move(*it));
          it = ready_.erase(it);
        } else {
          ++it;
        }
      }
    ++in_flight_;
    lock.unlock();
    if (events.front().kind == 1)
      runEvent(events.front());
    else
      runCompletions(events);
    lock.lock();
    --in_flight_;
    q_cv_.notify_all();
  }
}

void SimFarm::runEvent(const Event& e) {
  if (e.kind == 1) {  // status report
    auto st = cuebot_->status(*hostReport(e.host));
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++metrics_.status_reports;
      if (!st.ok()) ++metrics_.report_errors;
    }
    schedule({wallAfter(options_.report_interval), 1, e.host, ""});
    return;
  }
  runCompletions({e});
}

std::optional<report::FrameCompleteReport> SimFarm::endFrame(const Event& e) {
  // kind 0: the frame ends now; kind 2: it was killed
  report::FrameCompleteReport c;
  std::lock_guard<std::mutex> lock(mu_);
  Host& h = hosts_[e.host];
  auto it = h.running.find(e.frame_id);
  if (it == h.running.end()) return std::nullopt;  // killed meanwhile
  const Running& r = it->second;
  *c.mutable_host() = renderHost(h);
  *c.mutable_frame() = runningInfo(r);
  c.set_exit_status(e.kind == 2 ? 1 : 0);
  c.set_exit_signal(e.kind == 2 ? 9 : 0);
  c.set_run_time(static_cast<int32_t>(r.run_s));
  h.idle_cores += r.frame.num_cores();
  h.idle_memory += r.frame.soft_memory_limit();
  metrics_.running_cores -= r.frame.num_cores();
  h.freed.push_back(std::chrono::steady_clock::now());
  if (e.kind == 0) ++succeeded_[e.frame_id];
  running_on_.erase(e.frame_id);
  h.running.erase(it);
  ++h.version;
  ++metrics_.completions;
  return c;
}

void SimFarm::runCompletions(const std::vector<Event>& events) {
  std::vector<report::FrameCompleteReport> reports;
  for (const Event& e : events)
    if (auto c = endFrame(e)) reports.push_back(*std::move(c));
  // rqd resends a completion until cuebot takes it (also across a cuebot restart).
  while (!reports.empty() && !halt_) {
    std::vector<absl::Status> answers = cuebot_->completeAll(reports);
    std::vector<report::FrameCompleteReport> again;
    for (size_t i = 0; i < reports.size(); ++i)
      if (i >= answers.size() || !answers[i].ok()) again.push_back(std::move(reports[i]));
    reports = std::move(again);
    if (reports.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++metrics_.report_errors;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // back-off before a resend
  }
}

absl::Status SimFarm::launch(const rqd::RunFrame& frame) {
  auto host_attr = frame.attributes().find("host");
  if (host_attr == frame.attributes().end())
    return absl::InvalidArgumentError("RunFrame without a host attribute");
  auto hi = host_index_.find(host_attr->second);
  if (hi == host_index_.end()) return absl::NotFoundError("unknown host " + host_attr->second);
  const std::string layer = frame.frame_name().substr(frame.frame_name().find('-') + 1);
  auto prof = profiles_.find(layer);
  FrameProfile p = prof == profiles_.end() ? FrameProfile{} : prof->second;
  Running r;
  r.frame = frame;
  const double run_s = drawUniform(frame.frame_id(), options_.seed, p.run_min, p.run_max);
  r.run_s = run_s;
  r.rss = static_cast<int64_t>(drawUniform(frame.frame_id() + "m", options_.seed,
                                           static_cast<double>(p.rss_min),
                                           static_cast<double>(p.rss_max)));
  int64_t running_cores = 0;
  SteadyTime now = std::chrono::steady_clock::now();
  r.started = now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Host& h = hosts_[hi->second];
    if (running_on_.contains(frame.frame_id()) || succeeded_.contains(frame.frame_id())) {
      ++metrics_.ran_twice;
      ++metrics_.refused_launches;
      return absl::FailedPreconditionError("frame already ran: " + frame.frame_id());
    }
    if (frame.num_cores() > h.idle_cores || frame.soft_memory_limit() > h.idle_memory) {
      ++metrics_.overbooked;
      ++metrics_.refused_launches;
      return absl::ResourceExhaustedError(absl::StrCat("host ", h.spec.name, " over-booked"));
    }
    h.idle_cores -= frame.num_cores();
    h.idle_memory -= frame.soft_memory_limit();
    if (!h.freed.empty()) {
      metrics_.free_to_launch_ms.push_back(
          std::chrono::duration<double, std::milli>(now - h.freed.front()).count());
      h.freed.pop_front();
    }
    if (metrics_.launches++ == 0) metrics_.first_launch = now;
    metrics_.last_launch = now;
    metrics_.running_cores += frame.num_cores();
    running_cores = metrics_.running_cores;
    metrics_.peak_running_cores = std::max(metrics_.peak_running_cores, running_cores);
    running_on_[frame.frame_id()] = hi->second;
    h.running.emplace(frame.frame_id(), std::move(r));
    ++h.version;
  }
  schedule({run_s <= 0 ? now : wallAfter(run_s), 0, hi->second, frame.frame_id()});
  if (on_launch) on_launch(running_cores, now);
  return absl::OkStatus();
}

absl::Status SimFarm::kill(const std::string& frame_id) {
  size_t host;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_on_.find(frame_id);
    if (it == running_on_.end()) return absl::NotFoundError("frame not running: " + frame_id);
    host = it->second;
    ++metrics_.kills;
  }
  schedule({std::chrono::steady_clock::now(), 2, host, frame_id});
  return absl::OkStatus();
}

double SimFarm::blastReports(int threads, double seconds) {
  std::atomic<int64_t> sent{0};
  auto t0 = std::chrono::steady_clock::now();
  auto deadline = t0 + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      while (std::chrono::steady_clock::now() < deadline)
        for (size_t i = t; i < hosts_.size() && std::chrono::steady_clock::now() < deadline;
             i += threads) {
          if (cuebot_->status(*hostReport(i)).ok()) sent++;
        }
    });
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sent / secs;
}

SimMetrics SimFarm::metrics() {
  std::lock_guard<std::mutex> lock(mu_);
  return metrics_;
}

std::unordered_map<std::string, int> SimFarm::succeeded() {
  std::lock_guard<std::mutex> lock(mu_);
  return succeeded_;
}

std::set<std::string> SimFarm::runningProcs() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> out;
  for (const auto& h : hosts_)
    for (const auto& [id, r] : h.running) out.insert(r.frame.resource_id());
  return out;
}

}  // namespace cue::sim
