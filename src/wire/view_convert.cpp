#include "wire/view_convert.h"

#include <algorithm>
#include <cmath>

namespace cue::wire {

core::CoreUnits coreUnits(float cores) {
  return static_cast<core::CoreUnits>(std::lround(cores * core::kCoreUnitsPerCore));
}

namespace {

template <class Stats>
core::FrameCounts counts(const Stats& s) {
  core::FrameCounts c;
  c.total = s.total_frames();
  c.waiting = s.waiting_frames();
  c.running = s.running_frames();
  c.dead = s.dead_frames();
  c.eaten = s.eaten_frames();
  c.depend = s.depend_frames();
  c.succeeded = s.succeeded_frames();
  // The wire has no SETUP / CHECKPOINT counts: frames in neither listed state are in flight.
  c.setup = std::max(0, c.total - c.waiting - c.running - c.dead - c.eaten - c.depend - c.succeeded);
  c.core_seconds = s.total_core_sec();
  c.max_rss = s.max_rss();
  return c;
}

int32_t count(float gpus) { return static_cast<int32_t>(std::lround(gpus)); }

}  // namespace

core::JobView fromProto(const job::Job& in) {
  core::JobView v;
  core::Job& j = v.job;
  j.id = in.id();
  j.name = in.name();
  j.state = static_cast<core::JobState>(in.state());
  j.show = in.show();
  j.shot = in.shot();
  j.user = in.user();
  j.group_name = in.group();
  j.facility = in.facility();
  j.os = in.os();
  j.uid = in.uid();
  j.priority = in.priority();
  j.min_cores = coreUnits(in.min_cores());
  j.max_cores = coreUnits(in.max_cores());
  j.min_gpus = count(in.min_gpus());
  j.max_gpus = count(in.max_gpus());
  j.log_dir = in.log_dir();
  j.paused = in.is_paused();
  j.auto_eat = in.auto_eat();
  j.start_time = in.start_time();
  j.stop_time = in.stop_time();
  v.counts = counts(in.job_stats());
  v.reserved_cores = coreUnits(in.job_stats().reserved_cores());
  v.reserved_gpus = count(in.job_stats().reserved_gpus());
  v.avg_frame_sec = in.job_stats().avg_frame_sec();
  return v;
}

core::LayerView fromProto(const job::Layer& in) {
  core::LayerView v;
  core::Layer& l = v.layer;
  l.id = in.id();
  l.job_id = in.parent_id();
  l.name = in.name();
  l.type = static_cast<core::LayerType>(in.type());
  l.command = in.command();
  l.range = in.range();
  l.chunk_size = in.chunk_size();
  l.dispatch_order = in.dispatch_order();
  l.min_cores = coreUnits(in.min_cores());
  l.max_cores = coreUnits(in.max_cores());
  l.threadable = in.is_threadable();
  l.min_memory = in.min_memory();
  l.min_gpus = count(in.min_gpus());
  l.max_gpus = count(in.max_gpus());
  l.min_gpu_memory = in.min_gpu_memory();
  l.tags.assign(in.tags().begin(), in.tags().end());
  l.services.assign(in.services().begin(), in.services().end());
  l.limits.assign(in.limits().begin(), in.limits().end());
  l.timeout_min = in.timeout();
  l.timeout_llu_min = in.timeout_llu();
  l.memory_optimizer = in.memory_optimizer_enabled();
  l.start_after = in.start_after();
  l.start_after_reason = in.start_after_reason();
  v.counts = counts(in.layer_stats());
  v.reserved_cores = coreUnits(in.layer_stats().reserved_cores());
  v.avg_frame_sec = in.layer_stats().avg_frame_sec();
  return v;
}

core::Frame fromProto(const job::Frame& in) {
  core::Frame f;
  f.id = in.id();
  f.name = in.name();
  f.layer_name = in.layer_name();
  f.number = in.number();
  f.state = static_cast<core::FrameState>(in.state());
  f.retry_count = in.retry_count();
  f.exit_status = in.exit_status();
  f.dispatch_order = in.dispatch_order();
  f.start_time = in.start_time();
  f.stop_time = in.stop_time();
  f.max_rss = in.max_rss();
  f.used_memory = in.used_memory();
  f.reserved_memory = in.reserved_memory();
  f.max_pss = in.max_pss();
  f.max_gpu_memory = in.max_gpu_memory();
  f.used_gpu_memory = in.used_gpu_memory();
  f.last_resource = in.last_resource();
  f.total_core_time = in.total_core_time();
  f.checkpoint_state = in.checkpoint_state();
  return f;
}

core::FrameUpdates fromProto(const job::JobGetUpdatedFramesResponse& in) {
  core::FrameUpdates out;
  out.server_time = in.server_time();
  out.job_state = static_cast<core::JobState>(in.state());
  out.frames.reserve(in.updated_frames().updated_frames_size());
  for (const job::UpdatedFrame& u : in.updated_frames().updated_frames()) {
    core::Frame& f = out.frames.emplace_back();
    f.id = u.id();
    f.state = static_cast<core::FrameState>(u.state());
    f.retry_count = u.retry_count();
    f.exit_status = u.exit_status();
    f.start_time = u.start_time();
    f.stop_time = u.stop_time();
    f.max_rss = u.max_rss();
    f.used_memory = u.used_memory();
    f.max_pss = u.max_pss();
    f.max_gpu_memory = u.max_gpu_memory();
    f.used_gpu_memory = u.used_gpu_memory();
    f.last_resource = u.last_resource();
  }
  return out;
}

core::Host fromProto(const host::Host& in) {
  core::Host h;
  h.id = in.id();
  h.name = in.name();
  h.alloc_name = in.alloc_name();
  h.nimby_enabled = in.nimby_enabled();
  h.cores = coreUnits(in.cores());
  h.idle_cores = coreUnits(in.idle_cores());
  h.memory = in.memory();
  h.idle_memory = in.idle_memory();
  h.gpus = count(in.gpus());
  h.idle_gpus = count(in.idle_gpus());
  h.gpu_memory = in.gpu_memory();
  h.idle_gpu_memory = in.idle_gpu_memory();
  h.total_memory = in.total_memory();
  h.free_memory = in.free_memory();
  h.total_swap = in.total_swap();
  h.free_swap = in.free_swap();
  h.total_mcp = in.total_mcp();
  h.free_mcp = in.free_mcp();
  h.load = in.load();
  h.boot_time = in.boot_time();
  h.ping_time = in.ping_time();
  h.os = in.os();
  h.tags.assign(in.tags().begin(), in.tags().end());
  h.state = static_cast<core::HardwareState>(in.state());
  h.lock_state = static_cast<core::LockState>(in.lock_state());
  h.thread_mode = static_cast<core::ThreadMode>(in.thread_mode());
  return h;
}

core::ProcView fromProto(const host::Proc& in) {
  core::ProcView v;
  v.proc.id = in.id();
  v.name = in.name();
  v.proc.host_name = in.name().substr(0, in.name().find('/'));
  v.job_name = in.job_name();
  v.frame_name = in.frame_name();
  v.proc.booked_time = in.dispatch_time();
  v.proc.ping_time = in.ping_time();
  v.proc.reserved_cores = coreUnits(in.reserved_cores());
  v.proc.reserved_memory = in.reserved_memory();
  v.proc.reserved_gpus = count(in.reserved_gpus());
  v.proc.reserved_gpu_memory = in.reserved_gpu_memory();
  v.proc.used_memory = in.used_memory();
  v.proc.used_gpu_memory = in.used_gpu_memory();
  v.proc.unbooked = in.unbooked();
  v.proc.log_path = in.log_path();
  return v;
}

core::ShowView fromProto(const show::Show& in) {
  core::ShowView v;
  v.show.id = in.id();
  v.show.name = in.name();
  v.show.active = in.active();
  v.show.booking_enabled = in.booking_enabled();
  v.show.dispatch_enabled = in.dispatch_enabled();
  v.show.default_min_cores = coreUnits(in.default_min_cores());
  v.show.default_max_cores = coreUnits(in.default_max_cores());
  v.show.comment_email = in.comment_email();
  v.show.default_min_gpus = count(in.default_min_gpus());
  v.show.default_max_gpus = count(in.default_max_gpus());
  v.show.scheduler_managed = in.scheduler_managed();
  v.reserved_cores = coreUnits(in.show_stats().reserved_cores());
  v.running_frames = in.show_stats().running_frames();
  v.pending_frames = in.show_stats().pending_frames();
  v.pending_jobs = in.show_stats().pending_jobs();
  return v;
}

core::Group fromProto(const job::Group& in) {
  core::Group g;
  g.id = in.id();
  g.name = in.name();
  g.parent_id = in.parent_id();
  g.department = in.department();
  g.default_job_priority = in.default_job_priority();
  g.default_job_min_cores = in.default_job_min_cores() < 0 ? -1 : coreUnits(in.default_job_min_cores());
  g.default_job_max_cores = in.default_job_max_cores() < 0 ? -1 : coreUnits(in.default_job_max_cores());
  g.min_cores = coreUnits(in.min_cores());
  g.max_cores = in.max_cores() < 0 ? -1 : coreUnits(in.max_cores());
  g.default_job_min_gpus = count(in.default_job_min_gpus());
  g.default_job_max_gpus = count(in.default_job_max_gpus());
  g.min_gpus = count(in.min_gpus());
  g.max_gpus = count(in.max_gpus());
  return g;
}

core::AllocationView fromProto(const facility::Allocation& in) {
  core::AllocationView v;
  v.alloc.id = in.id();
  v.alloc.name = in.name();
  v.alloc.tag = in.tag();
  v.alloc.facility = in.facility();
  v.alloc.billable = in.billable();
  const auto& s = in.stats();
  v.cores = coreUnits(s.cores());
  v.available_cores = coreUnits(s.available_cores());
  v.idle_cores = coreUnits(s.idle_cores());
  v.running_cores = coreUnits(s.running_cores());
  v.locked_cores = coreUnits(s.locked_cores());
  v.hosts = s.hosts();
  v.locked_hosts = s.locked_hosts();
  v.down_hosts = s.down_hosts();
  return v;
}

core::SubscriptionView fromProto(const subscription::Subscription& in) {
  core::SubscriptionView v;
  v.sub.id = in.id();
  v.sub.show_name = in.show_name();
  v.sub.alloc_name = in.allocation_name();
  v.sub.facility = in.facility();
  v.sub.size = in.size();  // core units on the wire
  v.sub.burst = in.burst();
  v.reserved_cores = in.reserved_cores();
  return v;
}

core::LimitView fromProto(const limit::Limit& in) {
  core::LimitView v;
  v.limit.id = in.id();
  v.limit.name = in.name();
  v.limit.max_value = in.max_value();
  v.running = in.current_running();
  return v;
}

core::WhyView fromProto(const cue::ext::WhyNotRunningResponse& in) {
  core::WhyView v;
  v.job_id = in.job_id();
  v.job_name = in.job_name();
  v.summary = in.summary();
  for (const auto& l : in.layers()) {
    core::LayerWhyView w;
    w.layer_id = l.layer_id();
    w.layer_name = l.layer_name();
    w.waiting_frames = l.waiting_frames();
    w.depend_frames = l.depend_frames();
    w.running_frames = l.running_frames();
    w.blocked = l.blocked();
    w.blocked_description = l.blocked_description();
    w.hosts_total = l.hosts_total();
    w.hosts_fit = l.hosts_fit();
    for (const auto& r : l.host_reasons())
      w.host_reasons.push_back({r.reason(), r.description(), r.hosts()});
    w.summary = l.summary();
    w.memory_reservation_kb = l.memory_reservation_kb();
    v.layers.push_back(std::move(w));
  }
  return v;
}

core::FrameLogChunk fromProto(const cue::ext::ReadFrameLogResponse& in) {
  core::FrameLogChunk c;
  c.data = in.data();
  c.next_offset = in.next_offset();
  c.size = in.size();
  c.path = in.path();
  c.host = in.host();
  c.frame_done = in.frame_done();
  return c;
}

core::DependView fromProto(const depend::Depend& in) {
  core::DependView d;
  d.id = in.id();
  d.type = static_cast<core::DependType>(in.type());
  d.target = static_cast<core::DependTarget>(in.target());
  d.any_frame = in.any_frame();
  d.active = in.active();
  d.er_job = in.depend_er_job();
  d.er_layer = in.depend_er_layer();
  d.er_frame = in.depend_er_frame();
  d.on_job = in.depend_on_job();
  d.on_layer = in.depend_on_layer();
  d.on_frame = in.depend_on_frame();
  return d;
}

}  // namespace cue::wire
