"""Protocol tests of host.HostInterface, host.ProcInterface, host.OwnerInterface,
host.DeedInterface, facility.AllocationInterface and facility.FacilityInterface calls
added for the whole API, against a real cuebot and real rqds: host settings, comments,
allocation moves, owners and deeds, facilities and allocations, and procs of a real
running frame (kill, unbook, redirect)."""
import itertools

import grpc

import cuefarm
from cuefarm import pb

H = "host.HostInterface"
P = "host.ProcInterface"
O = "host.OwnerInterface"
D = "host.DeedInterface"
A = "facility.AllocationInterface"
FA = "facility.FacilityInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT
AE = grpc.StatusCode.ALREADY_EXISTS
FP = grpc.StatusCode.FAILED_PRECONDITION
_seq = itertools.count()


def unique(prefix):
    return f"{prefix}{next(_seq)}"


class HostOpsTest(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("hostops-a", cores=2), cuefarm.RqdSpec("hostops-b", cores=2)]

    def test_host_settings_and_comments(self):
        h, c = pb["host"], pb["comment"]
        host = self.farm.find_host("hostops-a")
        self.farm.call(H, "SetOs", h.HostSetOsRequest(host=host, os="rocky9"))
        self.farm.call(H, "AddTags", h.HostAddTagsRequest(host=host, tags=["oldtag"]))
        self.farm.call(H, "RenameTag", h.HostRenameTagRequest(host=host, old_tag="oldtag",
                                                              new_tag="newtag"))
        got = self.farm.find_host("hostops-a")
        self.assertEqual(got.os, "rocky9")
        self.assertIn("newtag", got.tags)
        self.assertNotIn("oldtag", got.tags)
        self.assertCode(NF, H, "RenameTag", h.HostRenameTagRequest(host=host, old_tag="absent",
                                                                   new_tag="x"))
        self.farm.call(H, "SetHardwareState", h.HostSetHardwareStateRequest(host=host, state=h.REPAIR))
        self.assertEqual(self.farm.find_host("hostops-a").state, h.REPAIR)
        self.farm.call(H, "SetHardwareState", h.HostSetHardwareStateRequest(host=host, state=h.UP))
        self.assertCode(IA, H, "SetHardwareState",
                        h.HostSetHardwareStateRequest(host=host, state=42))
        self.farm.call(H, "AddComment", h.HostAddCommentRequest(
            host=host, new_comment=c.Comment(user="admin", subject="fan", message="noisy")))
        got = self.farm.call(H, "GetComments", h.HostGetCommentsRequest(host=host)).comments
        self.assertEqual([x.subject for x in got.comments], ["fan"])
        wb = self.farm.call(H, "GetHostWhiteboard", h.HostGetHostWhiteboardRequest())
        self.assertIn("hostops-a", [n.name for n in wb.nested_hosts.nested_hosts])
        self.assertCode(NF, H, "SetOs", h.HostSetOsRequest(host=h.Host(id="no-such-host"), os="x"))

    def test_host_search(self):
        h = pb["host"]
        names = lambda **c: [x.name for x in self.farm.hosts(**c)]  # noqa: E731
        self.assertEqual(names(substr=["tops-a"]), ["hostops-a"])
        self.assertEqual(names(regex=[r"^hostops-[ab]$"]), ["hostops-a", "hostops-b"])
        self.assertEqual(names(regex=["-b$"], substr=["hostops"]), ["hostops-b"])
        self.assertEqual(names(substr=["%"]), [])  # a wildcard of SQL is a plain character
        self.assertEqual(names(lock_states=h.LockStateSeq(state=[h.LOCKED])), [])
        self.assertCode(IA, H, "GetHosts", h.HostGetHostsRequest(
            r=h.HostSearchCriteria(regex=["(unclosed"])))

    def test_allocations_and_facilities(self):
        f, h = pb["facility"], pb["host"]
        fac_name = unique("fac")
        fac = self.farm.call(FA, "Create", f.FacilityCreateRequest(name=fac_name)).facility
        self.assertCode(AE, FA, "Create", f.FacilityCreateRequest(name=fac_name))
        alloc = self.farm.call(A, "Create", f.AllocCreateRequest(
            name="render", tag="rtag", facility=fac)).allocation
        self.assertEqual(alloc.name, f"{fac_name}.render")
        self.assertCode(IA, A, "Create", f.AllocCreateRequest(name="", tag="t", facility=fac))
        host = self.farm.find_host("hostops-b")
        self.farm.call(A, "ReparentHosts", f.AllocReparentHostsRequest(
            allocation=alloc, hosts=h.HostSeq(hosts=[host])))
        moved = self.farm.find_host("hostops-b")
        self.assertEqual(moved.alloc_name, alloc.name)
        self.assertIn("rtag", moved.tags)
        self.farm.call(A, "SetTag", f.AllocSetTagRequest(allocation=alloc, tag="rtag2"))
        self.assertIn("rtag2", self.farm.find_host("hostops-b").tags)
        self.farm.call(A, "SetBillable", f.AllocSetBillableRequest(allocation=alloc, value=True))
        self.farm.call(A, "SetName", f.AllocSetNameRequest(allocation=alloc, name="farm"))
        got = self.farm.call(A, "Get", f.AllocGetRequest(id=alloc.id)).allocation
        self.assertEqual((got.name, got.tag, got.billable), (f"{fac_name}.farm", "rtag2", True))
        found = self.farm.call(A, "FindHosts", f.AllocFindHostsRequest(
            allocation=alloc, r=h.HostSearchCriteria())).hosts.hosts
        self.assertEqual([x.name for x in found], ["hostops-b"])
        # Not deletable while it holds a host, nor its facility while it has allocations.
        self.assertCode(FP, A, "Delete", f.AllocDeleteRequest(allocation=alloc))
        self.assertCode(FP, FA, "Delete", f.FacilityDeleteRequest(name=fac_name))
        self.farm.call(A, "SetDefault", f.AllocSetDefaultRequest(allocation=alloc))
        self.assertEqual(self.farm.call(A, "GetDefault", f.AllocGetDefaultRequest()).allocation.id,
                         alloc.id)
        general = self.farm.call(A, "Find", f.AllocFindRequest(name="local.general")).allocation
        self.farm.call(A, "SetDefault", f.AllocSetDefaultRequest(allocation=general))
        self.farm.call(H, "SetAllocation", h.HostSetAllocationRequest(
            host=host, allocation_id=general.id))
        self.farm.call(A, "Delete", f.AllocDeleteRequest(allocation=alloc))
        renamed = unique("fac")
        self.farm.call(FA, "Rename", f.FacilityRenameRequest(facility=fac, new_name=renamed))
        self.farm.call(FA, "Delete", f.FacilityDeleteRequest(name=renamed))
        self.assertCode(NF, FA, "Get", f.FacilityGetRequest(name=renamed))
        self.assertCode(NF, H, "SetAllocation", h.HostSetAllocationRequest(
            host=host, allocation_id="no-such-alloc"))

    def test_owners_and_deeds(self):
        h, s = pb["host"], pb["show"]
        owner = self.farm.call("show.ShowInterface", "CreateOwner", s.ShowCreateOwnerRequest(
            show=self.farm.find_show("testing"), name=unique("desk"))).owner
        self.farm.call(O, "TakeOwnership", h.OwnerTakeOwnershipRequest(owner=owner, host="hostops-a"))
        got = self.farm.call(O, "GetOwner", h.OwnerGetOwnerRequest(name=owner.name)).owner
        self.assertEqual(got.host_count, 1)
        hosts = self.farm.call(O, "GetHosts", h.OwnerGetHostsRequest(owner=owner)).hosts.hosts
        self.assertEqual([x.name for x in hosts], ["hostops-a"])
        deed = self.farm.call(H, "GetDeed", h.HostGetDeedRequest(
            host=self.farm.find_host("hostops-a"))).deed
        self.assertEqual((deed.host, deed.owner, deed.show), ("hostops-a", owner.name, "testing"))
        self.assertEqual(self.farm.call(D, "GetOwner", h.DeedGetOwnerRequest(deed=deed)).owner.id,
                         owner.id)
        self.farm.call(D, "Delete", h.DeedDeleteRequest(deed=deed))
        self.assertCode(NF, D, "GetHost", h.DeedGetHostRequest(deed=deed))
        self.assertCode(NF, O, "TakeOwnership", h.OwnerTakeOwnershipRequest(owner=owner,
                                                                            host="no-such-host"))
        self.farm.call(O, "Delete", h.OwnerDeleteRequest(owner=owner))
        self.assertCode(NF, O, "GetOwner", h.OwnerGetOwnerRequest(name=owner.name))

    def running_proc(self, name):
        j = pb["job"]
        job = self.farm.launch(cuefarm.simple_spec(name, layers=(("run", "sleep 60", "1"),)))[0]
        self.farm.wait_until(lambda: self.farm.frame_states(job)["0001-run"] == "RUNNING",
                             what="frame running")
        procs = self.farm.call(P, "GetProcs", pb["host"].ProcGetProcsRequest(
            r=pb["host"].ProcSearchCriteria(jobs=[job.name]))).procs.procs
        self.assertEqual(len(procs), 1)
        return job, procs[0]

    def test_proc_operations(self):
        h, j = pb["host"], pb["job"]
        job, proc = self.running_proc(unique("procs"))
        self.assertEqual(self.farm.call(P, "GetJob", h.ProcGetJobRequest(proc=proc)).job.id, job.id)
        self.assertEqual(self.farm.call(P, "GetFrame", h.ProcGetFrameRequest(proc=proc)).frame.name,
                         "0001-run")
        self.assertEqual(self.farm.call(P, "GetLayer", h.ProcGetLayerRequest(proc=proc)).layer.name,
                         "run")
        self.farm.call(P, "RedirectToGroup", h.ProcRedirectToGroupRequest(
            proc=proc, group_id=self.farm.call("show.ShowInterface", "GetRootGroup",
                                               pb["show"].ShowGetRootGroupRequest(
                                                   show=self.farm.find_show("testing"))).group.id,
            kill=False))
        got = self.farm.call(P, "GetProcs", h.ProcGetProcsRequest(
            r=h.ProcSearchCriteria(jobs=[job.name]))).procs.procs[0]
        self.assertTrue(got.unbooked)
        self.assertTrue(got.redirect_target)
        self.assertTrue(self.farm.call(P, "ClearRedirect", h.ProcClearRedirectRequest(
            proc=proc)).value)
        self.assertCode(IA, P, "UnbookProcs", h.ProcUnbookProcsRequest(r=h.ProcSearchCriteria()))
        self.assertCode(NF, P, "Kill", h.ProcKillRequest(proc=h.Proc(id="no-such-proc")))
        # Kill: the rqd kills the frame, which goes back to WAITING (not a failure).
        self.farm.call(J := "job.JobInterface", "Pause", j.JobPauseRequest(job=job))
        self.farm.call(P, "Kill", h.ProcKillRequest(proc=proc))
        self.farm.wait_until(lambda: self.farm.frame_states(job)["0001-run"] == "WAITING",
                             what="killed frame requeued")
        self.assertEqual(self.farm.frames(job)[0].retry_count, 0)
        self.farm.call(J, "Kill", j.JobKillRequest(job=job, reason="test over"))

    def test_live_stats_of_shows_allocations_subscriptions(self):
        s, f, j = pb["show"], pb["facility"], pb["job"]
        job, proc = self.running_proc(unique("stats"))
        show = self.farm.find_show("testing")
        self.assertGreaterEqual(show.show_stats.running_frames, 1)
        self.assertGreaterEqual(show.show_stats.reserved_cores, 1.0)
        self.assertGreaterEqual(show.show_stats.pending_jobs, 1)
        self.assertGreaterEqual(show.show_stats.created_job_count, 1)
        alloc = self.farm.call(A, "Find", f.AllocFindRequest(name="local.general"))
        self.assertGreaterEqual(alloc.allocation.stats.hosts, 1)
        self.assertGreaterEqual(alloc.allocation.stats.running_cores, 1.0)
        subs = self.farm.call("show.ShowInterface", "GetSubscriptions",
                              s.ShowGetSubscriptionRequest(show=show)).subscriptions.subscriptions
        general = next(x for x in subs if x.allocation_name == "local.general")
        self.assertGreaterEqual(general.reserved_cores, 100)  # core units
        # Jobs, layers and groups carry the cores their running frames hold (CueGUI's "Run").
        self.assertGreaterEqual(proc.reserved_cores, 1.0)
        got = self.farm.get_job(job.id)
        self.assertAlmostEqual(got.job_stats.reserved_cores, proc.reserved_cores)
        self.assertAlmostEqual(self.farm.layers(job)[0].layer_stats.reserved_cores,
                               proc.reserved_cores)
        root = self.farm.call("show.ShowInterface", "GetRootGroup",
                              s.ShowGetRootGroupRequest(show=show)).group
        group = self.farm.call("job.GroupInterface", "GetGroup",
                               j.GroupGetGroupRequest(id=root.id)).group
        self.assertGreaterEqual(group.group_stats.reserved_cores, proc.reserved_cores)
        self.assertGreaterEqual(group.group_stats.running_frames, 1)
        self.assertGreaterEqual(group.group_stats.pending_jobs, 1)
        board = self.farm.call("show.ShowInterface", "GetJobWhiteboard",
                               s.ShowGetJobWhiteboardRequest(show=show)).whiteboard
        self.assertGreaterEqual(board.stats.reserved_cores, proc.reserved_cores)
        self.assertGreaterEqual(board.stats.running_frames, 1)
        self.farm.call("job.JobInterface", "Kill", j.JobKillRequest(job=job, reason="test over"))
        # Once the frame is gone, so are its cores.
        self.farm.wait_until(lambda: self.farm.get_job(job.id).job_stats.reserved_cores == 0,
                             what="cores of the killed job released")

    def test_unbook_procs_with_kill(self):
        h, j = pb["host"], pb["job"]
        job, proc = self.running_proc(unique("unbook"))
        self.farm.call("job.JobInterface", "Pause", j.JobPauseRequest(job=job))
        n = self.farm.call(P, "UnbookProcs", h.ProcUnbookProcsRequest(
            r=h.ProcSearchCriteria(jobs=[job.name]), kill=True)).num_procs
        self.assertEqual(n, 1)
        self.farm.wait_until(lambda: self.farm.frame_states(job)["0001-run"] == "WAITING",
                             what="unbooked frame requeued")
        self.farm.wait_until(lambda: not self.farm.call(P, "GetProcs", h.ProcGetProcsRequest(
            r=h.ProcSearchCriteria(jobs=[job.name]))).procs.procs, what="proc released")
        self.farm.call("job.JobInterface", "Kill", j.JobKillRequest(job=job, reason="test over"))


if __name__ == "__main__":
    cuefarm.main()
