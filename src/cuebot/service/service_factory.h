// One factory per gRPC service of cuebot, each in its own file under service/ (one file
// per OpenCue service). registerServices (services.cpp) builds and registers them all.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "cuebot/farm.h"

namespace cue::cuebot {

std::unique_ptr<grpc::Service> makeActionService(Farm& farm);
std::unique_ptr<grpc::Service> makeAllocationService(Farm& farm);
std::unique_ptr<grpc::Service> makeCommentService(Farm& farm);
std::unique_ptr<grpc::Service> makeCueService(Farm& farm);
std::unique_ptr<grpc::Service> makeDeedService(Farm& farm);
std::unique_ptr<grpc::Service> makeDepartmentService(Farm& farm);
std::unique_ptr<grpc::Service> makeDependService(Farm& farm);
std::unique_ptr<grpc::Service> makeFacilityService(Farm& farm);
std::unique_ptr<grpc::Service> makeFilterService(Farm& farm);
std::unique_ptr<grpc::Service> makeFrameLogService(Farm& farm);
std::unique_ptr<grpc::Service> makeFrameService(Farm& farm);
std::unique_ptr<grpc::Service> makeGroupService(Farm& farm);
std::unique_ptr<grpc::Service> makeHostService(Farm& farm);
std::unique_ptr<grpc::Service> makeJobService(Farm& farm);
std::unique_ptr<grpc::Service> makeLayerService(Farm& farm);
std::unique_ptr<grpc::Service> makeLimitService(Farm& farm);
std::unique_ptr<grpc::Service> makeMatcherService(Farm& farm);
std::unique_ptr<grpc::Service> makeOwnerService(Farm& farm);
std::unique_ptr<grpc::Service> makeProcService(Farm& farm);
std::unique_ptr<grpc::Service> makeRenderPartitionService(Farm& farm);
std::unique_ptr<grpc::Service> makeReportService(Farm& farm);
// Cue's extension: several completions of one rqd in one call (cue.ext.ReportInterface).
std::unique_ptr<grpc::Service> makeReportCompletionsService(Farm& farm);
std::unique_ptr<grpc::Service> makeSchedulerService(Farm& farm);
std::unique_ptr<grpc::Service> makeServiceOverrideService(Farm& farm);
std::unique_ptr<grpc::Service> makeServiceService(Farm& farm);
std::unique_ptr<grpc::Service> makeShowService(Farm& farm);
std::unique_ptr<grpc::Service> makeSubscriptionService(Farm& farm);
std::unique_ptr<grpc::Service> makeTaskService(Farm& farm);

}  // namespace cue::cuebot
