"""Protocol tests of job.GroupInterface and the show.ShowInterface calls added for the
whole API: the group tree (create, find, rename, reparent, delete), group defaults and
caps, jobs moved between groups, the job whiteboard, show settings, owners and delete."""
import itertools

import grpc

import cuefarm
from cuefarm import pb

G = "job.GroupInterface"
S = "show.ShowInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT
AE = grpc.StatusCode.ALREADY_EXISTS
FP = grpc.StatusCode.FAILED_PRECONDITION
_seq = itertools.count()


def unique(prefix):
    return f"{prefix}{next(_seq)}"


class GroupShowTest(cuefarm.FarmTestCase):

    def root(self, show="testing"):
        return self.farm.call(S, "GetRootGroup", pb["show"].ShowGetRootGroupRequest(
            show=self.farm.find_show(show))).group

    def sub(self, parent, name):
        return self.farm.call(G, "CreateSubGroup", pb["job"].GroupCreateSubGroupRequest(
            group=parent, name=name)).group

    def test_group_tree(self):
        j = pb["job"]
        root = self.root()
        a = self.sub(root, unique("grpa"))
        b = self.sub(a, unique("grpb"))
        self.assertEqual((a.level, b.level, b.parent_id), (1, 2, a.id))
        found = self.farm.call(G, "FindGroup", j.GroupFindGroupRequest(show="testing", name=b.name))
        self.assertEqual(found.group.id, b.id)
        kids = self.farm.call(G, "GetGroups", j.GroupGetGroupsRequest(group=a)).groups.groups
        self.assertEqual([g.id for g in kids], [b.id])
        # b moves up beside a; a cannot move below b once b is its child again.
        self.farm.call(G, "SetGroup", j.GroupSetGroupRequest(group=b, parent_group=root))
        self.assertEqual(self.farm.call(G, "GetGroup", j.GroupGetGroupRequest(id=b.id)).group.level, 1)
        self.farm.call(G, "ReparentGroups", j.GroupReparentGroupsRequest(
            group=a, groups=j.GroupSeq(groups=[b])))
        self.assertCode(IA, G, "SetGroup", j.GroupSetGroupRequest(group=a, parent_group=b))
        new_name = unique("renamed")
        self.farm.call(G, "SetName", j.GroupSetNameRequest(group=b, name=new_name))
        self.assertEqual(self.farm.call(G, "GetGroup", j.GroupGetGroupRequest(id=b.id)).group.name,
                         new_name)
        self.assertCode(IA, G, "SetName", j.GroupSetNameRequest(group=b, name=""))
        self.assertCode(AE, G, "CreateSubGroup", j.GroupCreateSubGroupRequest(group=a, name=new_name))
        self.assertCode(FP, G, "Delete", j.GroupDeleteRequest(group=a))  # holds b
        self.assertCode(FP, G, "Delete", j.GroupDeleteRequest(group=root))
        self.farm.call(G, "Delete", j.GroupDeleteRequest(group=b))
        self.assertCode(NF, G, "GetGroup", j.GroupGetGroupRequest(id=b.id))
        self.assertCode(NF, G, "FindGroup", j.GroupFindGroupRequest(show="testing", name="nope"))

    def test_group_settings_round_trip(self):
        j = pb["job"]
        g = self.sub(self.root(), unique("settings"))
        self.farm.call(G, "SetDefaultJobPriority", j.GroupSetDefJobPriorityRequest(group=g, priority=50))
        self.farm.call(G, "SetDefaultJobMinCores", j.GroupSetDefJobMinCoresRequest(group=g, min_cores=2))
        self.farm.call(G, "SetDefaultJobMaxCores", j.GroupSetDefJobMaxCoresRequest(group=g, max_cores=8))
        self.farm.call(G, "SetDefaultJobMinGpus", j.GroupSetDefJobMinGpusRequest(group=g, min_gpus=1))
        self.farm.call(G, "SetDefaultJobMaxGpus", j.GroupSetDefJobMaxGpusRequest(group=g, max_gpus=2))
        self.farm.call(G, "SetMinGpus", j.GroupSetMinGpusRequest(group=g, min_gpus=1))
        self.farm.call(G, "SetMaxGpus", j.GroupSetMaxGpusRequest(group=g, max_gpus=4))
        self.farm.call(G, "SetDepartment", j.GroupSetDeptRequest(group=g, dept="Lighting"))
        got = self.farm.call(G, "GetGroup", j.GroupGetGroupRequest(id=g.id)).group
        self.assertEqual((got.default_job_priority, got.default_job_min_cores,
                          got.default_job_max_cores), (50, 2.0, 8.0))
        self.assertEqual((got.default_job_min_gpus, got.default_job_max_gpus, got.min_gpus,
                          got.max_gpus), (1.0, 2.0, 1.0, 4.0))
        self.assertEqual(got.department, "Lighting")
        self.assertCode(IA, G, "SetMinGpus", j.GroupSetMinGpusRequest(group=g, min_gpus=-1))
        self.assertCode(IA, G, "SetDepartment", j.GroupSetDeptRequest(group=g, dept=""))
        self.assertCode(NF, G, "SetMaxGpus", j.GroupSetMaxGpusRequest(
            group=j.Group(id="no-such-group"), max_gpus=1))

    def test_jobs_move_between_groups_and_whiteboard(self):
        j, s = pb["job"], pb["show"]
        g = self.sub(self.root(), unique("dest"))
        job = self.farm.launch(cuefarm.simple_spec(unique("wb"), paused=True))[0]
        self.farm.call(G, "ReparentJobs", j.GroupReparentJobsRequest(
            group=g, jobs=j.JobSeq(jobs=[job])))
        self.assertEqual(self.farm.get_job(job.id).group, g.name)
        in_group = self.farm.call(G, "GetJobs", j.GroupGetJobsRequest(group=g)).jobs.jobs
        self.assertEqual([x.id for x in in_group], [job.id])
        show = self.farm.find_show("testing")
        wb = self.farm.call(S, "GetJobWhiteboard", s.ShowGetJobWhiteboardRequest(show=show)).whiteboard
        nested = {n.name: n for n in wb.groups.nested_groups}
        self.assertIn(job.name, nested[g.name].jobs)
        self.assertEqual(nested[g.name].inline_jobs[0].id, job.id)
        show_jobs = self.farm.call(S, "GetJobs", s.ShowGetJobsRequest(show=show)).jobs.jobs
        self.assertIn(job.id, [x.id for x in show_jobs])
        self.farm.call("job.JobInterface", "SetGroup", j.JobSetGroupRequest(
            job=job, group_id=self.root().id))
        self.assertEqual(self.farm.get_job(job.id).group, "testing")
        self.assertCode(NF, "job.JobInterface", "SetGroup", j.JobSetGroupRequest(
            job=job, group_id="no-such-group"))

    def test_show_settings_owners_and_delete(self):
        s = pb["show"]
        name = unique("show")
        show = self.farm.call(S, "CreateShow", s.ShowCreateShowRequest(name=name)).show
        self.farm.call(S, "SetCommentEmail", s.ShowSetCommentEmailRequest(show=show, email="x@y"))
        self.farm.call(S, "SetDefaultMinGpus", s.ShowSetDefaultMinGpusRequest(show=show, min_gpus=1))
        self.farm.call(S, "SetDefaultMaxGpus", s.ShowSetDefaultMaxGpusRequest(show=show, max_gpus=6))
        self.farm.call(S, "SetSchedulerManaged",
                       s.ShowSetSchedulerManagedRequest(show=show, enabled=True))
        got = self.farm.find_show(name)
        self.assertEqual((got.comment_email, got.default_min_gpus, got.default_max_gpus,
                          got.scheduler_managed), ("x@y", 1.0, 6.0, True))
        self.assertCode(IA, S, "SetDefaultMinGpus",
                        s.ShowSetDefaultMinGpusRequest(show=show, min_gpus=-2))
        owner = self.farm.call(S, "CreateOwner", s.ShowCreateOwnerRequest(
            show=show, name=unique("artist"))).owner
        self.assertEqual((owner.show, owner.host_count), (name, 0))
        self.assertCode(AE, S, "CreateOwner", s.ShowCreateOwnerRequest(show=show, name=owner.name))
        self.assertEqual(len(self.farm.call(S, "GetDeeds", s.ShowGetDeedsRequest(
            show=show)).deeds.deeds), 0)
        self.farm.call(S, "Delete", s.ShowDeleteRequest(show=show))
        self.assertCode(NF, S, "FindShow", s.ShowFindShowRequest(name=name))
        # A show that launched jobs is kept (it holds their history).
        self.farm.launch(cuefarm.simple_spec(unique("keep"), paused=True))
        self.assertCode(FP, S, "Delete", s.ShowDeleteRequest(show=self.farm.find_show("testing")))


if __name__ == "__main__":
    cuefarm.main()
