#include "audit.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "store/store.h"

namespace cue::sim {

void fillFigures(const SimMetrics& m, SteadyTime t0, RunFigures& fig) {
  fig.launches = m.launches;
  fig.completions = m.completions;
  fig.status_reports = m.status_reports;
  double span = std::chrono::duration<double>(m.last_launch - m.first_launch).count();
  fig.booked_per_s = span > 0 ? m.launches / span : 0;
  if (m.launches > 0) {
    fig.first_launch_s = std::chrono::duration<double>(m.first_launch - t0).count();
    fig.last_launch_s = std::chrono::duration<double>(m.last_launch - t0).count();
  }
  fig.peak_booked_pct = m.total_cores > 0 ? 100.0 * m.peak_running_cores / m.total_cores : 0;
  std::vector<double> d = m.free_to_launch_ms;
  std::sort(d.begin(), d.end());
  fig.delay_samples = static_cast<int64_t>(d.size());
  auto pct = [&](double p) {
    return d.empty() ? 0.0 : d[std::min(d.size() - 1, static_cast<size_t>(p * d.size()))];
  };
  fig.delay_p50_ms = pct(0.5);
  fig.delay_p99_ms = pct(0.99);
  fig.delay_max_ms = d.empty() ? 0 : d.back();
}

bool procsMatch(store::Store& store, SimFarm& farm) {
  auto procs = store.getProcs({});
  if (!procs.ok()) return false;
  std::set<std::string> ids;
  for (const auto& p : *procs) ids.insert(p.id);
  return ids == farm.runningProcs();
}

std::vector<AuditResult> audit(store::Store& s, SimFarm& farm, const SimMetrics& m,
                               int64_t frames, bool drained) {
  std::vector<AuditResult> out;
  out.push_back({"no over-booking (a launch that did not fit its host)", m.overbooked == 0,
                 absl::StrCat(m.overbooked, " over-booked launches")});
  auto succeeded = farm.succeeded();
  int64_t twice = m.ran_twice;
  for (const auto& [id, n] : succeeded) twice += n > 1;
  out.push_back({"no frame run twice", twice == 0, absl::StrCat(twice, " frames")});

  auto hosts = s.getHosts({});
  auto procs = s.getProcs({});
  if (!hosts.ok() || !procs.ok()) {
    out.push_back({"store readable", false, "cannot read hosts or procs"});
    return out;
  }
  std::map<std::string, std::pair<int64_t, int64_t>> held;  // host -> cores, memory
  std::map<std::string, int64_t> by_show;
  std::set<std::string> proc_ids;
  for (const auto& p : *procs) {
    held[p.host_id].first += p.reserved_cores;
    held[p.host_id].second += p.reserved_memory;
    by_show[p.show_id] += p.reserved_cores;
    proc_ids.insert(p.id);
  }
  int bad_hosts = 0;
  for (const auto& h : *hosts)
    if (h.cores - h.idle_cores != held[h.id].first || h.memory - h.idle_memory != held[h.id].second)
      ++bad_hosts;
  out.push_back({"counted cores and memory of every host equal the sum of its procs",
                 bad_hosts == 0, absl::StrCat(bad_hosts, " hosts differ")});
  auto running = farm.runningProcs();
  out.push_back({"the store's procs are exactly the frames the hosts run", running == proc_ids,
                 absl::StrCat(proc_ids.size(), " procs in the store, ", running.size(),
                              " frames running on hosts")});
  auto subs = s.getSubscriptions("");
  int over_burst = 0;
  if (subs.ok())
    for (const auto& sub : *subs)
      if (by_show[sub.show_id] > sub.burst) ++over_burst;
  out.push_back({"no subscription above its burst", subs.ok() && over_burst == 0,
                 absl::StrCat(over_burst, " subscriptions above burst")});

  store::JobSearch q;
  q.include_finished = true;
  auto jobs = s.getJobs(q);
  int64_t done = 0;
  if (jobs.ok()) {
    std::vector<std::string> ids;
    for (const auto& j : *jobs) ids.push_back(j.id);
    auto counts = s.jobFrameCounts(ids);
    if (counts.ok())
      for (const auto& [id, c] : *counts) done += c.succeeded;
  }
  if (drained) {
    out.push_back({"every frame SUCCEEDED exactly once",
                   done == frames && static_cast<int64_t>(succeeded.size()) == frames &&
                       twice == 0,
                   absl::StrCat(done, " of ", frames, " SUCCEEDED in the store, ",
                                succeeded.size(), " succeeded on hosts")});
  } else {
    out.push_back({"every completion the hosts delivered is durable",
                   done == static_cast<int64_t>(succeeded.size()),
                   absl::StrCat(done, " SUCCEEDED in the store, ", succeeded.size(),
                                " succeeded on hosts")});
  }
  return out;
}

namespace {
std::string num(double v, int prec = 1) {
  return v < 0 ? "-" : absl::StrFormat("%.*f", prec, v);
}
}  // namespace

void printFigures(const RunFigures& f, const std::vector<AuditResult>& audits, FILE* out) {
  std::fprintf(out, "scenario %s (%s): %lld hosts, %lld cores, %lld frames\n\n",
               f.scenario.c_str(), f.mode.c_str(), static_cast<long long>(f.hosts),
               static_cast<long long>(f.cores), static_cast<long long>(f.frames));
  std::fprintf(out, "| figure | value |\n| --- | --- |\n");
  auto row = [&](const std::string& k, const std::string& v) {
    std::fprintf(out, "| %s | %s |\n", k.c_str(), v.c_str());
  };
  row("hosts booted (boot reports)", absl::StrCat(num(f.boot_s, 2), " s"));
  row("submission", absl::StrCat(num(f.submit_s, 2), " s"));
  row("frames launched / completed", absl::StrCat(f.launches, " / ", f.completions));
  row("frames booked per second", num(f.booked_per_s, 0));
  row("first and last launch, after the first submission",
      absl::StrCat(num(f.first_launch_s, 3), " s / ", num(f.last_launch_s, 3), " s"));
  row("host reports ingested per second", num(f.reports_per_s, 0));
  row("proc freed -> next frame launched, p50 / p99 / max",
      absl::StrCat(num(f.delay_p50_ms, 2), " / ", num(f.delay_p99_ms, 2), " / ",
                   num(f.delay_max_ms, 2), " ms (", f.delay_samples, " samples)"));
  row("highest share of cores running", absl::StrCat(num(f.peak_booked_pct, 1), "%"));
  row("cold fill to 95% of cores", f.fill_s < 0 ? "not reached" : absl::StrCat(num(f.fill_s, 2), " s"));
  if (f.restart_s >= 0)
    row("cuebot SIGKILLed and restarted: listening again / first launch",
        absl::StrCat(num(f.restart_s, 2), " s / ", num(f.restart_to_dispatch_s, 2), " s"));
  row("run (submission to end)", absl::StrCat(num(f.run_s, 2), " s"));
  row("frozen farm: until cuebot stopped booking", absl::StrCat(num(f.settle_s, 2), " s"));
  row("cuebot CPU", absl::StrCat(num(f.cuebot_cpu_s, 1), " s"));
  row("cuebot peak RSS", absl::StrCat(num(f.cuebot_peak_rss_mb, 0), " MB"));
  row("store size", absl::StrCat(num(f.store_mb, 1), " MB"));
  if (!f.cpu_probe_ms.empty()) {
    std::string probe;
    for (size_t c = 0; c < f.cpu_probe_ms.size(); ++c)
      absl::StrAppend(&probe, c ? ", " : "", num(f.cpu_probe_ms[c], 0));
    row("machine: each CPU on one fixed piece of work (lower is faster)", probe + " ms");
  }
  std::fprintf(out, "\naudits:\n");
  for (const auto& a : audits)
    std::fprintf(out, "  %s %s (%s)\n", a.passed ? "PASS" : "FAIL", a.name.c_str(),
                 a.detail.c_str());
}

std::string toJson(const RunFigures& f, const std::vector<AuditResult>& audits) {
  std::string j = absl::StrFormat(
      "{\"scenario\":\"%s\",\"mode\":\"%s\",\"hosts\":%d,\"cores\":%d,\"frames\":%d,", f.scenario,
      f.mode, f.hosts, f.cores, f.frames);
  absl::StrAppendFormat(&j, "\"launches\":%d,\"completions\":%d,\"status_reports\":%d,", f.launches,
                        f.completions, f.status_reports);
  absl::StrAppendFormat(&j, "\"boot_s\":%.3f,\"submit_s\":%.3f,\"run_s\":%.3f,\"settle_s\":%.3f,",
                        f.boot_s, f.submit_s, f.run_s, f.settle_s);
  absl::StrAppendFormat(&j, "\"restart_s\":%.3f,\"restart_to_dispatch_s\":%.3f,", f.restart_s,
                        f.restart_to_dispatch_s);
  absl::StrAppendFormat(&j, "\"cold_fill_95_s\":%.3f,\"booked_per_s\":%.1f,", f.fill_s,
                        f.booked_per_s);
  absl::StrAppendFormat(&j, "\"first_launch_s\":%.3f,\"last_launch_s\":%.3f,", f.first_launch_s,
                        f.last_launch_s);
  absl::StrAppendFormat(&j, "\"reports_per_s\":%.1f,\"peak_booked_pct\":%.2f,", f.reports_per_s,
                        f.peak_booked_pct);
  absl::StrAppendFormat(&j,
                        "\"free_to_launch_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
                        "\"samples\":%d},",
                        f.delay_p50_ms, f.delay_p99_ms, f.delay_max_ms, f.delay_samples);
  absl::StrAppendFormat(&j, "\"cuebot_cpu_s\":%.2f,\"cuebot_peak_rss_mb\":%.1f,\"store_mb\":%.2f,",
                        f.cuebot_cpu_s, f.cuebot_peak_rss_mb, f.store_mb);
  absl::StrAppendFormat(&j, "\"cpu_probe_ms\":[%s],\"audits\":[",
                        absl::StrJoin(f.cpu_probe_ms, ",", [](std::string* o, double v) {
                          absl::StrAppendFormat(o, "%.1f", v);
                        }));
  for (size_t i = 0; i < audits.size(); ++i)
    absl::StrAppendFormat(&j, "%s{\"name\":\"%s\",\"passed\":%s,\"detail\":\"%s\"}",
                          i ? "," : "", audits[i].name, audits[i].passed ? "true" : "false",
                          audits[i].detail);
  j += "]}\n";
  return j;
}

}  // namespace cue::sim
