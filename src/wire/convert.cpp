#include "wire/convert.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace cue::wire {
namespace {

float cores(core::CoreUnits units) { return static_cast<float>(units) / 100.0f; }
int32_t i32(int64_t v) { return static_cast<int32_t>(v); }

template <typename Stats>
void fillCounts(const core::FrameCounts& c, Stats* s) {
  s->set_total_frames(c.total);
  s->set_waiting_frames(c.waiting);
  s->set_running_frames(c.running);
  s->set_dead_frames(c.dead);
  s->set_eaten_frames(c.eaten);
  s->set_depend_frames(c.depend);
  s->set_succeeded_frames(c.succeeded);
  s->set_pending_frames(c.pending());
  s->set_total_core_sec(c.core_seconds);
  s->set_max_rss(c.max_rss);
  s->set_reserved_cores(cores(c.reserved_cores));
  s->set_reserved_gpus(static_cast<float>(c.reserved_gpus));
}

// "1.2.3.4" out of "ipv4:1.2.3.4:5678", "[::1]" out of "ipv6:[::1]:5678".
std::string peerAddress(const std::string& peer) {
  std::string p = peer;
  if (absl::StartsWith(p, "ipv4:")) p = p.substr(5);
  else if (absl::StartsWith(p, "ipv6:")) p = p.substr(5);
  else return "";
  p = absl::StrReplaceAll(p, {{"%5B", "["}, {"%5D", "]"}, {"%25", "%"}});  // URI-escaped
  auto colon = p.rfind(':');
  return colon == std::string::npos ? p : p.substr(0, colon);
}

}  // namespace

void toProto(const core::Show& s, show::Show* out) {
  out->set_id(s.id);
  out->set_name(s.name);
  out->set_active(s.active);
  out->set_booking_enabled(s.booking_enabled);
  out->set_dispatch_enabled(s.dispatch_enabled);
  out->set_default_min_cores(cores(s.default_min_cores));
  out->set_default_max_cores(cores(s.default_max_cores));
  out->set_comment_email(s.comment_email);
  out->set_default_min_gpus(static_cast<float>(s.default_min_gpus));
  out->set_default_max_gpus(static_cast<float>(s.default_max_gpus));
  out->set_scheduler_managed(s.scheduler_managed);
}

void toProto(const core::Allocation& a, facility::Allocation* out) {
  out->set_id(a.id);
  out->set_name(a.name);
  out->set_tag(a.tag);
  out->set_facility(a.facility);
  out->set_billable(a.billable);
}

void toProto(const core::Subscription& s, subscription::Subscription* out) {
  out->set_id(s.id);
  out->set_name(absl::StrCat(s.alloc_name, ".", s.show_name));
  out->set_show_name(s.show_name);
  out->set_facility(s.facility);
  out->set_allocation_name(s.alloc_name);
  out->set_size(s.size);
  out->set_burst(s.burst);
}

void addToGroupStats(const core::Job& j, const core::FrameCounts& c, job::GroupStats* s) {
  s->set_running_frames(s->running_frames() + c.running);
  s->set_dead_frames(s->dead_frames() + c.dead);
  s->set_depend_frames(s->depend_frames() + c.depend);
  s->set_waiting_frames(s->waiting_frames() + c.waiting);
  if (j.state == core::JobState::kPending) s->set_pending_jobs(s->pending_jobs() + 1);
  s->set_reserved_cores(s->reserved_cores() + cores(c.reserved_cores));
  s->set_reserved_gpus(s->reserved_gpus() + static_cast<float>(c.reserved_gpus));
}

void toProto(const core::Group& g, job::Group* out) {
  out->set_id(g.id);
  out->set_name(g.name);
  out->set_department(g.department);
  out->set_default_job_priority(g.default_job_priority);
  out->set_default_job_min_cores(g.default_job_min_cores < 0 ? -1 : cores(g.default_job_min_cores));
  out->set_default_job_max_cores(g.default_job_max_cores < 0 ? -1 : cores(g.default_job_max_cores));
  out->set_min_cores(cores(g.min_cores));
  out->set_max_cores(g.max_cores < 0 ? -1 : cores(g.max_cores));
  out->set_parent_id(g.parent_id);
  out->set_level(g.parent_id.empty() ? 0 : 1);
  out->set_default_job_min_gpus(static_cast<float>(g.default_job_min_gpus));
  out->set_default_job_max_gpus(static_cast<float>(g.default_job_max_gpus));
  out->set_min_gpus(static_cast<float>(g.min_gpus));
  out->set_max_gpus(static_cast<float>(g.max_gpus));
}

void toProto(const core::Job& j, const core::FrameCounts& c, job::Job* out) {
  out->set_id(j.id);
  out->set_state(static_cast<job::JobState>(j.state));
  out->set_name(j.name);
  out->set_shot(j.shot);
  out->set_show(j.show);
  out->set_user(j.user);
  out->set_group(j.group_name);
  out->set_facility(j.facility);
  out->set_os(j.os);
  out->set_uid(j.uid);
  out->set_priority(j.priority);
  out->set_min_cores(cores(j.min_cores));
  out->set_max_cores(cores(j.max_cores));
  out->set_min_gpus(static_cast<float>(j.min_gpus));
  out->set_max_gpus(static_cast<float>(j.max_gpus));
  out->set_log_dir(j.log_dir);
  out->set_is_paused(j.paused);
  out->set_auto_eat(j.auto_eat);
  out->set_start_time(i32(j.start_time));
  out->set_stop_time(i32(j.stop_time));
  out->set_eligible_time(i32(j.start_time));
  auto* stats = out->mutable_job_stats();
  fillCounts(c, stats);
}

void toProto(const core::Layer& l, const core::FrameCounts& c, job::Layer* out) {
  out->set_id(l.id);
  out->set_name(l.name);
  out->set_range(l.range);
  for (const auto& tag : l.tags) out->add_tags(tag);
  out->set_min_cores(cores(l.min_cores));
  out->set_max_cores(cores(l.max_cores));
  out->set_is_threadable(l.threadable);
  out->set_min_memory(l.min_memory);
  out->set_min_gpu_memory(l.min_gpu_memory);
  out->set_chunk_size(l.chunk_size);
  out->set_dispatch_order(l.dispatch_order);
  out->set_type(static_cast<job::LayerType>(l.type));
  for (const auto& s : l.services) out->add_services(s);
  for (const auto& s : l.limits) out->add_limits(s);
  out->set_parent_id(l.job_id);
  out->set_timeout(l.timeout_min);
  out->set_timeout_llu(l.timeout_llu_min);
  out->set_min_gpus(static_cast<float>(l.min_gpus));
  out->set_max_gpus(static_cast<float>(l.max_gpus));
  out->set_command(l.command);
  out->set_memory_optimizer_enabled(l.memory_optimizer);
  out->set_start_after(l.start_after);
  out->set_start_after_reason(l.start_after_reason);
  fillCounts(c, out->mutable_layer_stats());
}

void toProto(const core::Frame& f, job::Frame* out) {
  out->set_id(f.id);
  out->set_name(f.name);
  out->set_layer_name(f.layer_name);
  out->set_number(f.number);
  out->set_state(static_cast<job::FrameState>(f.state));
  out->set_retry_count(f.retry_count);
  out->set_exit_status(f.exit_status);
  out->set_dispatch_order(f.dispatch_order);
  out->set_start_time(i32(f.start_time));
  out->set_stop_time(i32(f.stop_time));
  out->set_max_rss(f.max_rss);
  out->set_used_memory(f.used_memory);
  out->set_reserved_memory(f.reserved_memory);
  out->set_last_resource(f.last_resource);
  out->set_total_core_time(f.total_core_time);
  out->set_checkpoint_state(static_cast<job::CheckpointState>(f.checkpoint_state));
  out->set_max_gpu_memory(f.max_gpu_memory);
  out->set_used_gpu_memory(f.used_gpu_memory);
  out->set_max_pss(f.max_pss);
}

void toProto(const core::Depend& d, const DependNames& n, depend::Depend* out) {
  out->set_id(d.id);
  out->set_type(static_cast<depend::DependType>(d.type));
  out->set_target(static_cast<depend::DependTarget>(d.target));
  out->set_any_frame(d.any_frame);
  out->set_active(d.active);
  out->set_depend_er_job(n.er_job);
  out->set_depend_er_layer(n.er_layer);
  out->set_depend_er_frame(n.er_frame);
  out->set_depend_on_job(n.on_job);
  out->set_depend_on_layer(n.on_layer);
  out->set_depend_on_frame(n.on_frame);
}

core::DependTarget fromProto(depend::DependTarget target) {
  switch (target) {
    case depend::INTERNAL: return core::DependTarget::kInternal;
    case depend::EXTERNAL: return core::DependTarget::kExternal;
    default: return core::DependTarget::kAnyTarget;
  }
}

void toProto(const core::Host& h, host::Host* out) {
  out->set_id(h.id);
  out->set_name(h.name);
  out->set_alloc_name(h.alloc_name);
  out->set_nimby_enabled(h.nimby_enabled);
  out->set_cores(cores(h.cores));
  out->set_idle_cores(cores(h.idle_cores));
  out->set_memory(h.memory);
  out->set_idle_memory(h.idle_memory);
  out->set_gpu_memory(h.gpu_memory);
  out->set_idle_gpu_memory(h.idle_gpu_memory);
  out->set_total_swap(h.total_swap);
  out->set_total_memory(h.total_memory);
  out->set_total_gpu_memory(h.gpu_memory);
  out->set_total_mcp(h.total_mcp);
  out->set_free_swap(h.free_swap);
  out->set_free_memory(h.free_memory);
  out->set_free_mcp(h.free_mcp);
  out->set_free_gpu_memory(h.idle_gpu_memory);
  out->set_load(h.load);
  out->set_boot_time(i32(h.boot_time));
  out->set_ping_time(i32(h.ping_time));
  out->set_os(h.os);
  for (const auto& tag : h.tags) out->add_tags(tag);
  out->set_state(static_cast<host::HardwareState>(h.state));
  out->set_lock_state(static_cast<host::LockState>(h.lock_state));
  out->set_thread_mode(static_cast<host::ThreadMode>(h.thread_mode));
  out->set_gpus(static_cast<float>(h.gpus));
  out->set_idle_gpus(static_cast<float>(h.idle_gpus));
}

void toProto(const core::Proc& p, const std::string& job_name, const std::string& frame_name,
             host::Proc* out) {
  out->set_id(p.id);
  out->set_name(absl::StrCat(p.host_name, "/", cores(p.reserved_cores), "/", p.reserved_gpus));
  out->set_job_name(job_name);
  out->set_frame_name(frame_name);
  out->set_ping_time(i32(p.ping_time));
  out->set_bookedtime(i32(p.booked_time));
  out->set_dispatch_time(i32(p.booked_time));
  out->set_reserved_memory(p.reserved_memory);
  out->set_reserved_gpu_memory(p.reserved_gpu_memory);
  out->set_used_memory(p.used_memory);
  out->set_used_gpu_memory(p.used_gpu_memory);
  out->set_reserved_cores(cores(p.reserved_cores));
  out->set_reserved_gpus(static_cast<float>(p.reserved_gpus));
  out->set_unbooked(p.unbooked);
  out->set_redirect_target(p.redirect_job_id.empty() ? p.redirect_group_id : p.redirect_job_id);
  out->set_log_path(p.log_path);
}

absl::StatusOr<core::FrameSearch> fromProto(const job::FrameSearchCriteria& in) {
  core::FrameSearch q;
  q.ids.assign(in.ids().begin(), in.ids().end());
  q.layers.assign(in.layers().begin(), in.layers().end());
  for (int s : in.states().frame_states()) q.states.push_back(static_cast<core::FrameState>(s));
  if (!in.frame_range().empty()) {
    std::vector<std::string> parts = absl::StrSplit(in.frame_range(), absl::MaxSplits('-', 1));
    int32_t lo = 0, hi = 0;
    bool ok = absl::SimpleAtoi(parts[0], &lo);
    if (parts.size() == 2) ok = ok && absl::SimpleAtoi(parts[1], &hi);
    else hi = lo;
    if (!ok)
      return absl::InvalidArgumentError(absl::StrCat(
          "frame search range \"", in.frame_range(), "\" must be N or N-M"));
    q.number_range = {lo, hi};
  }
  q.page = in.page() > 0 ? in.page() : 1;
  q.limit = in.limit() > 0 ? in.limit() : (in.max_results() > 0 ? in.max_results() : 0);
  q.names.assign(in.frames().begin(), in.frames().end());
  q.offset = std::max(in.offset(), 0);
  q.updated_since = std::max(in.change_date(), 0);
  // OpenCue's ranges: "lo-hi", or "n" for n and above; memory in GB, duration in hours.
  auto range = [](const std::string& text, const char* what, int64_t unit)
      -> absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> {
    if (text.empty()) return std::optional<std::pair<int64_t, int64_t>>{};
    std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('-', 1));
    double lo = 0, hi = -1;
    bool ok = absl::SimpleAtod(parts[0], &lo) && lo >= 0;
    if (parts.size() == 2) ok = ok && absl::SimpleAtod(parts[1], &hi) && hi >= lo;
    if (!ok)
      return absl::InvalidArgumentError(absl::StrCat(
          "frame search ", what, " \"", text, "\" must be N (N and above) or N-M, N <= M"));
    return std::optional<std::pair<int64_t, int64_t>>{
        {static_cast<int64_t>(lo * unit), hi < 0 ? -1 : static_cast<int64_t>(hi * unit)}};
  };
  auto mem = range(in.memory_range(), "memory_range (GB)", core::kKbPerGb);
  if (!mem.ok()) return mem.status();
  q.max_rss_range = *mem;
  auto dur = range(in.duration_range(), "duration_range (hours)", 3600);
  if (!dur.ok()) return dur.status();
  q.duration_range = *dur;
  return q;
}

core::JobSearch fromProto(const job::JobSearchCriteria& in) {
  core::JobSearch q;
  q.ids.assign(in.ids().begin(), in.ids().end());
  q.names.assign(in.jobs().begin(), in.jobs().end());
  q.regexes.assign(in.regex().begin(), in.regex().end());
  for (const auto& s : in.substr()) q.regexes.push_back(s);  // substrings are plain regexes
  q.users.assign(in.users().begin(), in.users().end());
  q.shots.assign(in.shots().begin(), in.shots().end());
  q.shows.assign(in.shows().begin(), in.shows().end());
  q.include_finished = in.include_finished();
  return q;
}

core::HostSearch fromProto(const host::HostSearchCriteria& in) {
  core::HostSearch q;
  q.ids.assign(in.ids().begin(), in.ids().end());
  q.names.assign(in.hosts().begin(), in.hosts().end());
  q.allocs.assign(in.allocs().begin(), in.allocs().end());
  for (int s : in.states().state()) q.states.push_back(static_cast<core::HardwareState>(s));
  q.substrs.assign(in.substr().begin(), in.substr().end());
  q.regexes.assign(in.regex().begin(), in.regex().end());
  for (int s : in.lock_states().state()) q.lock_states.push_back(static_cast<core::LockState>(s));
  return q;
}

core::HostReportData fromProto(const report::RenderHost& h, const report::CoreDetail& c,
                                const std::string& peer, int64_t now) {
  core::HostReportData r;
  r.name = h.name();
  r.facility = h.facility();
  r.tags.assign(h.tags().begin(), h.tags().end());
  r.cores = c.total_cores() > 0 ? c.total_cores() : h.num_procs() * h.cores_per_proc();
  r.total_memory = h.total_mem();
  r.free_memory = h.free_mem();
  r.total_swap = h.total_swap();
  r.free_swap = h.free_swap();
  r.total_mcp = h.total_mcp();
  r.free_mcp = h.free_mcp();
  r.gpus = h.num_gpus();
  r.total_gpu_memory = h.total_gpu_mem();
  r.free_gpu_memory = h.free_gpu_mem();
  r.load = h.load();
  r.boot_time = h.boot_time();
  r.nimby_locked = h.nimby_locked();
  r.now = now;
  auto attr = h.attributes().find("rqd_address");
  if (attr != h.attributes().end() && !attr->second.empty()) {
    r.rqd_address = attr->second;
  } else {
    auto port = h.attributes().find("rqd_port");
    std::string ip = peerAddress(peer);
    if (port != h.attributes().end() && !ip.empty()) r.rqd_address = absl::StrCat(ip, ":", port->second);
    else r.rqd_address = absl::StrCat(h.name(), ":8444");  // OpenCue's Python RQD
  }
  auto listed = h.attributes().find("cue_completions_listed");
  r.lists_pending_completions = listed != h.attributes().end() && listed->second == "true";
  // Cue's rqd reports its frame slots (--slots) here; OpenCue's has none: no cap.
  auto slots = h.attributes().find("slots");
  if (slots != h.attributes().end()) {
    int32_t n = 0;
    if (absl::SimpleAtoi(slots->second, &n) && n > 0) r.slots = n;
  }
  auto os = h.attributes().find("SP_OS");
  if (os != h.attributes().end()) r.os = os->second;
  return r;
}

// ---- area filters/services/departments/tasks (helper hfilter) ----

void toProto(const core::Filter& f, filter::Filter* out) {
  out->set_id(f.id);
  out->set_name(f.name);
  out->set_type(static_cast<filter::FilterType>(f.type));
  out->set_order(f.order);
  out->set_enabled(f.enabled);
}

void toProto(const core::Matcher& m, filter::Matcher* out) {
  out->set_id(m.id);
  out->set_subject(static_cast<filter::MatchSubject>(m.subject));
  out->set_type(static_cast<filter::MatchType>(m.type));
  out->set_input(m.input);
}

void toProto(const core::Action& a, filter::Action* out) {
  out->set_id(a.id);
  out->set_type(static_cast<filter::ActionType>(a.type));
  out->set_value_type(static_cast<filter::ActionValueType>(a.value_type));
  out->set_group_value(a.group_value);
  out->set_string_value(a.string_value);
  out->set_integer_value(static_cast<int32_t>(a.integer_value));
  out->set_float_value(a.float_value);
  out->set_boolean_value(a.boolean_value);
}

core::Filter fromProto(const filter::Filter& in) {
  core::Filter f;
  f.id = in.id();
  f.name = in.name();
  f.type = static_cast<core::FilterType>(in.type());
  f.order = in.order();
  f.enabled = in.enabled();
  return f;
}

core::Matcher fromProto(const filter::Matcher& in) {
  core::Matcher m;
  m.id = in.id();
  m.subject = static_cast<core::MatchSubject>(in.subject());
  m.type = static_cast<core::MatchType>(in.type());
  m.input = in.input();
  return m;
}

core::Action fromProto(const filter::Action& in) {
  core::Action a;
  a.id = in.id();
  a.type = static_cast<core::ActionType>(in.type());
  a.value_type = static_cast<core::ActionValueType>(in.value_type());
  a.group_value = in.group_value();
  a.string_value = in.string_value();
  a.integer_value = in.integer_value();
  a.float_value = in.float_value();
  a.boolean_value = in.boolean_value();
  return a;
}

void toProto(const core::Service& s, service::Service* out) {
  out->set_id(s.id);
  out->set_name(s.name);
  out->set_threadable(s.threadable);
  out->set_min_cores(s.min_cores);
  out->set_max_cores(s.max_cores);
  out->set_min_memory(s.min_memory);
  out->set_min_gpu_memory(s.min_gpu_memory);
  for (const auto& t : s.tags) out->add_tags(t);
  out->set_timeout(s.timeout_min);
  out->set_timeout_llu(s.timeout_llu_min);
  out->set_min_gpus(s.min_gpus);
  out->set_max_gpus(s.max_gpus);
  out->set_min_memory_increase(static_cast<int32_t>(s.min_memory_increase));
}

core::Service fromProto(const service::Service& in) {
  core::Service s;
  s.id = in.id();
  s.name = in.name();
  s.threadable = in.threadable();
  s.min_cores = in.min_cores();
  s.max_cores = in.max_cores();
  s.min_memory = in.min_memory();
  s.min_gpu_memory = in.min_gpu_memory();
  s.tags.assign(in.tags().begin(), in.tags().end());
  s.timeout_min = in.timeout();
  s.timeout_llu_min = in.timeout_llu();
  s.min_gpus = in.min_gpus();
  s.max_gpus = in.max_gpus();
  s.min_memory_increase = in.min_memory_increase();
  return s;
}

void toProto(const core::ShowDepartment& d, department::Department* out) {
  out->set_id(d.id);
  out->set_name(d.show + "." + d.dept);
  out->set_dept(d.dept);
  out->set_ti_task(d.ti_task);
  out->set_min_cores(static_cast<float>(d.managed_cores) / core::kCoreUnitsPerCore);
  out->set_ti_managed(d.ti_managed);
}

void toProto(const core::Task& t, task::Task* out) {
  out->set_id(t.id);
  out->set_name(t.shot);
  out->set_shot(t.shot);
  out->set_dept(t.dept);
  out->set_point_id(t.dept_id);
  out->set_min_cores(static_cast<float>(t.min_cores) / core::kCoreUnitsPerCore);
  out->set_adjust_cores(static_cast<float>(t.adjust_cores) / core::kCoreUnitsPerCore);
}

void toProto(const core::RenderPartition& p, const RenderPartitionNames& names,
             renderPartition::RenderPartition* out) {
  out->set_id(p.id);
  out->set_job(names.job);
  out->set_layer(names.layer);
  out->set_frame(names.frame);
  out->set_render_part_type(static_cast<renderPartition::RenderPartitionType>(p.type));
  out->set_host(names.host);
  out->set_max_cores(p.max_cores);
  out->set_max_memory(p.max_memory);
  out->set_max_gpu_memory(p.max_gpu_memory);
  out->set_threads(p.threads);
  out->set_max_gpus(p.max_gpus);
}

// ---- comments, facilities, owners, deeds ----

void toProto(const core::Comment& c, comment::Comment* out) {
  out->set_id(c.id);
  out->set_timestamp(static_cast<int32_t>(c.timestamp));
  out->set_user(c.user);
  out->set_subject(c.subject);
  out->set_message(c.message);
}

core::Comment fromProto(const comment::Comment& in) {
  core::Comment c;
  c.id = in.id();
  c.timestamp = in.timestamp();
  c.user = in.user();
  c.subject = in.subject();
  c.message = in.message();
  return c;
}

void toProto(const core::Facility& f, facility::Facility* out) {
  out->set_id(f.id);
  out->set_name(f.name);
}

void toProto(const core::Owner& o, const std::string& show_name, int32_t host_count,
             host::Owner* out) {
  out->set_id(o.id);
  out->set_name(o.name);
  out->set_show(show_name);
  out->set_host_count(host_count);
}

void toProto(const core::Deed& d, const std::string& host_name, const std::string& owner_name,
             const std::string& show_name, host::Deed* out) {
  out->set_id(d.id);
  out->set_host(host_name);
  out->set_owner(owner_name);
  out->set_show(show_name);
}

void copySameNamedFields(const google::protobuf::Message& from, google::protobuf::Message* to) {
  const auto* in_desc = from.GetDescriptor();
  const auto* out_desc = to->GetDescriptor();
  const auto* in_ref = from.GetReflection();
  const auto* out_ref = to->GetReflection();
  using FD = google::protobuf::FieldDescriptor;
  for (int k = 0; k < out_desc->field_count(); ++k) {
    const FD* of = out_desc->field(k);
    const FD* inf = in_desc->FindFieldByName(of->name());
    if (!inf || inf->cpp_type() != of->cpp_type() || inf->is_repeated() != of->is_repeated())
      continue;
    if (of->is_repeated()) {
      if (of->cpp_type() != FD::CPPTYPE_STRING) continue;
      for (int r = 0; r < in_ref->FieldSize(from, inf); ++r)
        out_ref->AddString(to, of, in_ref->GetRepeatedString(from, inf, r));
      continue;
    }
    switch (of->cpp_type()) {
      case FD::CPPTYPE_STRING: out_ref->SetString(to, of, in_ref->GetString(from, inf)); break;
      case FD::CPPTYPE_INT32: out_ref->SetInt32(to, of, in_ref->GetInt32(from, inf)); break;
      case FD::CPPTYPE_INT64: out_ref->SetInt64(to, of, in_ref->GetInt64(from, inf)); break;
      case FD::CPPTYPE_FLOAT: out_ref->SetFloat(to, of, in_ref->GetFloat(from, inf)); break;
      case FD::CPPTYPE_DOUBLE: out_ref->SetDouble(to, of, in_ref->GetDouble(from, inf)); break;
      case FD::CPPTYPE_BOOL: out_ref->SetBool(to, of, in_ref->GetBool(from, inf)); break;
      case FD::CPPTYPE_ENUM:
        if (of->enum_type() == inf->enum_type())
          out_ref->SetEnumValue(to, of, in_ref->GetEnumValue(from, inf));
        break;
      default: break;
    }
  }
}

}  // namespace cue::wire
