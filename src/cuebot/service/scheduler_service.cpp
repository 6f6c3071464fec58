#include "cuebot/service/service_factory.h"

#include <algorithm>

#include "cue_scheduler.grpc.pb.h"
#include "cuebot/service/rpc.h"

namespace cue::cuebot {
namespace {

class SchedulerService final : public ::cue::ext::SchedulerInterface::Service {
 public:
  explicit SchedulerService(Farm& farm) : farm_(farm) {}

  grpc::Status WhyNotRunning(grpc::ServerContext*, const ext::WhyNotRunningRequest* req,
                             ext::WhyNotRunningResponse* resp) override {
    if (req->job_id().empty() && req->job_name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "WhyNotRunning needs a job_id or a job_name");
    auto job = req->job_id().empty() ? farm_.store().findJob(req->job_name())
                                     : farm_.store().getJob(req->job_id());
    if (!job.ok()) return toGrpc(job.status());
    const std::string& job_id = job->id;
    auto why = farm_.explainJob(job_id);
    if (!why.ok()) return toGrpc(why.status());
    auto memory = farm_.model().layerMemory(job_id);
    resp->set_job_id(job->id);
    resp->set_job_name(job->name);
    resp->set_summary(why->summary);
    farm_.model().withView([&](dispatch::FarmView& view) {
      for (const auto& e : why->layers) {
        auto* out = resp->add_layers();
        const auto& lv = view.layers[e.layer];
        out->set_layer_id(lv.id);
        out->set_layer_name(lv.name);
        out->set_waiting_frames(e.waiting);
        out->set_depend_frames(e.depend);
        out->set_running_frames(e.running);
        if (e.blocked) {
          out->set_blocked(dispatch::code(*e.blocked));
          out->set_blocked_description(std::string(dispatch::toString(*e.blocked)));
        }
        out->set_hosts_total(e.hosts_total);
        out->set_hosts_fit(e.hosts_fit);
        std::vector<std::pair<int32_t, int>> counts;
        for (int r = 0; r < dispatch::kSkipReasonCount; ++r)
          if (e.host_counts[r] > 0) counts.push_back({e.host_counts[r], r});
        std::stable_sort(counts.begin(), counts.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [n, r] : counts) {
          auto* c = out->add_host_reasons();
          c->set_reason(dispatch::code(static_cast<dispatch::SkipReason>(r)));
          c->set_description(std::string(dispatch::toString(static_cast<dispatch::SkipReason>(r))));
          c->set_hosts(n);
        }
        out->set_summary(e.summary);
        out->set_memory_reservation_kb(memory[lv.name]);
      }
    });
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeSchedulerService(Farm& farm) {
  return std::make_unique<SchedulerService>(farm);
}

}  // namespace cue::cuebot
