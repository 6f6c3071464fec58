#include "cuebot/farm.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/process.h"
#include "common/status.h"
#include "cuebot/app/filters.h"
#include "cuebot/cluster.h"
#include "cuebot/rqd_client.h"

namespace cue::cuebot {

namespace {
// RqdClient's deadline for a LaunchFrame (10 s), with a margin.
constexpr int64_t kLaunchDeadlineSec = 12;
// The most completions one store transaction takes.
constexpr size_t kMaxCompletionBatch = 32;
}  // namespace

Farm::Farm(store::Store& store, FarmModel& model, RqdClient& rqd, Dispatcher& dispatcher,
           JobLauncher& launcher, const common::Clock& clock, FarmOptions options)
    : store_(store),
      model_(model),
      rqd_(rqd),
      dispatcher_(dispatcher),
      launcher_(launcher),
      clock_(clock),
      options_(options),
      report_writer_(store, ReportWriter::kDefaultMaxRows,
                     std::chrono::milliseconds(options.report_write_interval_ms)),
      completions_(
          [this](std::vector<Dispatcher::FrameEnd>& batch) {
            return dispatcher_.completeAndBook(batch);
          },
          kMaxCompletionBatch) {}

Farm::~Farm() { stop(); }

void Farm::start() {
  monitor_ = std::thread([this] {
    common::nameThisThread("host-monitor");
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(options_.host_check_interval_ms),
                   [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      checkHosts();
      lock.lock();
    }
  });
}

void Farm::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
}

void Farm::killProcs(const std::vector<core::Proc>& procs, const std::string& reason) {
  if (procs.empty()) return;
  store::HostSearch q;
  for (const auto& p : procs) q.ids.push_back(p.host_id);
  auto hosts = store_.getHosts(q);
  std::map<std::string, std::string> address;
  if (hosts.ok())
    for (const auto& h : *hosts) address[h.id] = h.rqd_address;
  for (const auto& p : procs) {
    if (dispatcher_.deferKill(p.id, reason)) continue;  // sent once its launch is answered
    auto st = rqd_.killFrame(address[p.host_id], p.frame_id, reason);
    if (!st.ok())
      common::logger("cuebot")->warn("kill of frame {} on {} failed: {}", p.frame_id, p.host_name,
                                     st.ToString());
  }
}

void Farm::note(const std::string& kind, const std::string& ref) {
  if (cluster_) cluster_->note(kind, ref);
}

void Farm::refreshJobs(const std::set<std::string>& job_ids) {
  for (const auto& id : job_ids) {
    note("job", id);
    auto st = model_.refreshJob(id);
    if (!st.ok())
      common::logger("cuebot")->error("model: cannot refresh job {}: {}", id, st.ToString());
  }
}

void Farm::refreshHost(const std::string& host_id) {
  note("host", host_id);
  auto st = model_.refreshHost(host_id);
  if (!st.ok())
    common::logger("cuebot")->error("model: cannot refresh host {}: {}", host_id, st.ToString());
}

void Farm::refreshDependents() {
  note("dependents");
  auto st = model_.refreshDependents();
  if (!st.ok()) common::logger("cuebot")->error("model: cannot refresh depends: {}", st.ToString());
}

std::set<std::string> Farm::jobsOfFrames(const std::vector<std::string>& frame_ids) {
  std::set<std::string> out;
  if (frame_ids.empty()) return out;
  store::FrameSearch q;
  q.ids = frame_ids;
  auto frames = store_.getFrames(q);
  if (frames.ok())
    for (const auto& f : *frames) out.insert(f.job_id);
  return out;
}

void Farm::referenceChanged() {
  note("reference");
  auto st = model_.refreshReference();
  if (!st.ok())
    common::logger("cuebot")->error("model: cannot refresh shows and limits: {}", st.ToString());
  dispatcher_.kickAll();
}

void Farm::hostChanged(const std::string& host_id) {
  refreshHost(host_id);
  dispatcher_.kickHost(host_id);
}

void Farm::jobChanged(const std::string& job_id) {
  refreshJobs({job_id});
  dispatcher_.kickAll();
}

int32_t Farm::limitRunning(const std::string& limit_id) {
  int32_t n = 0;
  model_.withView([&](dispatch::FarmView& v) {
    for (const auto& l : v.limits)
      if (l.id == limit_id) n = l.running;
  });
  return n;
}

absl::StatusOr<dispatch::JobExplanation> Farm::explainJob(const std::string& job_id) {
  RETURN_IF_ERROR(store_.getJob(job_id).status());  // NOT_FOUND for an unknown id
  return model_.explain(job_id, dispatcher_.planConfig(), clock_.nowSeconds());
}

absl::StatusOr<std::vector<core::Job>> Farm::launchSpec(const std::string& xml) {
  ASSIGN_OR_RETURN(auto launched, launcher_.launchJobs(xml));
  std::vector<core::Job> jobs;
  std::map<std::string, bool> show_filters;  // whether each show has enabled filters
  std::vector<FarmModel::AddedJob> added;
  for (auto& l : launched) {
    core::Job& j = jobs.emplace_back(std::move(l.job));
    common::logger("cuebot")->info("launched job {} ({})", j.name, j.id);
    // The show's filters, as OpenCue runs them on every new job (never fail the launch).
    // Their actions change the job and its layers, never its frames. Whether there are
    // any is asked once per show and spec, not read with the job for each job.
    auto [has, first] = show_filters.try_emplace(j.show_id, true);
    if (first) {
      auto any = app::hasEnabledFilters(*this, j.show_id);
      has->second = !any.ok() || *any;  // unknown: run them, which reports the error
    }
    if (has->second) {
      auto st = app::runFilters(*this, j.id);
      if (!st.ok()) common::logger("cuebot")->warn("filters on job {}: {}", j.name, st.ToString());
      auto after = store_.getJob(j.id);
      if (after.ok()) j = *after;
    }
    note("job", j.id);
    // A new job without depends: its frames, all waiting, go to the model as built, not
    // read back from the store, without waiting for a sweep that holds the model.
    if (l.waiting) {
      added.push_back({j.id, std::move(*l.waiting)});
      continue;
    }
    if (auto st = model_.refreshJob(j.id); !st.ok())
      common::logger("cuebot")->error("model: cannot add job {}: {}", j.id, st.ToString());
  }
  model_.addNewJobs(std::move(added));
  dispatcher_.kickAll();
  return jobs;
}

absl::Status Farm::pauseJob(const std::string& job_id, bool paused) {
  RETURN_IF_ERROR(store_.setJobPaused(job_id, paused));
  refreshJobs({job_id});
  if (!paused) dispatcher_.kickAll();
  return absl::OkStatus();
}

absl::Status Farm::killJob(const std::string& job_id, const std::string& reason) {
  ASSIGN_OR_RETURN(auto result, store_.killJob(job_id, clock_.nowSeconds()));
  common::logger("cuebot")->info("job {} killed ({}): {} running frames to kill", job_id,
                                 reason.empty() ? "no reason given" : reason,
                                 result.procs_to_kill.size());
  refreshJobs({job_id});
  refreshDependents();
  killProcs(result.procs_to_kill, reason.empty() ? "job killed" : reason);
  dispatcher_.kickAll();  // depends on it may be satisfied
  return absl::OkStatus();
}

absl::Status Farm::framesExist(const std::vector<std::string>& ids) {
  if (ids.empty()) return absl::OkStatus();
  store::FrameSearch q;
  q.ids = ids;
  ASSIGN_OR_RETURN(auto frames, store_.getFrames(q));
  std::set<std::string> found;
  for (const auto& f : frames) found.insert(f.id);
  for (const auto& id : ids)
    if (!found.contains(id))
      return absl::NotFoundError(absl::StrCat("frame id ", id, " was not found"));
  return absl::OkStatus();
}

absl::Status Farm::retryFrames(const std::vector<std::string>& ids) {
  RETURN_IF_ERROR(framesExist(ids));
  auto jobs = jobsOfFrames(ids);
  ASSIGN_OR_RETURN(auto result, store_.retryFrames(ids, clock_.nowSeconds()));
  refreshJobs(jobs);
  killProcs(result.procs_to_kill, "frame retried");
  dispatcher_.kickAll();
  return absl::OkStatus();
}

absl::Status Farm::eatFrames(const std::vector<std::string>& ids) {
  RETURN_IF_ERROR(framesExist(ids));
  auto jobs = jobsOfFrames(ids);
  ASSIGN_OR_RETURN(auto result, store_.eatFrames(ids, clock_.nowSeconds()));
  refreshJobs(jobs);
  refreshDependents();
  killProcs(result.procs_to_kill, "frame eaten");
  dispatcher_.kickAll();
  return absl::OkStatus();
}

absl::Status Farm::killFrames(const std::vector<std::string>& ids, const std::string& reason) {
  RETURN_IF_ERROR(framesExist(ids));
  ASSIGN_OR_RETURN(auto result, store_.killFrames(ids));
  killProcs(result.procs_to_kill, reason.empty() ? "frame killed" : reason);
  return absl::OkStatus();
}

void Farm::dependsChanged(const store::DependChangeResult& result, const std::string& what) {
  if (result.depends.empty()) return;
  common::logger("cuebot")->info("{}: {} depends changed in {} jobs", what, result.depends.size(),
                                 result.job_ids.size());
  refreshJobs(std::set<std::string>(result.job_ids.begin(), result.job_ids.end()));
  dispatcher_.kickAll();
}

absl::Status Farm::satisfyDepend(const std::string& depend_id) {
  ASSIGN_OR_RETURN(auto result, store_.satisfyDepend(depend_id));
  dependsChanged(result, absl::StrCat("depend ", depend_id, " satisfied"));
  return absl::OkStatus();
}

absl::Status Farm::unsatisfyDepend(const std::string& depend_id) {
  ASSIGN_OR_RETURN(auto result, store_.unsatisfyDepend(depend_id));
  dependsChanged(result, absl::StrCat("depend ", depend_id, " unsatisfied"));
  return absl::OkStatus();
}

absl::Status Farm::dropDepends(core::DependEntity kind, const std::string& id,
                               core::DependTarget target) {
  ASSIGN_OR_RETURN(auto result, store_.dropDepends(kind, id, target));
  dependsChanged(result, absl::StrCat("depends of ", id, " dropped"));
  return absl::OkStatus();
}

absl::Status Farm::onBoot(const store::HostReportData& report) {
  auto log = common::logger("cuebot");
  // A booting rqd runs nothing: whatever cuebot thought ran there is lost.
  auto existing = store_.findHost(report.name);
  if (existing.ok()) {
    store::ProcSearch q;
    q.host_ids = {existing->id};
    ASSIGN_OR_RETURN(auto procs, store_.getProcs(q));
    std::vector<std::string> ids;
    for (const auto& p : procs) ids.push_back(p.id);
    if (!ids.empty()) {
      ASSIGN_OR_RETURN(auto released, store_.releaseProcs(ids, report.now));
      log->warn("host {} rebooted rqd: {} frames it ran were requeued", report.name,
                released.size());
      std::set<std::string> jobs;
      for (const auto& p : released) jobs.insert(p.job_id);
      refreshHost(existing->id);
      refreshJobs(jobs);
    }
  }
  ASSIGN_OR_RETURN(auto host, store_.upsertHost(report));
  refreshHost(host.id);
  log->info("host {} booted: {} cores, {} MB, rqd at {}", host.name, host.cores / 100.0,
            host.memory / 1024, host.rqd_address);
  dispatcher_.kickHost(host.id);
  if (!existing.ok()) dispatcher_.kickAll();
  return absl::OkStatus();
}

absl::StatusOr<FarmModel::HostProcs> Farm::reportThroughStore(
    const store::HostReportData& report, const std::vector<store::ProcUsage>& usage) {
  auto host = store_.updateHostReport(report, usage);
  if (absl::IsNotFound(host.status())) {
    // cuebot lost the host (a new store) or it never booted here: treat as a boot.
    RETURN_IF_ERROR(onBoot(report));
    host = store_.findHost(report.name);
  }
  if (!host.ok()) return host.status();
  ASSIGN_OR_RETURN(auto procs, model_.hostReported(*host));
  return FarmModel::HostProcs{std::move(*host), std::move(procs)};
}

absl::Status Farm::onStatus(const store::HostReportData& report,
                            const std::vector<RunningFrameReport>& frames) {
  std::vector<store::ProcUsage> usage;
  for (const auto& f : frames) usage.push_back(f.usage);
  // The booking cuebot's model holds what is booked: a report that changes no state is
  // answered from it, and its figures reach the store behind the reply (ReportWriter).
  std::optional<FarmModel::HostProcs> in_memory;
  if (!cluster_ || cluster_->leader()) in_memory = model_.reportedInMemory(report);
  if (in_memory) {
    report_writer_.add({report, std::move(usage)});
  } else {
    report_writer_.supersede(report.name);  // nothing older may land after this report
    ASSIGN_OR_RETURN(in_memory, reportThroughStore(report, usage));
  }
  const core::Host* host = &in_memory->host;
  const std::vector<core::Proc>& procs = in_memory->procs;
  // The booking cuebot's model learns of reports that reach the others (its own it has).
  if (cluster_ && !cluster_->leader()) note("host", host->id);
  // Reconcile: frames the rqd runs that cuebot does not hold there are killed. The ids,
  // as sorted views: a report's handful of them, thousands of reports a second.
  std::vector<std::string_view> held, held_frames, listed;
  held.reserve(procs.size());
  held_frames.reserve(procs.size());
  listed.reserve(frames.size());
  for (const auto& p : procs) {
    held.push_back(p.id);
    held_frames.push_back(p.frame_id);
  }
  for (const auto& f : frames) listed.push_back(f.proc_id);
  std::sort(held.begin(), held.end());
  std::sort(held_frames.begin(), held_frames.end());
  std::sort(listed.begin(), listed.end());
  auto in = [](const std::vector<std::string_view>& ids, std::string_view id) {
    return std::binary_search(ids.begin(), ids.end(), id);
  };
  // Procs the host does not run although booked long ago are orphans: requeue them. So are
  // those whose launch is uncertain (a dead cuebot booked them, or their LaunchFrame went
  // unanswered) that two reports in a row leave out (FarmOptions).
  UncertainLaunches& uncertain = dispatcher_.uncertainLaunches();
  std::vector<std::string> orphans;
  {
    std::lock_guard<std::mutex> lock(unreported_mu_);
    for (const auto& p : procs) {
      const std::optional<int64_t> unanswered_at = uncertain.since(p.id);
      if (in(listed, p.id)) {
        if (!unreported_.empty()) unreported_.erase(p.id);
        if (unanswered_at) uncertain.settle(p.id);  // the launch did arrive
        continue;
      }
      // ... and only once any LaunchFrame of the dead cuebot (or the unanswered one) is
      // past its deadline, so that none is still on its way into the rqd.
      bool launch_unproven = unanswered_at && report.lists_pending_completions &&
                             report.now >= *unanswered_at + kLaunchDeadlineSec;
      int missed = launch_unproven ? ++unreported_[p.id] : 0;
      if (p.booked_time < report.now - options_.orphan_grace_sec || missed >= 2) {
        orphans.push_back(p.id);
        unreported_.erase(p.id);
        uncertain.settle(p.id);
      }
    }
  }
  if (!orphans.empty()) {
    ASSIGN_OR_RETURN(auto released, store_.releaseProcs(orphans, report.now));
    std::set<std::string> jobs;
    for (const auto& p : released) jobs.insert(p.job_id);
    refreshHost(host->id);
    refreshJobs(jobs);
    for (const auto& p : released)
      common::logger("cuebot")->warn("host {} does not run frame {} booked at {}: requeued",
                                     host->name, p.frame_id, p.booked_time);
    dispatcher_.kickAll();
  }
  for (const auto& f : frames) {
    // Kill only what runs there for nothing: not a frame that already ended, nor one
    // whose newer attempt cuebot holds on this host (a kill names the frame, not the proc).
    if (in(held, f.proc_id) || f.completed || in(held_frames, f.frame_id)) continue;
    common::logger("cuebot")->warn(
        "host {} runs frame {} (proc {}) that cuebot does not hold "
        "there: killing it",
        host->name, f.frame_id, f.proc_id);
    auto st = rqd_.killFrame(host->rqd_address, f.frame_id, "not owned by cuebot");
    if (!st.ok()) common::logger("cuebot")->warn("kill failed: {}", st.ToString());
  }
  if (host->idle_cores > 0 && host->lock_state == core::LockState::kOpen)
    dispatcher_.kickHost(host->id);
  return absl::OkStatus();
}

Farm::Ending Farm::prepareEnding(const store::FrameCompletion& report) {
  Ending e{report};
  store::FrameCompletion& done = e.done;
  // A frame killed for memory comes back with more memory, without using up a retry.
  e.reserved = model_.procMemory(done.proc_id);
  if (!e.reserved) {
    // Booked by another cuebot (several on one database): the store knows the proc.
    store::ProcSearch q;
    q.ids = {done.proc_id};
    auto procs = store_.getProcs(q);
    if (procs.ok() && !procs->empty()) e.reserved = procs->front().reserved_memory;
  }
  e.oom = e.reserved &&
          dispatch::isOutOfMemory(done.exit_status, done.exit_signal, done.max_rss, *e.reserved);
  if (e.oom)
    done.oom_retry_memory = dispatch::oomRetryMemory(*e.reserved, options_.oom_memory_increase);
  // Killed because a workstation's user came back (Cue's rqd, NIMBY): back to the queue with
  // the same memory, without using up a retry.
  e.nimby = e.reserved && !e.oom && done.exit_status == core::kExitNimby;
  if (e.nimby) done.oom_retry_memory = *e.reserved;
  dispatcher_.uncertainLaunches().settle(done.proc_id);
  return e;
}

absl::Status Farm::finishEnding(const Ending& e, const Dispatcher::FrameEndResult& ended) {
  const absl::StatusOr<store::CompletionResult>& result = ended.result;
  auto log = common::logger("cuebot");
  const store::FrameCompletion& done = e.done;
  if (absl::IsNotFound(result.status())) {
    log->info("completion of frame {} (proc {}) from {} was already handled", done.frame_id,
              done.proc_id, done.host_name);
    return absl::OkStatus();
  }
  if (!result.ok()) return result.status();
  const bool succeeded = result->new_state == core::FrameState::kSucceeded;
  // The booking cuebot frees the proc in its model when it reads this from the feed.
  note("host", result->host_id);
  // A no-op when the dispatcher wrote the completion with its host's next bookings: the
  // model released the proc and learned from its end then.
  model_.frameEnded(done.proc_id, done.max_rss, done.run_time, succeeded, e.oom,
                    clock_.nowSeconds());
  if (e.nimby)
    log->info("frame {} on {} was stopped by NIMBY: requeued", done.frame_id, done.host_name);
  if (e.oom)
    log->warn(
        "frame {} on {} was killed for memory (peak {} MB of {} MB reserved): retried "
        "with {} MB",
        done.frame_id, done.host_name, done.max_rss / 1024, *e.reserved / 1024,
        done.oom_retry_memory / 1024);
  if (result->job_finished || !core::isDone(result->new_state)) refreshJobs({result->job_id});
  // Only the jobs whose frames this completion released are re-read (not every job
  // that waits on something).
  const std::set<std::string> released(result->released_job_ids.begin(),
                                       result->released_job_ids.end());
  refreshJobs(released);
  log->info("frame {} on {} exited {} signal {} after {} s: {}", done.frame_id, done.host_name,
            done.exit_status, done.exit_signal, done.run_time, core::toString(result->new_state));
  // A frame retried goes back to waiting after its host was planned: a visit looks again.
  if (!ended.host_planned || !core::isDone(result->new_state))
    dispatcher_.kickHost(result->host_id);
  // Frames it released from depends may run anywhere on the farm.
  if (!released.empty()) dispatcher_.kickAll();
  return absl::OkStatus();
}

absl::Status Farm::onFrameComplete(const store::FrameCompletion& report) {
  Ending e = prepareEnding(report);
  return finishEnding(e, completions_.submit({e.done, e.oom}));
}

std::vector<absl::Status> Farm::onFrameCompletes(
    const std::vector<store::FrameCompletion>& reports) {
  std::vector<Ending> endings;
  endings.reserve(reports.size());
  std::vector<Dispatcher::FrameEnd> items;
  items.reserve(reports.size());
  for (const auto& r : reports) {
    const Ending& e = endings.emplace_back(prepareEnding(r));
    items.push_back({e.done, e.oom});
  }
  auto results = completions_.submitAll(std::move(items));
  std::vector<absl::Status> out;
  out.reserve(endings.size());
  for (size_t i = 0; i < endings.size(); ++i) out.push_back(finishEnding(endings[i], results[i]));
  return out;
}

int Farm::checkHosts() {
  auto log = common::logger("cuebot");
  const int64_t now = clock_.nowSeconds();
  auto stale = store_.hostsNotPingedSince(now - options_.host_timeout_sec);
  if (!stale.ok()) {
    log->warn("host check failed: {}", stale.status().ToString());
    return 0;
  }
  for (const auto& h : *stale) {
    auto procs = store_.markHostDown(h.id, now);
    if (!procs.ok()) {
      log->warn("cannot mark {} DOWN: {}", h.name, procs.status().ToString());
      continue;
    }
    log->warn("host {} sent no report for {} s: DOWN, {} frames requeued", h.name,
              now - h.ping_time, procs->size());
    std::set<std::string> jobs;
    for (const auto& p : *procs) jobs.insert(p.job_id);
    refreshHost(h.id);
    refreshJobs(jobs);
  }
  if (!stale->empty()) dispatcher_.kickAll();
  return static_cast<int>(stale->size());
}

}  // namespace cue::cuebot
