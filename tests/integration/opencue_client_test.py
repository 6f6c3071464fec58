#!/usr/bin/python3
"""Protocol-level test: cuebot answers OpenCue's gRPC API as OpenCue's Python tools call it.

Messages come from Cue's .proto files compiled for Python (protoc --python_out); calls are
made by method path exactly as pycue's generated stubs make them. The RQD side is played
the way OpenCue's Python RQD reports: a RenderHost with only its name and resources.

usage: opencue_client_test.py CUEBOT_BIN PROTO_DIR SPEC_DIR
"""
import os, shutil, subprocess, sys, tempfile, time, unittest

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import grpc  # noqa: E402

CUEBOT, PROTO_DIR, SHARED = sys.argv[1:4]
del sys.argv[1:4]
GEN = tempfile.mkdtemp(prefix="cue-pyproto-")
subprocess.check_call(["protoc", f"-I{PROTO_DIR}", f"--python_out={GEN}"] +
                      [f for f in os.listdir(PROTO_DIR) if f.endswith(".proto")], cwd=PROTO_DIR)
sys.path.insert(0, GEN)
import cue_pb2, facility_pb2, host_pb2, job_pb2, monitoring_pb2, report_pb2, rqd_pb2, show_pb2  # noqa: E402,E501
import cue_report_pb2  # noqa: E402
from concurrent import futures  # noqa: E402


class OpenCueClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="cue-pytest-")
        port_file = os.path.join(cls.dir, "port")
        cls.log = open(os.path.join(cls.dir, "cuebot.log"), "w")
        cls.proc = subprocess.Popen([CUEBOT, "--port", "0", "--bind", "127.0.0.1", "--db",
                                     os.path.join(cls.dir, "cue.db"), "--port-file", port_file,
                                     "--orphan-grace", "1", "--sweep-interval-ms", "200"],
                                    stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while not os.path.exists(port_file) and time.time() < deadline:
            time.sleep(0.02)
        cls.channel = grpc.insecure_channel("127.0.0.1:" + open(port_file).read().strip())

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        shutil.rmtree(GEN, ignore_errors=True)

    def call(self, service, method, request, response_type):
        fn = self.channel.unary_unary(f"/{service}/{method}",
                                      request_serializer=lambda m: m.SerializeToString(),
                                      response_deserializer=response_type.FromString)
        return fn(request, timeout=10)

    def test_system_stats_shows_and_allocations(self):
        self.call("cue.CueInterface", "GetSystemStats", cue_pb2.CueGetSystemStatsRequest(),
                  cue_pb2.CueGetSystemStatsResponse)
        shows = self.call("show.ShowInterface", "GetShows", show_pb2.ShowGetShowsRequest(),
                          show_pb2.ShowGetShowsResponse).shows.shows
        self.assertIn("testing", [s.name for s in shows])
        allocs = self.call("facility.AllocationInterface", "GetAll",
                           facility_pb2.AllocGetAllRequest(),
                           facility_pb2.AllocGetAllResponse).allocations.allocations
        self.assertEqual(sorted(a.name for a in allocs),
                         ["cloud.general", "cloud.unassigned", "local.desktop", "local.general",
                          "local.unassigned"])
        with self.assertRaises(grpc.RpcError) as e:
            self.call("show.ShowInterface", "FindShow", show_pb2.ShowFindShowRequest(name="nope"),
                      show_pb2.ShowFindShowResponse)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_launch_inspect_and_kill_a_shared_spec(self):
        spec = open(os.path.join(SHARED, "layer_on_layer_simple.xml")).read()
        names = self.call("job.JobInterface", "LaunchSpec", job_pb2.JobLaunchSpecRequest(spec=spec),
                          job_pb2.JobLaunchSpecResponse).names
        self.assertEqual(list(names), ["testing-shot01-tester_spec_demo"])
        job = self.call("job.JobInterface", "FindJob", job_pb2.JobFindJobRequest(name=names[0]),
                        job_pb2.JobFindJobResponse).job
        self.assertTrue(job.is_paused)
        self.assertEqual(job.job_stats.total_frames, 15)
        self.assertEqual(job.job_stats.depend_frames, 10)
        layers = self.call("job.JobInterface", "GetLayers", job_pb2.JobGetLayersRequest(job=job),
                           job_pb2.JobGetLayersResponse).layers.layers
        self.assertEqual([l.name for l in layers], ["render", "comp"])
        crit = job_pb2.FrameSearchCriteria(layers=["render"], page=1, limit=2)
        frames = self.call("job.JobInterface", "GetFrames",
                           job_pb2.JobGetFramesRequest(job=job, req=crit),
                           job_pb2.JobGetFramesResponse).frames.frames
        self.assertEqual([f.name for f in frames], ["0001-render", "0003-render"])
        self.call("job.JobInterface", "Kill", job_pb2.JobKillRequest(job=job, reason="test"),
                  job_pb2.JobKillResponse)
        pending = self.call("job.JobInterface", "IsJobPending",
                            job_pb2.JobIsJobPendingRequest(name=names[0]),
                            job_pb2.JobIsJobPendingResponse).value
        self.assertFalse(pending)

    def test_unimplemented_rpc_names_itself(self):
        with self.assertRaises(grpc.RpcError) as e:
            self.call("monitoring.MonitoringInterface", "GetJobHistory",
                      monitoring_pb2.GetJobHistoryRequest(), monitoring_pb2.GetJobHistoryResponse)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNIMPLEMENTED)
        self.assertIn("GetJobHistory", e.exception.details())

    def test_python_rqd_style_boot_report(self):
        host = report_pb2.RenderHost(name="pyrqd-host", facility="local", total_mem=8388608,
                                     free_mem=8000000, num_procs=4, cores_per_proc=100,
                                     tags=["general"], state=0)
        boot = report_pb2.BootReport(host=host, core_info=report_pb2.CoreDetail(
            total_cores=400, idle_cores=400))
        self.call("report.RqdReportInterface", "ReportRqdStartup",
                  report_pb2.RqdReportRqdStartupRequest(boot_report=boot),
                  report_pb2.RqdReportRqdStartupResponse)
        found = self.call("host.HostInterface", "FindHost",
                          host_pb2.HostFindHostRequest(name="pyrqd-host"),
                          host_pb2.HostFindHostResponse).host
        self.assertEqual(found.cores, 4.0)
        self.assertEqual(found.alloc_name, "local.general")
        self.assertEqual(found.state, 0)  # UP
        with self.assertRaises(grpc.RpcError) as e:
            self.call("report.RqdReportInterface", "ReportRqdStartup",
                      report_pb2.RqdReportRqdStartupRequest(), report_pb2.RqdReportRqdStartupResponse)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)

    def fake_rqd(self, name, procs):
        """An rqd that serves only OpenCue's LaunchFrame (recording each RunFrame in the list
        it returns) and never runs anything, booted on cuebot as host `name` with `procs`
        cores. Returns (server, launches, host, cores)."""
        launches = []
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))

        def launch(request, context):
            launches.append(request.run_frame)
            return rqd_pb2.RqdStaticLaunchFrameResponse()

        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
            "rqd.RqdInterface", {"LaunchFrame": grpc.unary_unary_rpc_method_handler(
                launch, request_deserializer=rqd_pb2.RqdStaticLaunchFrameRequest.FromString,
                response_serializer=lambda m: m.SerializeToString())}),))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        host = report_pb2.RenderHost(name=name, facility="local", total_mem=8388608,
                                     free_mem=8388608, num_procs=procs, cores_per_proc=100,
                                     tags=["general"],
                                     attributes={"rqd_address": f"127.0.0.1:{port}"})
        cores = report_pb2.CoreDetail(total_cores=100 * procs, idle_cores=100 * procs)
        self.call("report.RqdReportInterface", "ReportRqdStartup",
                  report_pb2.RqdReportRqdStartupRequest(
                      boot_report=report_pb2.BootReport(host=host, core_info=cores)),
                  report_pb2.RqdReportRqdStartupResponse)
        return server, launches, host, cores

    def launch_one_layer(self, name, frame_range):
        """Submits job `name` (show testing, shot `name`): one layer "main" of `true`."""
        spec = (f"<spec><facility>local</facility><show>testing</show><shot>{name}</shot>"
                f"<user>tester</user><uid>1000</uid><job name=\"{name}\"><paused>False</paused>"
                f"<layers><layer name=\"main\" type=\"Render\"><cmd>true</cmd><range>"
                f"{frame_range}</range><chunk>1</chunk><memory>256m</memory></layer></layers>"
                f"</job><depends/></spec>")
        return self.call("job.JobInterface", "LaunchSpec", job_pb2.JobLaunchSpecRequest(spec=spec),
                         job_pb2.JobLaunchSpecResponse).names[0]

    def job_states(self, name):
        jobs = self.call("job.JobInterface", "GetJobs", job_pb2.JobGetJobsRequest(
            r=job_pb2.JobSearchCriteria(jobs=[name], include_finished=True)),
            job_pb2.JobGetJobsResponse).jobs.jobs
        return [j.state for j in jobs]

    def test_orphaned_booking_is_requeued_and_a_late_completion_is_harmless(self):
        # A fake rqd that accepts LaunchFrame and never runs anything: cuebot's booking is
        # an orphan once the host's status reports keep not listing it. The attempt that
        # runs reports its memory and GPU memory, which the frame and its proc show.
        server, launches, host, cores = self.fake_rqd("fake-rqd", 1)
        try:
            name = self.launch_one_layer("orphan", "1")

            def wait_for(pred, seconds=20):
                deadline = time.time() + seconds
                while time.time() < deadline:
                    if pred():
                        return True
                    # The rqd's periodic status report: it runs nothing.
                    self.call("report.RqdReportInterface", "ReportStatus",
                              report_pb2.RqdReportStatusRequest(host_report=report_pb2.HostReport(
                                  host=host, core_info=cores)),
                              report_pb2.RqdReportStatusResponse)
                    time.sleep(0.1)
                return pred()

            self.assertTrue(wait_for(lambda: len(launches) >= 2))
            first, second = launches[0], launches[1]
            self.assertEqual(first.frame_id, second.frame_id)
            self.assertNotEqual(first.resource_id, second.resource_id)

            def info(run, **usage):
                return report_pb2.RunningFrameInfo(resource_id=run.resource_id, job_id=run.job_id,
                                                   frame_id=run.frame_id, job_name=run.job_name,
                                                   frame_name=run.frame_name, **usage)

            # The second attempt runs and reports its memory and GPU memory (KB): OpenCue's
            # Frame, UpdatedFrame and Proc show them.
            self.call("report.RqdReportInterface", "ReportStatus",
                      report_pb2.RqdReportStatusRequest(host_report=report_pb2.HostReport(
                          host=host, core_info=cores, frames=[info(
                              second, rss=100000, max_rss=200000, used_gpu_memory=300000,
                              max_used_gpu_memory=400000)])),
                      report_pb2.RqdReportStatusResponse)
            # Usage reaches the store behind the report's reply (cuebot's report writer).
            def frame_seen():
                return self.call("job.FrameInterface", "GetFrame",
                                 job_pb2.FrameGetFrameRequest(id=second.frame_id),
                                 job_pb2.FrameGetFrameResponse).frame
            deadline = time.time() + 20
            running = frame_seen()
            while running.used_memory != 100000 and time.time() < deadline:
                time.sleep(0.05)
                running = frame_seen()
            self.assertEqual(running.state, job_pb2.RUNNING)
            self.assertEqual((running.used_memory, running.max_rss), (100000, 200000))
            self.assertEqual((running.used_gpu_memory, running.max_gpu_memory), (300000, 400000))
            job = self.call("job.JobInterface", "FindJob", job_pb2.JobFindJobRequest(name=name),
                            job_pb2.JobFindJobResponse).job
            listed = self.call("job.JobInterface", "GetFrames", job_pb2.JobGetFramesRequest(
                job=job, req=job_pb2.FrameSearchCriteria(page=1, limit=10)),
                job_pb2.JobGetFramesResponse).frames.frames
            self.assertEqual([(f.used_gpu_memory, f.max_gpu_memory) for f in listed],
                             [(300000, 400000)])
            updated = self.call("job.JobInterface", "GetUpdatedFrames",
                                job_pb2.JobGetUpdatedFramesRequest(job=job, last_check=1),
                                job_pb2.JobGetUpdatedFramesResponse).updated_frames.updated_frames
            self.assertEqual([(f.used_gpu_memory, f.max_gpu_memory) for f in updated],
                             [(300000, 400000)])
            procs = self.call("host.ProcInterface", "GetProcs", host_pb2.ProcGetProcsRequest(
                r=host_pb2.ProcSearchCriteria(hosts=["fake-rqd"])),
                host_pb2.ProcGetProcsResponse).procs.procs
            self.assertEqual([(p.id, p.used_gpu_memory) for p in procs],
                             [(second.resource_id, 300000)])

            # The second attempt completes with a higher peak; a late completion of the
            # orphan changes nothing (not even with a higher peak still).
            for run, peak in ((second, 500000), (first, 900000)):
                self.call("report.RqdReportInterface", "ReportRunningFrameCompletion",
                          report_pb2.RqdReportRunningFrameCompletionRequest(
                              frame_complete_report=report_pb2.FrameCompleteReport(
                                  host=host, frame=info(run, max_used_gpu_memory=peak),
                                  exit_status=0, run_time=1)),
                          report_pb2.RqdReportRunningFrameCompletionResponse)
        finally:
            server.stop(0)
        self.assertEqual(self.job_states(name), [job_pb2.FINISHED])
        frame = self.call("job.FrameInterface", "GetFrame",
                          job_pb2.FrameGetFrameRequest(id=launches[1].frame_id),
                          job_pb2.FrameGetFrameResponse).frame
        self.assertEqual(frame.state, job_pb2.SUCCEEDED)
        self.assertEqual(frame.retry_count, 0)
        self.assertEqual(frame.max_gpu_memory, 500000)
        self.assertEqual(frame.max_rss, 200000)

    def test_an_opencue_rqd_gets_one_launch_per_frame_and_completions_go_together(self):
        # An rqd as OpenCue's Python RQD serves it: LaunchFrame only, so cuebot's Cue
        # LaunchFrames is UNIMPLEMENTED here and each frame comes in a LaunchFrame of its own.
        # Its completions then go in one Cue ReportRunningFrameCompletions, answered each.
        server, launches, host, cores = self.fake_rqd("fake-rqd-3", 3)
        try:
            name = self.launch_one_layer("together", "1-3")
            deadline = time.time() + 20
            while len(launches) < 3 and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(sorted(r.frame_name for r in launches),
                             ["0001-main", "0002-main", "0003-main"])

            def done(run, exit_status=0):
                return report_pb2.FrameCompleteReport(
                    host=host, exit_status=exit_status, run_time=1,
                    frame=report_pb2.RunningFrameInfo(
                        resource_id=run.resource_id, job_id=run.job_id, frame_id=run.frame_id,
                        job_name=run.job_name, frame_name=run.frame_name))

            first, second, third = sorted(launches, key=lambda r: r.frame_name)
            # Two frames, one report naming no frame, a repeat, the last frame.
            answer = self.call(
                "cue.ext.ReportInterface", "ReportRunningFrameCompletions",
                cue_report_pb2.RunningFrameCompletionsRequest(frame_complete_reports=[
                    done(first), done(second), report_pb2.FrameCompleteReport(host=host),
                    done(first), done(third)]),
                cue_report_pb2.RunningFrameCompletionsResponse)
            codes = [r.code for r in answer.results]
            self.assertEqual(codes, [0, 0, grpc.StatusCode.INVALID_ARGUMENT.value[0], 0, 0])
            self.assertIn("frame_id", answer.results[2].message)
        finally:
            server.stop(0)
        self.assertEqual(self.job_states(name), [job_pb2.FINISHED])
        self.assertEqual(len(launches), 3)  # each frame launched once
        for run in launches:
            frame = self.call("job.FrameInterface", "GetFrame",
                              job_pb2.FrameGetFrameRequest(id=run.frame_id),
                              job_pb2.FrameGetFrameResponse).frame
            self.assertEqual((frame.state, frame.retry_count), (job_pb2.SUCCEEDED, 0))


if __name__ == "__main__":
    unittest.main(verbosity=2)
