#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "report.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ReportService final : public report::RqdReportInterface::Service {
 public:
  explicit ReportService(Farm& farm, const common::Clock& clock) : farm_(farm), clock_(clock) {}
  grpc::Status ReportRqdStartup(grpc::ServerContext* ctx, const report::RqdReportRqdStartupRequest* req,
                      report::RqdReportRqdStartupResponse* resp) override {
    const auto& b = req->boot_report();
    if (b.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "boot report without a host name");
    return toGrpc(farm_.onBoot(fromProto(b.host(), b.core_info(), ctx->peer(), clock_.nowSeconds())));
  }
  grpc::Status ReportStatus(grpc::ServerContext* ctx, const report::RqdReportStatusRequest* req,
                      report::RqdReportStatusResponse* resp) override {
    const auto& h = req->host_report();
    if (h.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "host report without a host name");
    std::vector<RunningFrameReport> frames;
    for (const auto& f : h.frames()) {
      RunningFrameReport r;
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
      frames.push_back(std::move(r));
    }
    return toGrpc(farm_.onStatus(
        fromProto(h.host(), h.core_info(), ctx->peer(), clock_.nowSeconds()), frames));
  }
  grpc::Status ReportRunningFrameCompletion(grpc::ServerContext* ctx, const report::RqdReportRunningFrameCompletionRequest* req,
                      report::RqdReportRunningFrameCompletionResponse* resp) override {
    const auto& c = req->frame_complete_report();
    if (c.frame().frame_id().empty() || c.frame().resource_id().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "frame completion without frame_id or resource_id");
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
    done.now = clock_.nowSeconds();
    return toGrpc(farm_.onFrameComplete(done));
  }

 private:
  Farm& farm_;
  const common::Clock& clock_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeReportService(Farm& farm) {
  return std::make_unique<ReportService>(farm, common::SystemClock::instance());
}

}  // namespace cue::cuebot
