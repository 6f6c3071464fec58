"""A real farm for protocol tests: one cuebot (SQLite in a temp dir) and real rqd processes,
on loopback, on free ports. Messages come from Cue's own .proto files compiled for Python
(protoc --python_out); calls are made by method path exactly as pycue's generated stubs make
them, so what passes here is what OpenCue's Python tools see.

Environment (set by CTest): CUEBOT_BIN, RQD_BIN, CUE_PROTO_DIR, CUE_SPEC_DIR.

    farm = Farm(rqds=[RqdSpec("host-a", cores=4)])
    job = farm.launch(spec_xml)[0]
    farm.call("job.JobInterface", "Pause", job_pb2.JobPauseRequest(job=job))
    farm.wait_until(lambda: farm.frame_states(job) == {...})
    farm.stop()
"""
import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import grpc  # noqa: E402

CUEBOT_BIN = os.environ.get("CUEBOT_BIN", "")
RQD_BIN = os.environ.get("RQD_BIN", "")
PROTO_DIR = os.environ.get("CUE_PROTO_DIR", "")
SPEC_DIR = os.environ.get("CUE_SPEC_DIR", "")

_GEN = tempfile.mkdtemp(prefix="cue-pyproto-")
atexit.register(shutil.rmtree, _GEN, True)
subprocess.check_call(["protoc", f"-I{PROTO_DIR}", f"--python_out={_GEN}"] +
                      sorted(f for f in os.listdir(PROTO_DIR) if f.endswith(".proto")),
                      cwd=PROTO_DIR)
sys.path.insert(0, _GEN)

# Every generated module, by proto file name: pb["job"] is job_pb2.
pb = {f[:-6]: importlib.import_module(f[:-6] + "_pb2")
      for f in os.listdir(PROTO_DIR) if f.endswith(".proto")}


def response_type(request):
    """JobGetJobsRequest -> JobGetJobsResponse, from the request's own module.
    ShowGetSubscriptionRequest is OpenCue's one irregular pair and maps the same way."""
    module = sys.modules[type(request).__module__]
    name = type(request).__name__
    assert name.endswith("Request"), name
    return getattr(module, name[:-len("Request")] + "Response")


def _read(path):
    with open(path) as f:
        return f.read()


class RqdSpec:
    def __init__(self, name, cores=2, memory_mb=4096, tags="general", extra_args=()):
        self.name, self.cores, self.memory_mb, self.tags = name, cores, memory_mb, tags
        self.extra_args = list(extra_args)


def simple_spec(name, show="testing", shot="api", layers=(("main", "true", "1-4"),),
                paused=False, memory="256m", user="tester", priority=None):
    """A one-job spec in CJSL 1.13: layers are (name, command, range)."""
    xml_layers = "".join(
        f'<layer name="{n}" type="Render"><cmd>{c}</cmd><range>{r}</range><chunk>1</chunk>'
        f"<memory>{memory}</memory></layer>" for n, c, r in layers)
    prio = f"<priority>{priority}</priority>" if priority is not None else ""
    return ("<?xml version=\"1.0\"?>"
            "<!DOCTYPE spec PUBLIC \"SPI Cue Specification Language\" "
            "\"http://localhost:8080/spcue/dtd/cjsl-1.13.dtd\">"
            f"<spec><facility>local</facility><show>{show}</show><shot>{shot}</shot>"
            f"<user>{user}</user><uid>1000</uid><job name=\"{name}\">"
            f"<paused>{paused}</paused>{prio}<layers>{xml_layers}</layers></job>"
            "<depends/></spec>")


def store_url(farm_dir):
    """The cuebot's --db for a farm: a SQLite file in its directory or, when
    CUE_TEST_POSTGRES_URL_FILE names ctest's PostgreSQL server, a new database of its own
    there. Skips the test, saying why, when that server could not be started."""
    url_file = os.environ.get("CUE_TEST_POSTGRES_URL_FILE", "")
    if not url_file:
        return os.path.join(farm_dir, "cue.db")
    admin = _read(url_file).splitlines()[0].strip() if os.path.exists(url_file) else ""
    if not admin or admin.startswith("unavailable"):
        raise unittest.SkipTest("PostgreSQL is not available here: " + (admin or url_file))
    name = "cue_py_%d_%s" % (os.getpid(), os.path.basename(farm_dir).replace("-", "_").lower())
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c", f"CREATE DATABASE {name}"],
                   check=True, stdout=subprocess.DEVNULL)
    return admin.rsplit("/", 1)[0] + "/" + name


class Farm:
    def __init__(self, rqds=(), cuebot_args=(), keep_logs=False):
        self.dir = tempfile.mkdtemp(prefix="cue-apitest-")
        self.log_root = os.path.join(self.dir, "logs")
        os.makedirs(self.log_root)
        # Frames run as uid 1000 when rqd is root and create their job's log directory
        # with their own rights: the log root is open to them, as a show's log area is.
        os.chmod(self.dir, 0o755)
        os.chmod(self.log_root, 0o1777)
        port_file = os.path.join(self.dir, "port")
        self._cuebot_log = open(os.path.join(self.dir, "cuebot.log"), "w")
        self.cuebot = subprocess.Popen(
            [CUEBOT_BIN, "--port", "0", "--bind", "127.0.0.1", "--db",
             store_url(self.dir), "--port-file", port_file, "--log-root",
             self.log_root, "--orphan-grace", "5", "--sweep-interval-ms", "200",
             "--log-level", "debug"] + list(cuebot_args),
            stdout=self._cuebot_log, stderr=subprocess.STDOUT)
        self._wait_file(port_file, self.cuebot)
        self.port = int(_read(port_file).strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.rqds = {}
        for r in rqds:
            self.start_rqd(r)
        if rqds:
            names = {r.name for r in rqds}
            self.wait_until(lambda: names <= {h.name for h in self.hosts() if h.state == 0},
                            what="rqds to report")

    @staticmethod
    def _wait_file(path, proc, seconds=30):
        deadline = time.time() + seconds
        while not os.path.exists(path) or not _read(path).strip():
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode}")
            if time.time() > deadline:
                raise RuntimeError(f"{path} never appeared")
            time.sleep(0.02)

    def start_rqd(self, r):
        spool = os.path.join(self.dir, "spool-" + r.name)
        log = open(os.path.join(self.dir, f"rqd-{r.name}.log"), "w")
        argv = [RQD_BIN, "--cuebot", f"127.0.0.1:{self.port}", "--port", "0", "--hostname",
                r.name, "--address", "127.0.0.1", "--log-root", self.log_root, "--tags", r.tags,
                "--cores", str(r.cores), "--memory-mb", str(r.memory_mb), "--report-interval",
                "1", "--spool-dir", spool, "--retry-max", "2", "--sample-interval", "1",
                "--no-load", "--no-gpu"] + r.extra_args
        self.rqds[r.name] = (subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), log)

    def stop(self):
        for proc, log in self.rqds.values():
            proc.terminate()
        for proc, log in self.rqds.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        self.channel.close()
        self.cuebot.terminate()
        try:
            self.cuebot.wait(10)
        except subprocess.TimeoutExpired:
            self.cuebot.kill()
        self._cuebot_log.close()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def cuebot_log(self):
        return _read(os.path.join(self.dir, "cuebot.log"))

    def alive(self):
        return self.cuebot.poll() is None

    # ---- calls ----
    def call(self, service, method, request, timeout=10):
        fn = self.channel.unary_unary(f"/{service}/{method}",
                                      request_serializer=lambda m: m.SerializeToString(),
                                      response_deserializer=response_type(request).FromString)
        return fn(request, timeout=timeout)

    def call_error(self, service, method, request):
        """The status code and details of a call expected to fail (AssertionError if OK)."""
        try:
            self.call(service, method, request)
        except grpc.RpcError as e:
            return e.code(), e.details()
        raise AssertionError(f"{service}/{method} answered OK")

    def wait_until(self, pred, seconds=30, what="condition"):
        """Polls pred (which reads cuebot's state through the API) until it is true."""
        deadline = time.time() + seconds
        while True:
            value = pred()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.05)

    # ---- shortcuts ----
    def launch(self, spec):
        job_pb2 = pb["job"]
        names = self.call("job.JobInterface", "LaunchSpec",
                          job_pb2.JobLaunchSpecRequest(spec=spec)).names
        return [self.find_job(n) for n in names]

    def find_job(self, name):
        job_pb2 = pb["job"]
        return self.call("job.JobInterface", "FindJob", job_pb2.JobFindJobRequest(name=name)).job

    def get_job(self, job_id):
        job_pb2 = pb["job"]
        return self.call("job.JobInterface", "GetJob", job_pb2.JobGetJobRequest(id=job_id)).job

    def frames(self, job, **criteria):
        job_pb2 = pb["job"]
        return list(self.call("job.JobInterface", "GetFrames", job_pb2.JobGetFramesRequest(
            job=job, req=job_pb2.FrameSearchCriteria(**criteria))).frames.frames)

    def frame_states(self, job):
        """{frame name: state name}."""
        job_pb2 = pb["job"]
        return {f.name: job_pb2.FrameState.Name(f.state) for f in self.frames(job)}

    def layers(self, job):
        job_pb2 = pb["job"]
        return list(self.call("job.JobInterface", "GetLayers",
                              job_pb2.JobGetLayersRequest(job=job)).layers.layers)

    def hosts(self, **criteria):
        host_pb2 = pb["host"]
        return list(self.call("host.HostInterface", "GetHosts", host_pb2.HostGetHostsRequest(
            r=host_pb2.HostSearchCriteria(**criteria))).hosts.hosts)

    def find_host(self, name):
        host_pb2 = pb["host"]
        return self.call("host.HostInterface", "FindHost",
                         host_pb2.HostFindHostRequest(name=name)).host

    def find_show(self, name):
        show_pb2 = pb["show"]
        return self.call("show.ShowInterface", "FindShow",
                         show_pb2.ShowFindShowRequest(name=name)).show


class FarmTestCase(unittest.TestCase):
    """One farm per test class: RQDS lists the rqds it starts."""
    RQDS = ()
    CUEBOT_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.farm = Farm(rqds=cls.RQDS, cuebot_args=cls.CUEBOT_ARGS)

    @classmethod
    def tearDownClass(cls):
        alive = cls.farm.alive()
        cls.farm.stop()
        if not alive:
            sys.stderr.write("---- cuebot log ----\n" + cls.farm.cuebot_log()[-20000:])
        cls.farm.cleanup()
        if not alive:
            raise AssertionError("cuebot died during the tests")

    def assertCode(self, code, service, method, request):
        got, details = self.farm.call_error(service, method, request)
        self.assertEqual(got, code, f"{service}/{method}: {details}")
        return details


def main():
    unittest.main(verbosity=2)
