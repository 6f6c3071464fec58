#include "cli/output.h"

#include <cmath>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cue::cli {

// ---- formats ----

std::string formatMem(int64_t kb) {
  constexpr int64_t k = 1024;
  if (kb < k) return absl::StrFormat("%dK", kb);
  if (kb < k * k) return absl::StrFormat("%dM", kb / k);
  return absl::StrFormat("%.1fG", static_cast<double>(kb) / (k * k));
}

std::string formatTime(int64_t epoch) {
  if (epoch <= 0) return "--/-- --:--";
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%m/%d %H:%M", &tm);
  return buf;
}

std::string formatDuration(int64_t s) {
  if (s < 0) s = 0;
  return absl::StrFormat("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

std::string formatLongDuration(int64_t s) {
  if (s < 0) s = 0;
  return absl::StrFormat("%02d:%02d", s / 86400, (s / 3600) % 24);
}

std::string cutoff(const std::string& s, size_t n) {
  if (s.size() + 2 < n) return s;
  return s.substr(0, n >= 2 ? n - 2 : 0) + "..";
}

std::string cores(core::CoreUnits units) { return absl::StrFormat("%.2f", units / 100.0); }

namespace {

// Python's str() of a float, as OpenCue's tables print them: "8.0", "2.5".
std::string pyFloat(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return absl::StrFormat("%.1f", v);
  return absl::StrFormat("%g", v);
}

const char* pyBool(bool b) { return b ? "True" : "False"; }

double coresOf(core::CoreUnits units) { return units / 100.0; }

std::string stateName(core::FrameState s) { return std::string(core::toString(s)); }

}  // namespace

// ---- JSON ----

void JsonWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ << ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separator();
  out_ << '{';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::endObject() {
  first_.pop_back();
  out_ << '}';
  if (first_.empty()) out_ << '\n';
  return *this;
}
JsonWriter& JsonWriter::beginArray() {
  separator();
  out_ << '[';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::endArray() {
  first_.pop_back();
  out_ << ']';
  if (first_.empty()) out_ << '\n';
  return *this;
}
JsonWriter& JsonWriter::key(const std::string& k) {
  value(k);
  out_ << ':';
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::value(const std::string& v) {
  separator();
  out_ << '"';
  for (unsigned char c : v) {
    switch (c) {
      case '"': out_ << "\\\""; break;
      case '\\': out_ << "\\\\"; break;
      case '\n': out_ << "\\n"; break;
      case '\r': out_ << "\\r"; break;
      case '\t': out_ << "\\t"; break;
      default:
        if (c < 0x20) out_ << absl::StrFormat("\\u%04x", c);
        else out_ << c;
    }
  }
  out_ << '"';
  return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
  separator();
  out_ << v;
  return *this;
}
JsonWriter& JsonWriter::value(double v) {
  separator();
  if (!std::isfinite(v)) out_ << "null";
  else out_ << absl::StrFormat("%.10g", v);
  return *this;
}
JsonWriter& JsonWriter::value(bool v) {
  separator();
  out_ << (v ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::value(const std::vector<std::string>& v) {
  beginArray();
  for (const auto& s : v) value(s);
  first_.pop_back();
  out_ << ']';
  return *this;
}

namespace {

void countsJson(JsonWriter& w, const core::FrameCounts& c) {
  w.key("frames").beginObject();
  w.field("total", c.total).field("succeeded", c.succeeded).field("running", c.running);
  w.field("waiting", c.waiting).field("depend", c.depend).field("dead", c.dead);
  w.field("eaten", c.eaten).endObject();
  w.field("max_rss_kb", c.max_rss).field("core_seconds", c.core_seconds);
}

void jobJson(JsonWriter& w, const core::JobView& v) {
  const auto& j = v.job;
  w.beginObject();
  w.field("id", j.id).field("name", j.name).field("show", j.show).field("shot", j.shot);
  w.field("user", j.user).field("group", j.group_name).field("facility", j.facility);
  w.field("state", std::string(core::toString(j.state))).field("paused", j.paused);
  w.field("priority", j.priority).field("min_cores", coresOf(j.min_cores));
  w.field("max_cores", coresOf(j.max_cores)).field("auto_eat", j.auto_eat);
  w.field("start_time", j.start_time).field("stop_time", j.stop_time).field("log_dir", j.log_dir);
  w.field("reserved_cores", coresOf(v.reserved_cores));
  countsJson(w, v.counts);
  w.endObject();
}

void layerJson(JsonWriter& w, const core::LayerView& v) {
  const auto& l = v.layer;
  w.beginObject();
  w.field("id", l.id).field("name", l.name).field("type", std::string(core::toString(l.type)));
  w.field("command", l.command).field("range", l.range).field("chunk", l.chunk_size);
  w.field("min_cores", coresOf(l.min_cores)).field("max_cores", coresOf(l.max_cores));
  w.field("min_memory_kb", l.min_memory).field("min_gpus", l.min_gpus);
  w.field("tags", l.tags).field("services", l.services).field("limits", l.limits);
  w.field("reserved_cores", coresOf(v.reserved_cores)).field("avg_frame_sec", v.avg_frame_sec);
  countsJson(w, v.counts);
  w.endObject();
}

}  // namespace

// ---- listings ----

void printJobNames(std::ostream& out, const std::vector<core::JobView>& jobs, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& j : jobs) jobJson(w, j);
    w.endArray();
    return;
  }
  for (const auto& j : jobs) out << j.job.name << "\n";
}

void printJobs(std::ostream& out, const std::vector<core::JobView>& jobs, bool json) {
  if (json) return printJobNames(out, jobs, true);
  constexpr auto kFmt = "%-56s %-15s %5s %7s %8s %5s %8s %8s\n";
  out << absl::StrFormat(kFmt, "Job", "Group", "Booked", "Cores", "Wait", "Pri", "MinCores",
                         "MaxCores");
  for (const auto& v : jobs) {
    const auto& j = v.job;
    out << absl::StrFormat(kFmt, cutoff(j.name + (j.paused ? " [paused]" : ""), 52),
                           cutoff(j.group_name, 15), absl::StrCat(v.counts.running),
                           cores(v.reserved_cores), absl::StrCat(v.counts.waiting),
                           absl::StrCat(j.priority), cores(j.min_cores), cores(j.max_cores));
  }
}

void printJobInfo(std::ostream& out, const core::JobView& v,
                  const std::vector<core::LayerView>& layers, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginObject().key("job");
    jobJson(w, v);
    w.key("layers").beginArray();
    for (const auto& l : layers) layerJson(w, l);
    w.endArray().endObject();
    return;
  }
  const auto& j = v.job;
  const auto& c = v.counts;
  out << std::string(60, '-') << "\n";
  out << "job: " << j.name << "\n\n";
  out << absl::StrFormat("%13s: %s\n", "start time", formatTime(j.start_time));
  out << absl::StrFormat("%13s: %s\n", "state", j.paused ? "PAUSED" : std::string(core::toString(j.state)));
  out << absl::StrFormat("%13s: %s\n", "user", j.user);
  out << absl::StrFormat("%13s: %s\n", "group", j.group_name);
  out << absl::StrFormat("%13s: %d\n", "priority", j.priority);
  out << absl::StrFormat("%13s: %s / %s\n", "Min/Max cores", cores(j.min_cores), cores(j.max_cores));
  out << "\n";
  out << absl::StrFormat("%22s: %d\n", "total number of frames", c.total);
  out << absl::StrFormat("%22s: %d\n", "done", c.succeeded);
  out << absl::StrFormat("%22s: %d\n", "running", c.running);
  out << absl::StrFormat("%22s: %d\n", "waiting (ready)", c.waiting);
  out << absl::StrFormat("%22s: %d\n", "waiting (depend)", c.depend);
  out << absl::StrFormat("%22s: %d\n", "failed", c.dead);
  out << absl::StrFormat("%22s: %d\n", "eaten", c.eaten);
  out << absl::StrFormat("%22s: %s\n", "max rss", formatMem(c.max_rss));
  out << absl::StrFormat("%22s: %s\n\n", "core time", formatDuration(c.core_seconds));
  out << "this is a Cue job with " << layers.size() << " layers\n\n";
  for (const auto& l : layers) {
    out << absl::StrFormat("%s  (%d frames, %d done)\n", l.layer.name, l.counts.total,
                           l.counts.succeeded);
    out << "   average frame time: "
        << (l.avg_frame_sec > 0 ? formatDuration(l.avg_frame_sec) : "N/A") << "\n";
    out << "   max ram usage: " << (l.counts.max_rss > 0 ? formatMem(l.counts.max_rss) : "N/A")
        << "\n";
    out << "   tags: " << absl::StrJoin(l.layer.tags, " | ") << "\n\n";
  }
}

void printLayers(std::ostream& out, const core::JobView& job,
                 const std::vector<core::LayerView>& layers, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& l : layers) layerJson(w, l);
    w.endArray();
    return;
  }
  out << "Job: " << job.job.name << " has " << layers.size() << " layers\n\n";
  constexpr auto kFmt = "%-30s %-8s %-8s %-8s %-8s %-8s";
  std::string header = absl::StrFormat(kFmt, "Layer", "Total", "Done", "Running", "Waiting", "Failed");
  out << header << "\n" << std::string(header.size(), '-') << "\n";
  for (const auto& l : layers) {
    const auto& c = l.counts;
    out << absl::StrFormat(kFmt, l.layer.name.substr(0, 29), absl::StrCat(c.total),
                           absl::StrCat(c.succeeded), absl::StrCat(c.running),
                           absl::StrCat(c.waiting), absl::StrCat(c.dead))
        << "\n";
    if (!l.layer.tags.empty()) out << "   tags: " << absl::StrJoin(l.layer.tags, " | ") << "\n";
    out << "\n";
  }
}

void printFrames(std::ostream& out, const std::vector<core::Frame>& frames, bool json,
                 int64_t now) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& f : frames) {
      w.beginObject();
      w.field("id", f.id).field("name", f.name).field("layer", f.layer_name);
      w.field("number", f.number).field("state", stateName(f.state));
      w.field("host", f.last_resource.substr(0, f.last_resource.find('/')));
      w.field("resource", f.last_resource).field("retries", f.retry_count);
      w.field("exit_status", f.exit_status).field("start_time", f.start_time);
      w.field("stop_time", f.stop_time).field("max_rss_kb", f.max_rss);
      w.field("used_memory_kb", f.used_memory).field("core_seconds", f.total_core_time);
      w.field("dispatch_order", f.dispatch_order);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-35s %-11s %-15s %-13s %-12s %-9s %5s %7s %5s";
  std::string header =
      absl::StrFormat(kFmt, "Frame", "Status", "Host", "Start", "End", "Runtime", "Mem", "Retry", "Exit");
  out << header << "\n" << std::string(header.size(), '-') << "\n";
  for (const auto& f : frames) {
    std::string runtime;
    if (f.start_time > 0) runtime = formatDuration((f.stop_time > 0 ? f.stop_time : now) - f.start_time);
    out << absl::StrFormat(kFmt, cutoff(f.name, 35), stateName(f.state), f.last_resource,
                           formatTime(f.start_time), formatTime(f.stop_time), runtime,
                           formatMem(f.max_rss), absl::StrCat(f.retry_count),
                           absl::StrCat(f.exit_status))
        << "\n";
  }
}

void printProcs(std::ostream& out, const std::vector<core::ProcView>& procs, bool json,
                int64_t now) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& v : procs) {
      const auto& p = v.proc;
      w.beginObject();
      w.field("id", p.id).field("name", v.name).field("host", p.host_name);
      w.field("job", v.job_name).field("frame", v.frame_name);
      w.field("reserved_cores", coresOf(p.reserved_cores)).field("reserved_memory_kb", p.reserved_memory);
      w.field("used_memory_kb", p.used_memory).field("reserved_gpus", p.reserved_gpus);
      w.field("dispatch_time", p.booked_time).field("log_path", p.log_path);
      w.field("unbooked", p.unbooked);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-10s %-7s %-24s %-30s / %-30s %-12s %-12s\n";
  out << absl::StrFormat(kFmt, "Host", "Cores", "Memory", "Job", "Frame", "Start", "Runtime");
  for (const auto& v : procs) {
    const auto& p = v.proc;
    double pct = p.reserved_memory > 0 ? 100.0 * p.used_memory / p.reserved_memory : 0.0;
    out << absl::StrFormat(kFmt, p.host_name, cores(p.reserved_cores),
                           absl::StrFormat("%s of %s (%.2f%%)", formatMem(p.used_memory),
                                           formatMem(p.reserved_memory), pct),
                           cutoff(v.job_name, 30), cutoff(v.frame_name, 30),
                           formatTime(p.booked_time), formatDuration(now - p.booked_time));
  }
}

void printLogPaths(std::ostream& out, const std::vector<core::ProcView>& procs, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& v : procs) {
      w.beginObject().field("job", v.job_name).field("frame", v.frame_name);
      w.field("host", v.proc.host_name).field("log_path", v.proc.log_path).endObject();
    }
    w.endArray();
    return;
  }
  for (const auto& v : procs) out << v.proc.log_path << "\n";
}

void printHosts(std::ostream& out, const std::vector<core::Host>& hosts, bool json, int64_t now) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& h : hosts) {
      w.beginObject();
      w.field("id", h.id).field("name", h.name).field("alloc", h.alloc_name);
      w.field("state", std::string(core::toString(h.state)));
      w.field("lock_state", std::string(core::toString(h.lock_state)));
      w.field("thread_mode", std::string(core::toString(h.thread_mode)));
      w.field("nimby_enabled", h.nimby_enabled).field("load", h.load / 100.0);
      w.field("cores", coresOf(h.cores)).field("idle_cores", coresOf(h.idle_cores));
      w.field("memory_kb", h.memory).field("idle_memory_kb", h.idle_memory);
      w.field("free_memory_kb", h.free_memory).field("free_swap_kb", h.free_swap);
      w.field("free_mcp_kb", h.free_mcp).field("gpus", h.gpus).field("idle_gpus", h.idle_gpus);
      w.field("gpu_memory_kb", h.gpu_memory).field("os", h.os).field("tags", h.tags);
      w.field("boot_time", h.boot_time).field("ping_time", h.ping_time);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-15s %-4s %-5s %-8s %-8s %-9s %-5s %-5s %-16s %-8s %-8s %-6s %-9s %-10s %-7s\n";
  out << absl::StrFormat(kFmt, "Host", "Load", "NIMBY", "freeMem", "freeSwap", "freeMcp", "Cores",
                         "Mem", "Idle", "Os", "Uptime", "State", "Locked", "Alloc", "Thread");
  for (const auto& h : hosts) {
    out << absl::StrFormat(kFmt, h.name, absl::StrCat(h.load), pyBool(h.nimby_enabled),
                           formatMem(h.free_memory), formatMem(h.free_swap), formatMem(h.free_mcp),
                           pyFloat(coresOf(h.cores)), formatMem(h.memory),
                           absl::StrFormat("[ %.2f / %s ]", coresOf(h.idle_cores), formatMem(h.idle_memory)),
                           h.os, formatLongDuration(now - h.boot_time),
                           std::string(core::toString(h.state)),
                           std::string(core::toString(h.lock_state)), h.alloc_name,
                           std::string(core::toString(h.thread_mode)));
  }
}

void printShows(std::ostream& out, const std::vector<core::ShowView>& shows, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& s : shows) {
      w.beginObject();
      w.field("id", s.show.id).field("name", s.show.name).field("active", s.show.active);
      w.field("dispatch_enabled", s.show.dispatch_enabled);
      w.field("booking_enabled", s.show.booking_enabled);
      w.field("default_min_cores", coresOf(s.show.default_min_cores));
      w.field("default_max_cores", coresOf(s.show.default_max_cores));
      w.field("reserved_cores", coresOf(s.reserved_cores)).field("running_frames", s.running_frames);
      w.field("pending_frames", s.pending_frames).field("pending_jobs", s.pending_jobs);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-8s %-6s %15s %15s %15s %15s\n";
  out << absl::StrFormat(kFmt, "Show", "Active", "ReservedCores", "RunningFrames", "PendingFrames",
                         "PendingJobs");
  for (const auto& s : shows)
    out << absl::StrFormat(kFmt, s.show.name, pyBool(s.show.active), cores(s.reserved_cores),
                           absl::StrCat(s.running_frames), absl::StrCat(s.pending_frames),
                           absl::StrCat(s.pending_jobs));
}

void printAllocations(std::ostream& out, const std::vector<core::AllocationView>& allocs,
                      bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& a : allocs) {
      w.beginObject();
      w.field("id", a.alloc.id).field("name", a.alloc.name).field("facility", a.alloc.facility);
      w.field("tag", a.alloc.tag).field("billable", a.alloc.billable);
      w.field("cores", coresOf(a.cores)).field("available_cores", coresOf(a.available_cores));
      w.field("idle_cores", coresOf(a.idle_cores)).field("running_cores", coresOf(a.running_cores));
      w.field("locked_cores", coresOf(a.locked_cores)).field("hosts", a.hosts);
      w.field("locked_hosts", a.locked_hosts).field("down_hosts", a.down_hosts);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-25s %15s %8s  %8s  %8s %8s %8s %8s %-8s\n";
  out << absl::StrFormat(kFmt, "Name", "Tag", "Running", "Avail", "Cores", "Hosts", "Locked", "Down",
                         "Billable");
  for (const auto& a : allocs)
    out << absl::StrFormat(kFmt, a.alloc.name, a.alloc.tag, cores(a.running_cores),
                           cores(a.available_cores), pyFloat(coresOf(a.cores)),
                           absl::StrCat(a.hosts), absl::StrCat(a.locked_hosts),
                           absl::StrCat(a.down_hosts), pyBool(a.alloc.billable));
}

void printSubscriptions(std::ostream& out, const std::vector<core::SubscriptionView>& subs,
                        const std::string& title, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& s : subs) {
      w.beginObject();
      w.field("id", s.sub.id).field("name", s.sub.alloc_name + "." + s.sub.show_name);
      w.field("show", s.sub.show_name).field("allocation", s.sub.alloc_name);
      w.field("size", coresOf(s.sub.size)).field("burst", coresOf(s.sub.burst));
      w.field("reserved_cores", coresOf(s.reserved_cores));
      w.endObject();
    }
    w.endArray();
    return;
  }
  out << "Subscriptions for " << title << "\n";
  constexpr auto kFmt = "%-30s %-12s %6s %8s %8s %8s\n";
  out << absl::StrFormat(kFmt, "Allocation", "Show", "Size", "Burst", "Run", "Used");
  for (const auto& s : subs) {
    double used = s.sub.size > 0 ? 100.0 * s.reserved_cores / s.sub.size : coresOf(s.reserved_cores);
    out << absl::StrFormat(kFmt, s.sub.alloc_name, s.sub.show_name, pyFloat(coresOf(s.sub.size)),
                           pyFloat(coresOf(s.sub.burst)), cores(s.reserved_cores),
                           absl::StrFormat("%.2f%%", used));
  }
}

void printServices(std::ostream& out, const std::vector<core::Service>& services, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginArray();
    for (const auto& s : services) {
      w.beginObject();
      w.field("name", s.name).field("threadable", s.threadable);
      w.field("min_cores", coresOf(s.min_cores)).field("max_cores", coresOf(s.max_cores));
      w.field("min_memory_kb", s.min_memory).field("min_gpus", s.min_gpus);
      w.field("min_gpu_memory_kb", s.min_gpu_memory).field("tags", s.tags);
      w.field("timeout_min", s.timeout_min).field("timeout_llu_min", s.timeout_llu_min);
      w.endObject();
    }
    w.endArray();
    return;
  }
  constexpr auto kFmt = "%-20s %-12s %-20s %-15s %-36s\n";
  out << absl::StrFormat(kFmt, "Name", "Can Thread", "Min Cores Units", "Min Memory", "Tags");
  for (const auto& s : services)
    out << absl::StrFormat(kFmt, s.name, pyBool(s.threadable), absl::StrCat(s.min_cores),
                           absl::StrCat(s.min_memory / 1024, " MB"), absl::StrJoin(s.tags, " | "));
}

void printWhy(std::ostream& out, const core::WhyView& why, bool json) {
  if (json) {
    JsonWriter w(out);
    w.beginObject();
    w.field("job_id", why.job_id).field("job", why.job_name).field("summary", why.summary);
    w.key("layers").beginArray();
    for (const auto& l : why.layers) {
      w.beginObject();
      w.field("layer", l.layer_name).field("waiting_frames", l.waiting_frames);
      w.field("depend_frames", l.depend_frames).field("running_frames", l.running_frames);
      w.field("blocked", l.blocked).field("blocked_description", l.blocked_description);
      w.field("hosts_total", l.hosts_total).field("hosts_fit", l.hosts_fit);
      w.field("memory_reservation_kb", l.memory_reservation_kb).field("summary", l.summary);
      w.key("host_reasons").beginArray();
      for (const auto& r : l.host_reasons)
        w.beginObject().field("reason", r.reason).field("description", r.description)
            .field("hosts", r.hosts).endObject();
      w.endArray().endObject();
    }
    w.endArray().endObject();
    return;
  }
  out << why.job_name << ": " << why.summary << "\n";
  for (const auto& l : why.layers) {
    out << "\n  " << l.layer_name << ": " << l.waiting_frames << " waiting, " << l.depend_frames
        << " depend, " << l.running_frames << " running\n";
    out << "    " << l.summary << "\n";
    if (!l.blocked.empty()) {
      out << "    blocked: " << l.blocked << " (" << l.blocked_description << ")\n";
      continue;
    }
    out << "    hosts that could take its next frame: " << l.hosts_fit << " of " << l.hosts_total
        << "\n";
    for (const auto& r : l.host_reasons)
      out << absl::StrFormat("    %6d hosts: %s (%s)\n", r.hosts, r.description, r.reason);
  }
}

}  // namespace cue::cli
