#include "cuebot/services.h"

#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "cuebot/service/service_factory.h"
#include "monitoring.grpc.pb.h"

namespace cue::cuebot {
namespace {

// Logs every call (the access log) and names the method in UNIMPLEMENTED answers, which
// gRPC leaves empty.
class UnimplementedNamer final : public grpc::experimental::Interceptor {
 public:
  explicit UnimplementedNamer(grpc::experimental::ServerRpcInfo* info)
      : info_(info), method_(info->method() ? info->method() : "") {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status s = m->GetSendStatus();
      if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED && s.error_message().empty())
        m->ModifySendStatus(
            grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                         absl::StrCat(method_, " is not implemented by Cue's cuebot yet")));
      // OpenCue's access log: every API call, method and caller, at debug level (here, once
      // the call is answered, with its status code).
      static const auto log = common::logger("access");
      if (log->should_log(spdlog::level::debug))
        log->debug("rpc {} from {}: {}", method_,
                   info_->server_context() ? info_->server_context()->peer() : "?",
                   static_cast<int>(s.error_code()));
    }
    m->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  std::string method_;
};

class UnimplementedNamerFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new UnimplementedNamer(info);
  }
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> registerServices(Farm& farm,
                                                             grpc::ServerBuilder& builder) {
  std::vector<std::unique_ptr<grpc::Service>> s;
  for (auto make : {makeCueService,          makeShowService,
                    makeJobService,          makeLayerService,
                    makeFrameService,        makeGroupService,
                    makeHostService,         makeProcService,
                    makeOwnerService,        makeDeedService,
                    makeFacilityService,     makeAllocationService,
                    makeSubscriptionService, makeDepartmentService,
                    makeFilterService,       makeMatcherService,
                    makeActionService,       makeCommentService,
                    makeServiceService,      makeServiceOverrideService,
                    makeTaskService,         makeRenderPartitionService,
                    makeLimitService,        makeDependService,
                    makeReportService,       makeReportCompletionsService,
                    makeSchedulerService,    makeFrameLogService})
    s.push_back(make(farm));
  // OpenCue's Cuebot leaves MonitoringInterface unimplemented too: every RPC answers
  // UNIMPLEMENTED, named.
  s.push_back(std::make_unique<monitoring::MonitoringInterface::Service>());
  for (auto& svc : s) builder.RegisterService(svc.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<UnimplementedNamerFactory>());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  return s;
}

}  // namespace cue::cuebot
