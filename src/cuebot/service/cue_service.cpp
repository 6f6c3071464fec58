#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "cue.grpc.pb.h"

namespace cue::cuebot {
namespace {

class CueService final : public ::cue::CueInterface::Service {
 public:
  explicit CueService(Farm& farm) : farm_(farm) {}
  RPC(::cue, Cue, GetSystemStats) {
    auto* s = resp->mutable_stats();
    const auto& d = farm_.dispatcher().stats();
    s->set_dispatch_executed(d.visits.load());
    s->set_dispatch_waiting(farm_.dispatcher().queued());
    s->set_dispatch_threads(2);
    s->set_booked_procs(d.booked.load());
    s->set_booking_errors(d.launch_failures.load());
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeCueService(Farm& farm) {
  return std::make_unique<CueService>(farm);
}

}  // namespace cue::cuebot
