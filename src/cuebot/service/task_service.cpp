#include "cuebot/service/service_factory.h"

#include "cuebot/app/departments.h"
#include "cuebot/service/rpc.h"
#include "task.grpc.pb.h"

namespace cue::cuebot {
namespace {

class TaskService final : public task::TaskInterface::Service {
 public:
  explicit TaskService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(task, Task, ClearAdjustments) {
    return toGrpc(app::clearAdjustment(store_, req->task().id()));
  }
  RPC(task, Task, Delete) { return toGrpc(store_.deleteTask(req->task().id())); }
  RPC(task, Task, SetMinCores) {
    const core::CoreUnits cores =
        req->new_min_cores() < 0 ? -1 : floatCores(req->new_min_cores());
    return toGrpc(app::setTaskMinCores(store_, req->task().id(), cores));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeTaskService(Farm& farm) {
  return std::make_unique<TaskService>(farm);
}

}  // namespace cue::cuebot
