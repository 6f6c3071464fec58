"""Protocol tests of department.DepartmentInterface, task.TaskInterface and
renderPartition.RenderPartitionInterface.

A show's Department message comes from show.ShowInterface.GetDepartment (another area's
RPC); tests that need one skip while it is unimplemented. Departments and tasks are stored
and round-trip; they have no scheduling effect in Cue yet, and Cue has no production
tracker to sync "TI managed" tasks from.
"""
import grpc

import cuefarm
from cuefarm import pb

D = "department.DepartmentInterface"
T = "task.TaskInterface"
R = "renderPartition.RenderPartitionInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT
AE = grpc.StatusCode.ALREADY_EXISTS
FP = grpc.StatusCode.FAILED_PRECONDITION


class DepartmentTest(cuefarm.FarmTestCase):

    def names(self):
        d = pb["department"]
        return list(self.farm.call(D, "GetDepartmentNames",
                                   d.DeptGetDepartmentNamesRequest()).names)

    def department(self, name):
        show_pb2 = pb["show"]
        return self.farm.call("show.ShowInterface", "GetDepartment",
                              show_pb2.ShowGetDepartmentRequest(
                                  show=self.farm.find_show("testing"), department=name)
                              ).department

    def tasks(self, dept):
        d = pb["department"]
        return {t.shot: t for t in self.farm.call(D, "GetTasks", d.DeptGetTasksRequest(
            department=dept)).tasks.tasks}

    def test_department_names(self):
        d = pb["department"]
        self.assertIn("Lighting", self.names())
        self.farm.call(D, "AddDepartmentName", d.DeptAddDeptNameRequest(name="Matchmove"))
        self.assertIn("Matchmove", self.names())
        self.assertCode(AE, D, "AddDepartmentName", d.DeptAddDeptNameRequest(name="Matchmove"))
        self.assertCode(IA, D, "AddDepartmentName", d.DeptAddDeptNameRequest(name=""))
        self.farm.call(D, "RemoveDepartmentName",
                       d.DeptRemoveDepartmentNameRequest(name="Matchmove"))
        self.assertNotIn("Matchmove", self.names())
        self.assertCode(NF, D, "RemoveDepartmentName",
                        d.DeptRemoveDepartmentNameRequest(name="Matchmove"))

    def test_tasks(self):
        d = pb["department"]
        t = pb["task"]
        dept = self.department("Hair")
        self.assertEqual(dept.dept, "Hair")
        task = self.farm.call(D, "AddTask", d.DeptAddTaskRequest(department=dept, shot="sh001",
                                                                 min_cores=4.0)).task
        self.assertEqual((task.shot, task.dept, task.min_cores), ("sh001", "Hair", 4.0))
        self.assertCode(AE, D, "AddTask", d.DeptAddTaskRequest(department=dept, shot="sh001",
                                                               min_cores=1))
        self.assertCode(IA, D, "AddTask", d.DeptAddTaskRequest(department=dept, shot="",
                                                               min_cores=1))
        added = self.farm.call(D, "AddTasks", d.DeptAddTasksRequest(
            department=dept, tmap={"sh002": 200, "sh003": 300})).tasks.tasks
        self.assertEqual(sorted(x.shot for x in added), ["sh002", "sh003"])
        self.assertEqual(self.tasks(dept)["sh003"].min_cores, 3.0)
        # AddTasks with a shot that exists adds nothing.
        self.assertCode(AE, D, "AddTasks", d.DeptAddTasksRequest(
            department=dept, tmap={"sh004": 100, "sh001": 100}))
        self.assertNotIn("sh004", self.tasks(dept))
        # ReplaceTasks updates sh002 and adds sh005.
        self.farm.call(D, "ReplaceTasks", d.DeptReplaceTaskRequest(
            department=dept, tmap={"sh002": 900, "sh005": 100}))
        now = self.tasks(dept)
        self.assertEqual(now["sh002"].min_cores, 9.0)
        self.assertIn("sh005", now)

        # Task operations.
        self.farm.call(T, "SetMinCores", t.TaskSetMinCoresRequest(task=now["sh005"],
                                                                  new_min_cores=2.5))
        self.assertEqual(self.tasks(dept)["sh005"].min_cores, 2.5)
        self.assertCode(IA, T, "SetMinCores", t.TaskSetMinCoresRequest(task=now["sh005"],
                                                                       new_min_cores=-1))
        self.farm.call(T, "Delete", t.TaskDeleteRequest(task=now["sh005"]))
        self.assertNotIn("sh005", self.tasks(dept))
        self.assertCode(NF, T, "Delete", t.TaskDeleteRequest(task=now["sh005"]))
        self.assertCode(NF, T, "ClearAdjustments", t.TaskClearAdjustmentsRequest())

        self.farm.call(D, "ClearTasks", d.DeptClearTasksRequest(department=dept))
        self.assertEqual(self.tasks(dept), {})

    def test_ti_managed(self):
        d = pb["department"]
        t = pb["task"]
        dept = self.department("Cloth")
        self.farm.call(D, "EnableTiManaged", d.DeptEnableTiManagedRequest(
            department=dept, ti_task="cloth-sim", managed_cores=50))
        got = self.department("Cloth")
        self.assertEqual((got.ti_managed, got.ti_task, got.min_cores), (True, "cloth-sim", 50.0))
        self.farm.call(D, "SetManagedCores", d.DeptSetManagedCoresRequest(department=dept,
                                                                           managed_cores=80))
        self.assertEqual(self.department("Cloth").min_cores, 80.0)
        self.assertCode(IA, D, "EnableTiManaged", d.DeptEnableTiManagedRequest(
            department=dept, ti_task="", managed_cores=5))
        # On a managed department, a task's new cores are kept as an adjustment.
        self.farm.call(D, "AddTask", d.DeptAddTaskRequest(department=dept, shot="sh100",
                                                          min_cores=10))
        task = self.tasks(dept)["sh100"]
        self.farm.call(T, "SetMinCores", t.TaskSetMinCoresRequest(task=task, new_min_cores=12))
        task = self.tasks(dept)["sh100"]
        self.assertEqual((task.min_cores, task.adjust_cores), (12.0, 2.0))
        self.farm.call(T, "ClearAdjustments", t.TaskClearAdjustmentsRequest(task=task))
        task = self.tasks(dept)["sh100"]
        self.assertEqual((task.min_cores, task.adjust_cores), (10.0, 0.0))
        self.farm.call(T, "SetMinCores", t.TaskSetMinCoresRequest(task=task, new_min_cores=15))
        self.farm.call(D, "ClearTaskAdjustments",
                       d.DeptClearTaskAdjustmentsRequest(department=dept))
        self.assertEqual(self.tasks(dept)["sh100"].min_cores, 10.0)
        # Disabling clears the tasks.
        self.farm.call(D, "DisableTiManaged", d.DeptDisableTiManagedRequest(department=dept))
        self.assertFalse(self.department("Cloth").ti_managed)
        self.assertEqual(self.tasks(dept), {})

    def test_delete_department(self):
        d = pb["department"]
        dept = self.department("Layout")
        self.farm.call(D, "AddTask", d.DeptAddTaskRequest(department=dept, shot="sh1",
                                                          min_cores=1))
        self.farm.call(D, "Delete", d.DeptDeleteRequest(department=dept))
        self.assertCode(NF, D, "GetTasks", d.DeptGetTasksRequest(department=dept))
        self.assertCode(NF, D, "Delete", d.DeptDeleteRequest(department=dept))

    def test_bad_department(self):
        d = pb["department"]
        ghost = d.Department(id="00000000-0000-0000-0000-000000000000")
        for method, req in [
                ("GetTasks", d.DeptGetTasksRequest(department=ghost)),
                ("ClearTasks", d.DeptClearTasksRequest(department=ghost)),
                ("AddTask", d.DeptAddTaskRequest(department=ghost, shot="x", min_cores=1)),
                ("AddTasks", d.DeptAddTasksRequest(department=ghost, tmap={"x": 1})),
                ("EnableTiManaged", d.DeptEnableTiManagedRequest(department=ghost, ti_task="t")),
                ("DisableTiManaged", d.DeptDisableTiManagedRequest(department=ghost)),
                ("SetManagedCores", d.DeptSetManagedCoresRequest(department=ghost)),
                ("Delete", d.DeptDeleteRequest()),
        ]:
            self.assertCode(NF, D, method, req)

    def test_render_partitions_unknown(self):
        r = pb["renderPartition"]
        # Cue creates partitions only through AddRenderPartition (job/layer/frame, another
        # area); unknown ones answer NOT_FOUND.
        self.assertCode(NF, R, "Delete", r.RenderPartDeleteRequest(
            render_partition=r.RenderPartition(id="nope")))
        self.assertCode(NF, R, "SetMaxResources", r.RenderPartSetMaxResourcesRequest(
            render_partition=r.RenderPartition(id="nope"), cores=100))
        self.assertCode(NF, R, "Delete", r.RenderPartDeleteRequest())


if __name__ == "__main__":
    cuefarm.main()
