#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "task.grpc.pb.h"

namespace cue::cuebot {
namespace {

class TaskService final : public task::TaskInterface::Service {
 public:
  explicit TaskService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeTaskService(Farm& farm) {
  return std::make_unique<TaskService>(farm);
}

}  // namespace cue::cuebot
