#include "cuebot/service/service_factory.h"

#include <map>

#include "cuebot/app/departments.h"
#include "cuebot/service/rpc.h"
#include "department.grpc.pb.h"

namespace cue::cuebot {
namespace {

std::map<std::string, int32_t> tmapOf(const google::protobuf::Map<std::string, int32_t>& in) {
  return std::map<std::string, int32_t>(in.begin(), in.end());
}

void tasksToProto(const std::vector<core::Task>& tasks, task::TaskSeq* out) {
  for (const auto& t : tasks) toProto(t, out->add_tasks());
}

class DepartmentService final : public department::DepartmentInterface::Service {
 public:
  explicit DepartmentService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  grpc::Status AddDepartmentName(grpc::ServerContext*,
                                 const department::DeptAddDeptNameRequest* req,
                                 department::DeptAddDeptNameResponse*) override {
    return toGrpc(store_.addDepartmentName(req->name()));
  }
  RPC(department, Dept, AddTask) {
    core::Task t;
    t.dept_id = req->department().id();
    t.shot = req->shot();
    t.min_cores = floatCores(req->min_cores());
    if (req->min_cores() < 0) t.min_cores = -1;  // refused by the store as negative
    GRPC_ASSIGN(auto created, store_.createTask(t));
    toProto(created, resp->mutable_task());
    return grpc::Status::OK;
  }
  RPC(department, Dept, AddTasks) {
    GRPC_ASSIGN(auto tasks, app::addTasks(store_, req->department().id(), tmapOf(req->tmap())));
    tasksToProto(tasks, resp->mutable_tasks());
    return grpc::Status::OK;
  }
  RPC(department, Dept, ClearTasks) { return toGrpc(store_.clearTasks(req->department().id())); }
  RPC(department, Dept, ClearTaskAdjustments) {
    return toGrpc(app::clearTaskAdjustments(store_, req->department().id()));
  }
  RPC(department, Dept, Delete) {
    return toGrpc(store_.deleteShowDepartment(req->department().id()));
  }
  RPC(department, Dept, DisableTiManaged) {
    return toGrpc(app::disableTiManaged(store_, req->department().id()));
  }
  RPC(department, Dept, EnableTiManaged) {
    const core::CoreUnits cores =
        req->managed_cores() < 0 ? -1 : floatCores(req->managed_cores());
    return toGrpc(app::enableTiManaged(store_, req->department().id(), req->ti_task(), cores));
  }
  RPC(department, Dept, GetDepartmentNames) {
    GRPC_ASSIGN(auto depts, store_.getDepartments());
    for (const auto& d : depts) resp->add_names(d.name);
    return grpc::Status::OK;
  }
  RPC(department, Dept, GetTasks) {
    GRPC_ASSIGN(auto tasks, store_.getTasks(req->department().id()));
    tasksToProto(tasks, resp->mutable_tasks());
    return grpc::Status::OK;
  }
  RPC(department, Dept, RemoveDepartmentName) {
    return toGrpc(store_.removeDepartmentName(req->name()));
  }
  grpc::Status ReplaceTasks(grpc::ServerContext*, const department::DeptReplaceTaskRequest* req,
                            department::DeptReplaceTaskResponse* resp) override {
    GRPC_ASSIGN(auto tasks,
                app::replaceTasks(store_, req->department().id(), tmapOf(req->tmap())));
    tasksToProto(tasks, resp->mutable_tasks());
    return grpc::Status::OK;
  }
  RPC(department, Dept, SetManagedCores) {
    const core::CoreUnits cores =
        req->managed_cores() < 0 ? -1 : floatCores(req->managed_cores());
    return toGrpc(app::setManagedCores(store_, req->department().id(), cores));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeDepartmentService(Farm& farm) {
  return std::make_unique<DepartmentService>(farm);
}

}  // namespace cue::cuebot
