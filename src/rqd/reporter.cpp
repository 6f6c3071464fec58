#include "rqd/reporter.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "wire/rqd_convert.h"
#include "wire/status.h"

namespace cue::rqd {

using wire::toBootReport;
using wire::toFrameCompleteReport;
using wire::toHostReport;
namespace {

std::string describe(const grpc::Status& s) {
  return absl::StrCat(static_cast<int>(s.error_code()), " ", s.error_message());
}

std::string frameLabel(const ::report::FrameCompleteReport& r) {
  return absl::StrCat(r.frame().job_name(), "/", r.frame().frame_name(), " (", r.frame().frame_id(),
                      ")");
}

}  // namespace

Reporter::Reporter(Options options, SnapshotFn snapshot)
    : options_(std::move(options)), snapshot_(std::move(snapshot)) {
  for (const std::string& address : options_.targets) {
    Target t;
    t.address = address;
    // Reports are a few kilobytes: no bandwidth-delay probing (a PING, its answer and a
    // timer after each report, waking rqd and cuebot for nothing).
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    // The reporter retries (and spools) on its own; gRPC's retry layer would only add its
    // bookkeeping to every call.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    args.SetInt(GRPC_ARG_MINIMAL_STACK, 1);
    args.SetInt(GRPC_ARG_ENABLE_DEADLINE_CHECKS, 1);
    t.channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    t.stub = ::report::RqdReportInterface::NewStub(t.channel);
    t.ext = ::cue::ext::ReportInterface::NewStub(t.channel);
    targets_.push_back(std::move(t));
  }
  if (!options_.spool_dir.empty()) {
    spool_ = std::make_unique<FileSpool>(options_.spool_dir + "/completions", options_.spool_sync);
  }
}

Reporter::~Reporter() { stop(); }

absl::Status Reporter::init() {
  if (targets_.empty()) return absl::InvalidArgumentError("reporter: no cuebot address");
  if (!spool_) return absl::OkStatus();
  absl::Status s = spool_->init();
  if (!s.ok()) return s;
  size_t loaded = 0;
  for (const auto& [key, data] : spool_->loadAll()) {
    Pending p;
    p.key = key;
    auto request = std::make_shared<::report::RqdReportRunningFrameCompletionRequest>();
    if (!request->mutable_frame_complete_report()->ParseFromString(data)) {
      common::logger("rqd")->warn("spool: dropping unparsable completion {}", key);
      spool_->remove(key).IgnoreError();
      continue;
    }
    p.request = std::move(request);
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(std::move(p));
    ++loaded;
  }
  if (loaded > 0) {
    common::logger("rqd")->info("{} unacknowledged completion(s) from an earlier run queued",
                                loaded);
  }
  return absl::OkStatus();
}

void Reporter::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  status_thread_ = std::thread([this] { statusLoop(); });
  completion_thread_ = std::thread([this] { completionLoop(); });
}

void Reporter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  status_cv_.notify_all();
  completion_cv_.notify_all();
  drained_cv_.notify_all();
  if (status_thread_.joinable()) status_thread_.join();
  if (completion_thread_.joinable()) completion_thread_.join();
}

void Reporter::nudge() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nudged_ = true;
  }
  status_cv_.notify_one();
}

void Reporter::nudgeSoon() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (soon_at_) return;  // a report is due by then already
    soon_at_ = std::chrono::steady_clock::now() + options_.soon;
  }
  status_cv_.notify_one();
}

void Reporter::submitCompletion(const FrameCompletion& completion, const HostInfo& host) {
  submitCompletion(toFrameCompleteReport(completion, host));
}

void Reporter::submitCompletion(::report::FrameCompleteReport report) {
  auto request = std::make_shared<::report::RqdReportRunningFrameCompletionRequest>();
  request->mutable_frame_complete_report()->Swap(&report);
  Pending p;
  p.request = request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& f = p.report().frame();
    p.key = f.frame_id().empty() && f.resource_id().empty()
                ? absl::StrCat("completion-", ++sequence_)
                : absl::StrCat(f.frame_id(), "_", f.resource_id());
    for (const Pending& q : pending_) {
      if (q.key == p.key) return;  // already queued
    }
  }
  if (spool_) {
    absl::Status s = spool_->put(p.key, p.report().SerializeAsString());
    if (!s.ok()) {
      common::logger("rqd")->error("cannot persist the completion of {}: {}",
                                   frameLabel(p.report()), s.ToString());
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(std::move(p));
  }
  completion_cv_.notify_one();
}

bool Reporter::booted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return booted_;
}

size_t Reporter::pendingCompletions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

bool Reporter::hasPendingCompletion(const std::string& frame_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Pending& p : pending_) {
    if (p.report().frame().frame_id() == frame_id) return true;
  }
  return false;
}

bool Reporter::waitForCompletionsSent(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return drained_cv_.wait_for(lock, timeout, [this] { return pending_.empty(); });
}

bool Reporter::acknowledges(grpc::StatusCode code) {
  return code == grpc::StatusCode::OK || code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::FAILED_PRECONDITION ||
         code == grpc::StatusCode::INVALID_ARGUMENT;
}

::report::RqdReportInterface::Stub* Reporter::stub() {
  std::lock_guard<std::mutex> lock(mu_);
  return targets_[current_].stub.get();
}

void Reporter::noteFailure(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
      status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (targets_.size() > 1) current_ = (current_ + 1) % targets_.size();
}

std::unique_ptr<grpc::ClientContext> Reporter::newContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + options_.rpc_timeout);
  return ctx;
}

bool Reporter::sleepFor(std::chrono::milliseconds d, std::condition_variable& cv) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv.wait_for(lock, d, [this] { return stopping_; });
}

std::chrono::milliseconds Reporter::nextBackoff(std::chrono::milliseconds current) const {
  return std::min(current * 2, options_.retry_max);
}

void Reporter::statusLoop() {
  auto log = common::logger("rqd");
  auto backoff = options_.retry_initial;
  bool status_failing = false;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (!booted()) {
      // Completions spooled before a restart go first: a boot report makes cuebot give
      // up on whatever it thought ran here, and a frame that finished must not run again.
      {
        std::unique_lock<std::mutex> lock(mu_);
        drained_cv_.wait(lock, [this] { return stopping_ || pending_.empty(); });
        if (stopping_) return;
      }
      ::report::RqdReportRqdStartupRequest req;
      *req.mutable_boot_report() = toBootReport(snapshot_());
      ::report::RqdReportRqdStartupResponse resp;
      auto ctx = newContext();
      grpc::Status s = stub()->ReportRqdStartup(ctx.get(), req, &resp);
      if (!s.ok()) {
        log->warn("boot report to cuebot failed ({}); retrying in {} ms", describe(s),
                  backoff.count());
        noteFailure(s);
        if (sleepFor(backoff, status_cv_)) return;
        backoff = nextBackoff(backoff);
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        booted_ = true;
      }
      backoff = options_.retry_initial;
      log->info("boot report accepted by cuebot");
    }
    ::report::RqdReportStatusRequest req;
    *req.mutable_host_report() = toHostReport(snapshot_());
    // Frames whose completion cuebot has not acknowledged yet are still listed: they
    // finished here, and cuebot must not give their procs up as orphans meanwhile.
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto* frames = req.mutable_host_report()->mutable_frames();
      for (const auto& p : pending_) {
        bool listed = false;
        for (const auto& f : *frames)
          if (f.frame_id() == p.report().frame().frame_id()) listed = true;
        if (listed) continue;
        auto* f = frames->Add();
        *f = p.report().frame();
        (*f->mutable_attributes())["cue_completed"] = "true";  // ended; not to be killed
      }
    }
    ::report::RqdReportStatusResponse resp;
    auto ctx = newContext();
    grpc::Status s = stub()->ReportStatus(ctx.get(), req, &resp);
    if (!s.ok()) {
      if (!status_failing) log->warn("status report to cuebot failed: {}", describe(s));
      status_failing = true;
      noteFailure(s);
    } else if (status_failing) {
      log->info("status reports reach cuebot again");
      status_failing = false;
    }
    std::unique_lock<std::mutex> lock(mu_);
    const auto next = std::chrono::steady_clock::now() + options_.interval;
    while (!stopping_ && !nudged_) {
      const auto until = soon_at_ ? std::min(next, *soon_at_) : next;
      if (std::chrono::steady_clock::now() >= until) break;
      status_cv_.wait_until(lock, until);
    }
    if (stopping_) return;
    nudged_ = false;
    soon_at_.reset();
  }
}

void Reporter::completionLoop() {
  auto log = common::logger("rqd");
  auto backoff = options_.retry_initial;
  while (true) {
    std::vector<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      completion_cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      for (size_t i = 0; i < pending_.size() && i < kMaxBatch; ++i) batch.push_back(pending_[i]);
    }
    std::string why;
    const std::vector<std::string> kept = sendCompletions(batch, &why);
    acknowledged(batch, kept);
    if (kept.empty()) {
      backoff = options_.retry_initial;
      continue;
    }
    log->warn("{}{}; retrying in {} ms", why,
              kept.size() > 1 ? absl::StrCat(" (", kept.size(), " completions wait)") : "",
              backoff.count());
    if (sleepFor(backoff, completion_cv_)) return;
    backoff = nextBackoff(backoff);
  }
}

std::vector<std::string> Reporter::sendCompletions(const std::vector<Pending>& batch,
                                                   std::string* why) {
  auto log = common::logger("rqd");
  // How cuebot answered one completion: acknowledged, or kept to retry.
  std::vector<std::string> kept;
  auto answer = [&](const Pending& p, const grpc::Status& s) {
    if (acknowledges(s.error_code())) {
      if (s.ok()) {  // at debug: the frame's "ended" line has said how it ended
        log->debug("completion of {} acknowledged (exit status {}, signal {})",
                   frameLabel(p.report()), p.report().exit_status(), p.report().exit_signal());
      } else {
        log->info("cuebot has nothing to do with the completion of {} ({}); dropping it",
                  frameLabel(p.report()), describe(s));
      }
      return;
    }
    if (kept.empty())
      *why = absl::StrCat("completion of ", frameLabel(p.report()), " not delivered (", describe(s),
                          ")");
    kept.push_back(p.key);
  };
  ::report::RqdReportInterface::Stub* one = nullptr;
  ::cue::ext::ReportInterface::Stub* many = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Target& t = targets_[current_];
    one = t.stub.get();
    if (batch.size() > 1 && !t.one_by_one) many = t.ext.get();
  }
  if (many) {
    ::cue::ext::RunningFrameCompletionsRequest req;
    for (const Pending& p : batch) *req.add_frame_complete_reports() = p.report();
    ::cue::ext::RunningFrameCompletionsResponse resp;
    auto ctx = newContext();
    grpc::Status s = many->ReportRunningFrameCompletions(ctx.get(), req, &resp);
    if (s.ok() && resp.results_size() == static_cast<int>(batch.size())) {
      for (size_t i = 0; i < batch.size(); ++i) {
        answer(batch[i], wire::toGrpc(wire::fromResult(resp.results(static_cast<int>(i)))));
      }
      return kept;
    }
    if (s.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
      if (s.ok())
        s = grpc::Status(grpc::StatusCode::INTERNAL,
                         absl::StrCat("cuebot answered ", resp.results_size(), " results for ",
                                      batch.size(), " completions"));
      noteFailure(s);
      for (const Pending& p : batch) answer(p, s);
      return kept;
    }
    // Not Cue's cuebot: nothing was handled. One by one from now on.
    log->info("cuebot does not take completions together; sending them one by one");
    std::lock_guard<std::mutex> lock(mu_);
    for (Target& t : targets_)
      if (t.ext.get() == many) t.one_by_one = true;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    ::report::RqdReportRunningFrameCompletionResponse resp;
    auto ctx = newContext();
    grpc::Status s = one->ReportRunningFrameCompletion(ctx.get(), *batch[i].request, &resp);
    answer(batch[i], s);
    if (!acknowledges(s.error_code())) {
      noteFailure(s);
      // The rest waits for the retry, in order.
      for (++i; i < batch.size(); ++i) kept.push_back(batch[i].key);
      break;
    }
  }
  return kept;
}

void Reporter::acknowledged(const std::vector<Pending>& batch,
                            const std::vector<std::string>& kept) {
  std::set<std::string_view> done;
  for (const Pending& p : batch)
    if (std::find(kept.begin(), kept.end(), p.key) == kept.end()) done.insert(p.key);
  if (done.empty()) return;
  if (spool_)
    for (std::string_view key : done) spool_->remove(std::string(key)).IgnoreError();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Only this thread takes from the queue; others append. The batch is at its front.
    std::erase_if(pending_, [&](const Pending& q) { return done.contains(q.key); });
  }
  drained_cv_.notify_all();
}

}  // namespace cue::rqd
