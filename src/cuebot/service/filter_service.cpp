#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "filter.grpc.pb.h"

namespace cue::cuebot {
namespace {

class FilterService final : public filter::FilterInterface::Service {
 public:
  explicit FilterService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFilterService(Farm& farm) {
  return std::make_unique<FilterService>(farm);
}

}  // namespace cue::cuebot
