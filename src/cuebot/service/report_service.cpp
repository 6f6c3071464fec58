#include "cue_report.grpc.pb.h"
#include "cuebot/service/completion.h"
#include "cuebot/service/rpc.h"
#include "cuebot/service/service_factory.h"
#include "report.grpc.pb.h"
#include "wire/status.h"

namespace cue::cuebot {

absl::StatusOr<store::FrameCompletion> toCompletion(const report::FrameCompleteReport& c,
                                                    int64_t now) {
  if (c.frame().frame_id().empty() || c.frame().resource_id().empty())
    return absl::InvalidArgumentError("frame completion without frame_id or resource_id");
  store::FrameCompletion done;
  done.proc_id = c.frame().resource_id();
  done.frame_id = c.frame().frame_id();
  done.host_name = c.host().name();
  done.exit_status = c.exit_status();
  done.exit_signal = c.exit_signal();
  done.run_time = c.run_time();
  done.max_rss = c.frame().max_rss();
  done.max_pss = c.frame().max_pss();
  done.max_gpu_memory = c.frame().max_used_gpu_memory();
  done.now = now;
  return done;
}

std::vector<RunningFrameReport> toRunningFrames(const report::HostReport& h) {
  std::vector<RunningFrameReport> frames;
  frames.reserve(static_cast<size_t>(h.frames_size()));
  for (const auto& f : h.frames()) {
    RunningFrameReport& r = frames.emplace_back();
    r.proc_id = f.resource_id();
    r.frame_id = f.frame_id();
    auto done = f.attributes().find("cue_completed");
    r.completed = done != f.attributes().end() && done->second == "true";
    r.usage.proc_id = f.resource_id();
    r.usage.frame_id = f.frame_id();
    r.usage.rss = f.rss();
    r.usage.max_rss = f.max_rss();
    r.usage.pss = f.pss();
    r.usage.max_pss = f.max_pss();
    r.usage.gpu_memory = f.used_gpu_memory();
    r.usage.max_gpu_memory = f.max_used_gpu_memory();
    r.usage.vsize = f.vsize();
    r.usage.llu_time = f.llu_time();
  }
  return frames;
}

namespace {

class ReportService final : public report::RqdReportInterface::Service {
 public:
  explicit ReportService(Farm& farm, const common::Clock& clock) : farm_(farm), clock_(clock) {}
  grpc::Status ReportRqdStartup(grpc::ServerContext* ctx,
                                const report::RqdReportRqdStartupRequest* req,
                                report::RqdReportRqdStartupResponse* resp) override {
    const auto& b = req->boot_report();
    if (b.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "boot report without a host name");
    return toGrpc(
        farm_.onBoot(fromProto(b.host(), b.core_info(), ctx->peer(), clock_.nowSeconds())));
  }
  grpc::Status ReportStatus(grpc::ServerContext* ctx, const report::RqdReportStatusRequest* req,
                            report::RqdReportStatusResponse* resp) override {
    const auto& h = req->host_report();
    if (h.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "host report without a host name");
    return toGrpc(farm_.onStatus(
        fromProto(h.host(), h.core_info(), ctx->peer(), clock_.nowSeconds()), toRunningFrames(h)));
  }
  grpc::Status ReportRunningFrameCompletion(
      grpc::ServerContext* ctx, const report::RqdReportRunningFrameCompletionRequest* req,
      report::RqdReportRunningFrameCompletionResponse* resp) override {
    auto done = toCompletion(req->frame_complete_report(), clock_.nowSeconds());
    if (!done.ok()) return toGrpc(done.status());
    return toGrpc(farm_.onFrameComplete(*done));
  }

 private:
  Farm& farm_;
  const common::Clock& clock_;
};

class ReportCompletionsService final : public ext::ReportInterface::Service {
 public:
  ReportCompletionsService(Farm& farm, const common::Clock& clock) : farm_(farm), clock_(clock) {}
  grpc::Status ReportRunningFrameCompletions(grpc::ServerContext*,
                                             const ext::RunningFrameCompletionsRequest* req,
                                             ext::RunningFrameCompletionsResponse* resp) override {
    const int64_t now = clock_.nowSeconds();
    std::vector<absl::Status> answers(req->frame_complete_reports_size());
    std::vector<store::FrameCompletion> valid;
    std::vector<size_t> where;  // index in the request of each valid completion
    for (int i = 0; i < req->frame_complete_reports_size(); ++i) {
      auto done = toCompletion(req->frame_complete_reports(i), now);
      if (!done.ok()) {
        answers[i] = done.status();
        continue;
      }
      valid.push_back(*std::move(done));
      where.push_back(static_cast<size_t>(i));
    }
    std::vector<absl::Status> handled = farm_.onFrameCompletes(valid);
    for (size_t k = 0; k < where.size(); ++k) answers[where[k]] = std::move(handled[k]);
    for (const absl::Status& a : answers) wire::toResult(a, resp->add_results());
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  const common::Clock& clock_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeReportService(Farm& farm) {
  return std::make_unique<ReportService>(farm, common::SystemClock::instance());
}

std::unique_ptr<grpc::Service> makeReportCompletionsService(Farm& farm) {
  return std::make_unique<ReportCompletionsService>(farm, common::SystemClock::instance());
}

}  // namespace cue::cuebot
