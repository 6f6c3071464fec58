#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "department.grpc.pb.h"

namespace cue::cuebot {
namespace {

class DepartmentService final : public department::DepartmentInterface::Service {
 public:
  explicit DepartmentService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeDepartmentService(Farm& farm) {
  return std::make_unique<DepartmentService>(farm);
}

}  // namespace cue::cuebot
