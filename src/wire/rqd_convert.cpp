#include "wire/rqd_convert.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cue::wire {

using namespace cue::rqd;  // rqd's plain frame and host types

FrameSpec fromProto(const ::rqd::RunFrame& f) {
  FrameSpec s;
  s.resource_id = f.resource_id();
  s.job_id = f.job_id();
  s.job_name = f.job_name();
  s.frame_id = f.frame_id();
  s.frame_name = f.frame_name();
  s.layer_id = f.layer_id();
  s.command = f.command();
  s.user_name = f.user_name();
  s.log_dir = f.log_dir();
  s.show = f.show();
  s.shot = f.shot();
  s.job_temp_dir = f.job_temp_dir();
  s.frame_temp_dir = f.frame_temp_dir();
  s.log_file = f.log_file();
  s.log_dir_file = f.log_dir_file();
  s.os = f.os();
  s.loki_url = f.loki_url();
  s.start_time = f.start_time();
  s.uid = f.uid();
  s.gid = f.gid();
  s.num_cores = f.num_cores();
  s.num_gpus = f.num_gpus();
  s.ignore_nimby = f.ignore_nimby();
  s.soft_memory_limit = f.soft_memory_limit();
  s.hard_memory_limit = f.hard_memory_limit();
  s.environment.insert(f.environment().begin(), f.environment().end());
  s.attributes.insert(f.attributes().begin(), f.attributes().end());
  s.pid = f.pid();
  return s;
}

::rqd::RunFrame toProto(const FrameSpec& s) {
  ::rqd::RunFrame f;
  f.set_resource_id(s.resource_id);
  f.set_job_id(s.job_id);
  f.set_job_name(s.job_name);
  f.set_frame_id(s.frame_id);
  f.set_frame_name(s.frame_name);
  f.set_layer_id(s.layer_id);
  f.set_command(s.command);
  f.set_user_name(s.user_name);
  f.set_log_dir(s.log_dir);
  f.set_show(s.show);
  f.set_shot(s.shot);
  f.set_job_temp_dir(s.job_temp_dir);
  f.set_frame_temp_dir(s.frame_temp_dir);
  f.set_log_file(s.log_file);
  f.set_log_dir_file(s.log_dir_file);
  f.set_os(s.os);
  f.set_loki_url(s.loki_url);
  f.set_start_time(s.start_time);
  f.set_uid(s.uid);
  f.set_gid(s.gid);
  f.set_num_cores(s.num_cores);
  f.set_num_gpus(s.num_gpus);
  f.set_ignore_nimby(s.ignore_nimby);
  f.set_soft_memory_limit(s.soft_memory_limit);
  f.set_hard_memory_limit(s.hard_memory_limit);
  f.mutable_environment()->insert(s.environment.begin(), s.environment.end());
  f.mutable_attributes()->insert(s.attributes.begin(), s.attributes.end());
  f.set_pid(s.pid);
  return f;
}

::report::RunningFrameInfo toRunningFrameInfo(const RunningFrameView& v) {
  const FrameSpec& s = v.spec;
  const FrameUsage& u = v.usage;
  ::report::RunningFrameInfo info;
  info.set_resource_id(s.resource_id);
  info.set_job_id(s.job_id);
  info.set_job_name(s.job_name);
  info.set_frame_id(s.frame_id);
  info.set_frame_name(s.frame_name);
  info.set_layer_id(s.layer_id);
  info.set_num_cores(s.num_cores);
  info.set_start_time(s.start_time);
  info.set_rss(u.rss);
  info.set_max_rss(u.max_rss);
  info.set_pss(u.pss);
  info.set_max_pss(u.max_pss);
  info.set_vsize(u.vsize);
  info.set_max_vsize(u.max_vsize);
  info.set_llu_time(u.llu_time);
  info.set_num_gpus(s.num_gpus);
  info.set_used_gpu_memory(u.gpu_mem);
  info.set_max_used_gpu_memory(u.max_gpu_mem);
  auto& attrs = *info.mutable_attributes();
  attrs.insert(s.attributes.begin(), s.attributes.end());
  attrs["pcpu"] = absl::StrFormat("%.1f", u.pcpu);
  attrs["cpu_seconds"] = absl::StrFormat("%.2f", u.cpu_seconds);
  attrs["num_processes"] = absl::StrCat(u.num_processes);
  if (s.num_gpus > 0) attrs["gpu_utilization"] = absl::StrCat(u.gpu_utilization);
  if (s.pid > 0) attrs["pid"] = absl::StrCat(s.pid);
  if (!s.log_dir_file.empty()) attrs["log_path"] = s.log_dir_file;
  return info;
}

::report::RenderHost toRenderHost(const HostInfo& h) {
  ::report::RenderHost r;
  r.set_name(h.name);
  r.set_nimby_enabled(h.nimby_enabled);
  r.set_nimby_locked(h.nimby_locked);
  r.set_facility(h.facility);
  r.set_num_procs(h.num_procs);
  r.set_cores_per_proc(h.cores_per_proc);
  r.set_total_swap(h.total_swap);
  r.set_total_mem(h.total_mem);
  r.set_total_mcp(h.total_mcp);
  r.set_free_swap(h.free_swap);
  r.set_free_mem(h.free_mem);
  r.set_free_mcp(h.free_mcp);
  r.set_load(h.load);
  r.set_boot_time(static_cast<int32_t>(h.boot_time));
  for (const std::string& t : h.tags) r.add_tags(t);
  r.set_state(static_cast<::host::HardwareState>(static_cast<int>(h.state)));
  r.mutable_attributes()->insert(h.attributes.begin(), h.attributes.end());
  r.set_num_gpus(h.num_gpus);
  r.set_total_gpu_mem(h.total_gpu_mem);
  r.set_free_gpu_mem(h.free_gpu_mem);
  return r;
}

::report::CoreDetail toCoreDetail(const CoreCounts& c) {
  ::report::CoreDetail d;
  d.set_total_cores(c.total);
  d.set_idle_cores(c.idle);
  d.set_booked_cores(c.booked);
  d.set_locked_cores(c.locked);
  for (const auto& [socket, cores] : c.reserved) {
    ::report::CoreId& ids = (*d.mutable_reserved_cores())[socket];
    for (int64_t core : cores) ids.add_coreid(core);
  }
  return d;
}

::report::HostReport toHostReport(const HostSnapshot& s) {
  ::report::HostReport r;
  *r.mutable_host() = toRenderHost(s.host);
  for (const RunningFrameView& f : s.frames) *r.add_frames() = toRunningFrameInfo(f);
  *r.mutable_core_info() = toCoreDetail(s.cores);
  return r;
}

::report::BootReport toBootReport(const HostSnapshot& s) {
  ::report::BootReport r;
  *r.mutable_host() = toRenderHost(s.host);
  *r.mutable_core_info() = toCoreDetail(s.cores);
  return r;
}

::report::FrameCompleteReport toFrameCompleteReport(const FrameCompletion& c,
                                                    const HostInfo& host) {
  ::report::FrameCompleteReport r;
  *r.mutable_host() = toRenderHost(host);
  RunningFrameView v;
  v.spec = c.spec;
  v.usage = c.usage;
  *r.mutable_frame() = toRunningFrameInfo(v);
  if (!c.kill_message.empty())
    (*r.mutable_frame()->mutable_attributes())["kill_message"] = c.kill_message;
  r.set_exit_status(c.exit_status);
  r.set_exit_signal(c.exit_signal);
  r.set_run_time(c.run_time);
  return r;
}

}  // namespace cue::wire
