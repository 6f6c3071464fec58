"""Protocol tests of job.JobInterface, job.LayerInterface and job.FrameInterface calls
that change jobs: settings round-trip, dispatch order edits, depends created by the API,
markAsWaiting / markAsDepend, comments, GetUpdatedFrames, and NOT_FOUND / INVALID_ARGUMENT
for bad input. Jobs are launched paused: nothing runs, only the state changes."""
import itertools

import grpc

import cuefarm
from cuefarm import pb

J = "job.JobInterface"
L = "job.LayerInterface"
F = "job.FrameInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT
_seq = itertools.count()


class JobOpsTest(cuefarm.FarmTestCase):

    def launch(self, layers=(("aaa", "true", "1-6"),)):
        name = f"jobs{next(_seq)}"
        return self.farm.launch(cuefarm.simple_spec(name, layers=layers, paused=True))[0]

    def layer(self, job, name):
        return next(l for l in self.farm.layers(job) if l.name == name)

    def order(self, job, layer):
        """Frame numbers of a layer in dispatch order."""
        fs = [f for f in self.farm.frames(job) if f.layer_name == layer]
        return [f.number for f in sorted(fs, key=lambda f: f.dispatch_order)]

    def test_job_settings_round_trip(self):
        j = pb["job"]
        job = self.launch()
        self.farm.call(J, "SetMaxRetries", j.JobSetMaxRetriesRequest(job=job, max_retries=7))
        self.farm.call(J, "SetAutoEat", j.JobSetAutoEatRequest(job=job, value=True))
        self.farm.call(J, "SetMinGpus", j.JobSetMinGpusRequest(job=job, val=1))
        self.farm.call(J, "SetMaxGpus", j.JobSetMaxGpusRequest(job=job, val=3))
        got = self.farm.call(J, "GetCurrent", j.JobGetCurrentRequest(job=job)).job
        self.assertTrue(got.auto_eat)
        self.assertEqual((got.min_gpus, got.max_gpus), (1.0, 3.0))
        self.assertEqual(got.group, "testing")  # the group's name, not its id
        names = self.farm.call(J, "GetJobNames", j.JobGetJobNamesRequest(
            r=j.JobSearchCriteria(ids=[job.id]))).names
        self.assertEqual(list(names), [job.name])
        self.assertCode(IA, J, "SetMaxRetries", j.JobSetMaxRetriesRequest(job=job, max_retries=-1))
        self.assertCode(NF, J, "SetAutoEat", j.JobSetAutoEatRequest(
            job=j.Job(id="no-such-job"), value=True))

    def test_unknown_frame_ids_are_not_found(self):
        j = pb["job"]
        bogus = j.Frame(id="no-such-frame")
        for method, req in (("Retry", j.FrameRetryRequest(frame=bogus)),
                            ("Eat", j.FrameEatRequest(frame=bogus)),
                            ("Kill", j.FrameKillRequest(frame=bogus)),
                            ("MarkAsWaiting", j.FrameMarkAsWaitingRequest(frame=bogus)),
                            ("MarkAsDepend", j.FrameMarkAsDependRequest(frame=bogus))):
            self.assertCode(NF, F, method, req)

    def test_frame_search_criteria(self):
        j = pb["job"]
        job = self.launch()
        names = lambda **c: [f.name for f in self.farm.frames(job, **c)]  # noqa: E731
        self.assertEqual(names(frames=["0002-aaa", "0005-aaa"]), ["0002-aaa", "0005-aaa"])
        self.assertEqual(names(offset=4), ["0005-aaa", "0006-aaa"])
        self.assertEqual(names(page=2, limit=2), ["0003-aaa", "0004-aaa"])
        self.assertEqual(names(memory_range="1"), [])  # nothing ran: no peak of 1 GB and above
        self.assertEqual(len(names(memory_range="0-1")), 6)
        self.assertEqual(len(names(duration_range="0")), 6)
        for bad in ({"memory_range": "x"}, {"memory_range": "4-2"}, {"duration_range": "-1"},
                    {"frame_range": "a-b"}):
            self.assertCode(IA, J, "GetFrames", j.JobGetFramesRequest(
                job=job, req=j.FrameSearchCriteria(**bad)))

    def test_reorder_and_stagger(self):
        j = pb["job"]
        job = self.launch()
        self.farm.call(J, "ReorderFrames", j.JobReorderFramesRequest(
            job=job, range="5-6", order=j.FIRST))
        self.assertEqual(self.order(job, "aaa"), [5, 6, 1, 2, 3, 4])
        layer = self.layer(job, "aaa")
        self.farm.call(L, "ReorderFrames", j.LayerReorderFramesRequest(
            layer=layer, range="1-6", order=j.REVERSE))
        self.assertEqual(self.order(job, "aaa"), [4, 3, 2, 1, 6, 5])
        self.farm.call(L, "StaggerFrames", j.LayerStaggerFramesRequest(
            layer=layer, range="1-6", stagger=3))
        self.assertEqual(self.order(job, "aaa"), [1, 4, 2, 5, 3, 6])
        self.assertCode(IA, J, "ReorderFrames", j.JobReorderFramesRequest(
            job=job, range="1-x", order=j.FIRST))
        self.assertCode(IA, L, "StaggerFrames", j.LayerStaggerFramesRequest(
            layer=layer, range="1-6", stagger=0))
        self.assertEqual(self.order(job, "aaa"), [1, 4, 2, 5, 3, 6])  # unchanged by bad input

    def test_layer_settings_round_trip(self):
        j = pb["job"]
        job = self.launch()
        layer = self.layer(job, "aaa")
        calls = [("SetMinCores", j.LayerSetMinCoresRequest(layer=layer, cores=2.5)),
                 ("SetMaxCores", j.LayerSetMaxCoresRequest(layer=layer, cores=8)),
                 ("SetMinMemory", j.LayerSetMinMemoryRequest(layer=layer, memory=2097152)),
                 ("SetMinGpuMemory", j.LayerSetMinGpuMemoryRequest(layer=layer, gpu_memory=1024)),
                 ("SetMinGpus", j.LayerSetMinGpusRequest(layer=layer, min_gpus=1)),
                 ("SetMaxGpus", j.LayerSetMaxGpusRequest(layer=layer, max_gpus=2)),
                 ("SetTags", j.LayerSetTagsRequest(layer=layer, tags=["gpu", "big"])),
                 ("SetThreadable", j.LayerSetThreadableRequest(layer=layer, threadable=True)),
                 ("SetTimeout", j.LayerSetTimeoutRequest(layer=layer, timeout=30)),
                 ("SetTimeoutLLU", j.LayerSetTimeoutLLURequest(layer=layer, timeout_llu=5)),
                 ("EnableMemoryOptimizer",
                  j.LayerEnableMemoryOptimizerRequest(layer=layer, value=True)),
                 ("RegisterOutputPath",
                  j.LayerRegisterOutputPathRequest(layer=layer, spec="/out/a.#.exr")),
                 ("SetStartAfter", j.LayerSetStartAfterRequest(layer=layer, start_after=99,
                                                                username="tester"))]
        for method, req in calls:
            self.farm.call(L, method, req)
        got = self.farm.call(L, "GetLayer", j.LayerGetLayerRequest(id=layer.id)).layer
        self.assertEqual((got.min_cores, got.max_cores), (2.5, 8.0))
        self.assertEqual((got.min_memory, got.min_gpu_memory), (2097152, 1024))
        self.assertEqual((got.min_gpus, got.max_gpus), (1.0, 2.0))
        self.assertEqual(sorted(got.tags), ["big", "gpu"])
        self.assertTrue(got.is_threadable and got.memory_optimizer_enabled)
        self.assertEqual((got.timeout, got.timeout_llu, got.start_after), (30, 5, 99))
        self.assertIn("tester", got.start_after_reason)
        paths = self.farm.call(L, "GetOutputPaths", j.LayerGetOutputPathsRequest(layer=layer))
        self.assertEqual(list(paths.output_paths), ["/out/a.#.exr"])
        self.assertCode(IA, L, "SetMinCores", j.LayerSetMinCoresRequest(layer=layer, cores=0))
        self.assertCode(IA, L, "SetTimeout", j.LayerSetTimeoutRequest(layer=layer, timeout=-1))
        self.assertCode(NF, L, "SetThreadable", j.LayerSetThreadableRequest(
            layer=j.Layer(id="no-such-layer"), threadable=True))

    def test_depends_created_through_the_api(self):
        j = pb["job"]
        first = self.launch()
        second = self.launch(layers=(("bbb", "true", "1-3"),))
        dep = self.farm.call(J, "CreateDependencyOnJob", j.JobCreateDependencyOnJobRequest(
            job=second, on_job=first)).depend
        self.assertEqual((dep.depend_er_job, dep.depend_on_job), (second.name, first.name))
        self.assertEqual(set(self.farm.frame_states(second).values()), {"DEPEND"})
        # markAsWaiting lets one frame run regardless; markAsDepend puts it back.
        frame = self.farm.frames(second)[0]
        self.farm.call(F, "MarkAsWaiting", j.FrameMarkAsWaitingRequest(frame=frame))
        self.assertEqual(self.farm.frame_states(second)[frame.name], "WAITING")
        self.farm.call(F, "MarkAsDepend", j.FrameMarkAsDependRequest(frame=frame))
        self.assertEqual(self.farm.frame_states(second)[frame.name], "DEPEND")
        # Marking the first job's frames done releases what waits on them.
        self.farm.call(J, "MarkDoneFrames", j.JobMarkDoneFramesRequest(job=first,
                                                                       req=j.FrameSearchCriteria()))
        self.farm.call(J, "DropDepends", j.JobDropDependsRequest(
            job=second, target=pb["depend"].EXTERNAL))
        self.assertEqual(self.farm.frame_states(second),
                         {f"000{n}-bbb": "WAITING" for n in (1, 2, 3)})
        # A layer cannot depend on its own job; bad ids are NOT_FOUND.
        layer = self.layer(second, "bbb")
        self.assertCode(IA, L, "CreateDependencyOnJob", j.LayerCreateDependOnJobRequest(
            layer=layer, job=second))
        self.assertCode(NF, F, "CreateDependencyOnFrame", j.FrameCreateDependencyOnFrameRequest(
            frame=frame, depend_on_frame=j.Frame(id="no-such-frame")))

    def test_frame_by_frame_depend(self):
        j = pb["job"]
        job = self.launch(layers=(("aaa", "true", "1-3"), ("bbb", "true", "1-3")))
        a, b = self.layer(job, "aaa"), self.layer(job, "bbb")
        self.farm.call(L, "CreateFrameByFrameDependency", j.LayerCreateFrameByFrameDependRequest(
            layer=b, depend_layer=a))
        states = self.farm.frame_states(job)
        self.assertEqual({states[f"000{n}-bbb"] for n in (1, 2, 3)}, {"DEPEND"})
        self.farm.call(F, "Eat", j.FrameEatRequest(frame=next(
            f for f in self.farm.frames(job) if f.name == "0002-aaa")))
        states = self.farm.frame_states(job)
        self.assertEqual((states["0001-bbb"], states["0002-bbb"]), ("DEPEND", "WAITING"))

    def test_comments_and_subscribers(self):
        j, c = pb["job"], pb["comment"]
        job = self.launch()
        self.farm.call(J, "AddComment", j.JobAddCommentRequest(
            job=job, new_comment=c.Comment(user="wrangler", subject="hold", message="client")))
        got = self.farm.call(J, "GetComments", j.JobGetCommentsRequest(job=job)).comments.comments
        self.assertEqual([(x.user, x.subject) for x in got], [("wrangler", "hold")])
        self.farm.call("comment.CommentInterface", "Save", c.CommentSaveRequest(
            comment=c.Comment(id=got[0].id, subject="released", message="ok")))
        got = self.farm.call(J, "GetComments", j.JobGetCommentsRequest(job=job)).comments.comments
        self.assertEqual(got[0].subject, "released")
        self.farm.call("comment.CommentInterface", "Delete", c.CommentDeleteRequest(comment=got[0]))
        self.assertEqual(len(self.farm.call(J, "GetComments", j.JobGetCommentsRequest(
            job=job)).comments.comments), 0)
        self.assertCode(NF, "comment.CommentInterface", "Delete",
                        c.CommentDeleteRequest(comment=got[0]))
        self.farm.call(J, "AddSubscriber", j.JobAddSubscriberRequest(job=job, subscriber="a@b"))
        self.assertCode(IA, J, "AddSubscriber", j.JobAddSubscriberRequest(job=job, subscriber=""))

    def test_updated_frames_and_shutdown(self):
        j = pb["job"]
        job = self.launch(layers=(("aaa", "true", "1-2"),))
        first = self.farm.call(J, "GetUpdatedFrames", j.JobGetUpdatedFramesRequest(
            job=job, last_check=0))
        self.assertGreater(first.server_time, 0)
        for f in self.farm.frames(job):
            self.farm.call(F, "Eat", j.FrameEatRequest(frame=f))
        upd = self.farm.call(J, "GetUpdatedFrames", j.JobGetUpdatedFramesRequest(
            job=job, last_check=first.server_time))
        self.assertEqual({j.FrameState.Name(f.state) for f in upd.updated_frames.updated_frames},
                         {"EATEN"})
        self.assertEqual(len(upd.updated_frames.updated_frames), 2)
        self.farm.call(J, "ShutdownIfCompleted", j.JobShutdownIfCompletedRequest(job=job))
        self.assertEqual(self.farm.get_job(job.id).state, j.FINISHED)
        self.assertCode(NF, J, "GetUpdatedFrames", j.JobGetUpdatedFramesRequest(
            job=j.Job(id="no-such-job")))


if __name__ == "__main__":
    cuefarm.main()
