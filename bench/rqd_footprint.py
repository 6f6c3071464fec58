#!/usr/bin/python3
"""The footprint of a render-host daemon on this machine: its idle memory, its idle CPU, and
its own CPU per frame launched and reaped. Cue's rqd, and (when a checkout is given) OpenCue's
Python RQD, each alone against a fresh Cue cuebot on loopback. A measurement, never a test;
results go to docs/PERFORMANCE.md.

    bench/rqd_footprint.py [--build DIR] [--opencue-rqd OPENCUE_SOURCE_DIR]
                           [--cue-rqd-variant "--no-cgroups"] [--idle-seconds 60]
                           [--frames 500] [--json FILE|-] [--keep]

For each rqd:
  idle RSS     VmRSS (/proc/PID/status) once the host is UP and a settle has passed, and its
               split from /proc/PID/smaps_rollup: anon = Anonymous, file = Rss - Anonymous;
  idle CPU     CPU time of the rqd's threads (/proc/PID/task/*/schedstat, ns resolution; not
               its children) over --idle-seconds, as CPU seconds per minute;
  per frame    the same utime+stime delta from the launch of one job of --frames `/bin/true`
               frames (chunk 1) until cuebot counts every frame finished, divided by the frames;
               "net" also takes away the idle rate over that wall time.

OpenCue's RQD runs from OPENCUE_SOURCE_DIR/rqd with /usr/bin/python3 (Debian packages
python3-grpcio, python3-protobuf, python3-psutil, python3-grpc-tools); its protos are compiled
from OPENCUE_SOURCE_DIR/proto/src as its build hook does (python3 -m grpc_tools.protoc). It
listens on 8444, the port cuebot assumes for an rqd that reports none, which must be free.
"""
import argparse
import json
import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TICK = os.sysconf("SC_CLK_TCK")
OPENCUE_RQD_PORT = 8444  # Cue's cuebot reaches an rqd without an rqd_port attribute here
HOST_UP = 0  # host.HardwareState UP


# ---- /proc readings ----
def cpu_times(pid):
    """(utime, stime) of the process itself, all its threads, not its children: fields 14
    and 15 of /proc/PID/stat, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # fields from 3 (state) on
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def cpu_seconds(pid):
    return sum(cpu_times(pid))


def run_seconds(pid):
    """CPU time of all the process's live threads in nanosecond resolution (the first field
    of /proc/PID/task/*/schedstat), in seconds: for the idle window, where a 10 ms tick is
    as large as the figure measured."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    return total / 1e9


def thread_runs(pid):
    """{tid: (name, ns on CPU, timeslices)} of the process's live threads, from
    /proc/PID/task/*/{comm,schedstat}: where the idle CPU goes and how often each wakes."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns, _, slices = (int(x) for x in f.read().split())
            out[tid] = (name, ns, slices)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def idle_by_thread(before, after, seconds):
    """Per thread name: CPU ms and wake-ups per minute over the idle window."""
    rows = {}
    for tid, (name, ns, slices) in after.items():
        _, ns0, slices0 = before.get(tid, (name, 0, 0))
        ms, wakes = rows.get(name, (0.0, 0.0))
        rows[name] = (ms + (ns - ns0) / 1e6 * 60 / seconds,
                      wakes + (slices - slices0) * 60 / seconds)
    return dict(sorted(rows.items(), key=lambda kv: -kv[1][0]))


def kb_fields(path, names):
    with open(path) as f:
        values = dict(re.findall(r"^(\w+):\s+(\d+) kB", f.read(), re.M))
    return {n: int(values[n]) for n in names}


def memory(pid):
    status = kb_fields(f"/proc/{pid}/status", ["VmRSS", "VmHWM"])
    rollup = kb_fields(f"/proc/{pid}/smaps_rollup", ["Rss", "Anonymous"])
    return {"rss_kb": status["VmRSS"], "hwm_kb": status["VmHWM"],
            "anon_kb": rollup["Anonymous"], "file_kb": rollup["Rss"] - rollup["Anonymous"]}


# ---- the two rqds ----
def start_cue_rqd(farm, build, host, extra=()):
    """Cue's rqd with its default intervals (reports every 10 s, samples every 5 s). With
    --no-load, as rqds that share a machine run: the load average it would report is this
    machine's (cuebot's, the bench's, the last run's), on 2 cores enough for cuebot to give
    it no frame until a later report, which made the wall time of a run vary from 4 to 45 s."""
    argv = [f"{build}/src/rqd/rqd", "--cuebot", f"127.0.0.1:{farm.port}", "--port", "0",
            "--hostname", host, "--address", "127.0.0.1", "--log-root", farm.log_root,
            "--spool-dir", os.path.join(farm.dir, "spool"), "--no-gpu",
            "--no-load"] + list(extra)
    with open(os.path.join(farm.dir, "rqd.log"), "w") as log:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=farm.dir)


OPENCUE_CONF = """[Override]
OVERRIDE_CUEBOT = 127.0.0.1
CUEBOT_GRPC_PORT = {cuebot_port}
RQD_GRPC_PORT = {rqd_port}
OVERRIDE_HOSTNAME = {host}
OVERRIDE_NIMBY = False
RQD_BECOME_JOB_USER = True
"""


def compile_opencue_protos(opencue, out):
    """OpenCue's proto/build_hooks.py, done by hand: compile to opencue_proto/, then make
    the imports between the generated modules relative."""
    pkg = os.path.join(out, "opencue_proto")
    os.makedirs(pkg)
    src = os.path.join(opencue, "proto", "src")
    subprocess.check_call([sys.executable, "-m", "grpc_tools.protoc", f"-I={src}",
                           f"--python_out={pkg}", f"--grpc_python_out={pkg}"] +
                          sorted(os.path.join(src, f) for f in os.listdir(src)
                                 if f.endswith(".proto")), stderr=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, os.path.join(opencue, "proto",
                                                        "fix_compiled_proto.py"), pkg])
    open(os.path.join(pkg, "__init__.py"), "w").close()


def start_opencue_rqd(farm, opencue, host):
    """OpenCue's RQD from source, configured by an rqd.conf passed with -c."""
    with socket.socket(socket.AF_INET6) as s:  # it listens on [::]:8444
        try:
            s.bind(("::", OPENCUE_RQD_PORT))
        except OSError as e:
            raise RuntimeError(f"port {OPENCUE_RQD_PORT}, which OpenCue's RQD needs: {e}")
    py = os.path.join(farm.dir, "py")
    compile_opencue_protos(opencue, py)
    conf = os.path.join(farm.dir, "rqd.conf")
    with open(conf, "w") as f:
        f.write(OPENCUE_CONF.format(cuebot_port=farm.port, rqd_port=OPENCUE_RQD_PORT,
                                    host=host))
    # Its command files, /usr/bin/time outputs and frames' working dirs go to TMPDIR: here,
    # so that what it leaves behind goes with the farm.
    tmp = os.path.join(farm.dir, "tmp")
    os.makedirs(tmp)
    os.chmod(tmp, 0o1777)
    env = dict(os.environ, PYTHONPATH=f"{opencue}/rqd:{py}", TMPDIR=tmp)
    with open(os.path.join(farm.dir, "rqd.log"), "w") as log:
        return subprocess.Popen([sys.executable, "-m", "rqd", "-c", conf, "--nimbyoff"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=farm.dir)


# ---- one measurement ----
def measure(cuefarm, label, host, start, args, user):
    farm = cuefarm.Farm()
    os.chmod(farm.dir, 0o777)  # frames run as the job's user and log under it
    os.chmod(farm.log_root, 0o777)
    rqd = None
    try:
        rqd = start(farm, host)
        farm.wait_until(lambda: rqd.poll() is not None or any(
            h.name == host and h.state == HOST_UP for h in farm.hosts()),
            seconds=60, what=f"{label} to report UP")
        if rqd.poll() is not None:
            raise RuntimeError(f"{label} exited with {rqd.returncode}; see {farm.dir}/rqd.log")
        pid = rqd.pid
        time.sleep(args.settle)  # the measurement window, not a synchronisation
        idle_mem = memory(pid)
        c0, t0, th0 = run_seconds(pid), time.monotonic(), thread_runs(pid)
        time.sleep(args.idle_seconds)  # the measurement window
        idle_window = time.monotonic() - t0
        idle_rate = (run_seconds(pid) - c0) / idle_window
        idle_threads = idle_by_thread(th0, thread_runs(pid), idle_window)

        n = args.frames
        spec = cuefarm.simple_spec("footprint", layers=(("true", "/bin/true", f"1-{n}"),),
                                   user=user)
        u0, s0 = cpu_times(pid)
        t0 = time.monotonic()
        job = farm.launch(spec)[0]

        def finished():
            s = farm.get_job(job.id).job_stats
            return s.succeeded_frames + s.dead_frames >= n and s
        stats = farm.wait_until(finished, seconds=args.frame_timeout,
                                what=f"{n} frames on {label}")
        wall = time.monotonic() - t0
        u1, s1 = cpu_times(pid)
        busy = u1 - u0 + s1 - s0
        after = memory(pid)
        time.sleep(args.rest)  # the measurement window: at rest again after the job
        return {"rqd": label, "pid": pid, "idle": idle_mem, "after_frames": after,
                "rest_after_frames": memory(pid),
                "idle_cpu_s_per_min": idle_rate * 60, "idle_by_thread": idle_threads,
                "frames": n,
                "succeeded": stats.succeeded_frames, "dead": stats.dead_frames,
                "wall_s": wall, "frames_per_s": n / wall, "cpu_s": busy, "utime_s": u1 - u0,
                "stime_s": s1 - s0,
                "ms_per_frame": busy / n * 1000,
                "ms_per_frame_net": (busy - idle_rate * wall) / n * 1000}
    finally:
        if rqd is not None and rqd.poll() is None:
            rqd.terminate()
            try:
                rqd.wait(15)
            except subprocess.TimeoutExpired:
                rqd.kill()
                rqd.wait()
        farm.stop()
        if args.keep:
            print(f"{label}: kept {farm.dir}", file=sys.stderr)
        else:
            farm.cleanup()


def print_table(rows, args):
    mb = lambda kb: f"{kb / 1024:.1f}"  # noqa: E731
    print(f"settle {args.settle:g} s, idle window {args.idle_seconds:g} s, "
          f"{args.frames} /bin/true frames; rqd's own utime+stime only")
    head = ("rqd", "idle RSS MB", "anon MB", "file MB", "idle CPU s/min", "frames ok/dead",
            "wall s", "ms CPU/frame", "user/sys ms", "net ms/frame", "RSS after MB",
            "RSS at rest MB")
    w = [max(18, *(len(r["rqd"]) for r in rows)), 11, 8, 8, 14, 14, 7, 12, 11, 12, 12, 14]
    print(" ".join(h.rjust(x) if i else h.ljust(x) for i, (h, x) in enumerate(zip(head, w))))
    for r in rows:
        cells = (r["rqd"], mb(r["idle"]["rss_kb"]), mb(r["idle"]["anon_kb"]),
                 mb(r["idle"]["file_kb"]), f"{r['idle_cpu_s_per_min']:.3f}",
                 f"{r['succeeded']}/{r['dead']}", f"{r['wall_s']:.1f}",
                 f"{r['ms_per_frame']:.2f}",
                 f"{r['utime_s'] / r['frames'] * 1000:.1f}/{r['stime_s'] / r['frames'] * 1000:.1f}",
                 f"{r['ms_per_frame_net']:.2f}",
                 mb(r["after_frames"]["rss_kb"]), mb(r["rest_after_frames"]["rss_kb"]))
        print(" ".join(c.rjust(x) if i else c.ljust(x) for i, (c, x) in enumerate(zip(cells, w))))
    for r in rows:
        print(f"{r['rqd']}: idle CPU ms/min and wake-ups/min by thread: " + ", ".join(
            f"{name} {ms:.1f} ms/{wakes:.0f}" for name, (ms, wakes) in r["idle_by_thread"].items()
            if ms >= 0.05 or wakes >= 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--opencue-rqd", metavar="OPENCUE_SOURCE_DIR",
                    help="also measure OpenCue's Python RQD from this checkout")
    ap.add_argument("--no-cue-rqd", action="store_true", help="skip Cue's rqd")
    ap.add_argument("--cue-rqd-variant", metavar="ARGS", action="append", default=[],
                    help="also measure Cue's rqd with these extra flags (e.g. --no-cgroups)")
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--settle", type=float, default=5)
    ap.add_argument("--rest", type=float, default=15,
                    help="seconds after the job before RSS is read again (rqd at rest)")
    ap.add_argument("--frames", type=int, default=500)
    ap.add_argument("--frame-timeout", type=float, default=1800)
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs (logs)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the figures as JSON to FILE ('-': to stdout, no table)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    os.environ.setdefault("CUEBOT_BIN", f"{build}/src/cuebot/cuebot")
    os.environ.setdefault("RQD_BIN", f"{build}/src/rqd/rqd")
    os.environ.setdefault("CUE_PROTO_DIR", f"{ROOT}/proto")
    sys.path.insert(0, f"{ROOT}/tests/integration/api")
    import cuefarm  # noqa: E402

    try:  # frames run as the job's user: the spec's uid (1000) must name an account here
        user = pwd.getpwuid(1000).pw_name
    except KeyError:
        sys.exit("no account with uid 1000 here, which the job's frames run as")
    runs = []
    if not args.no_cue_rqd:
        runs.append(("Cue rqd", "footprint-host",
                     lambda farm, host: start_cue_rqd(farm, build, host)))
    for variant in args.cue_rqd_variant:
        runs.append((f"Cue rqd {variant}", "footprint-host",
                     lambda farm, host, v=shlex.split(variant):
                     start_cue_rqd(farm, build, host, v)))
    if args.opencue_rqd:
        opencue = os.path.abspath(args.opencue_rqd)
        # Named by its address: cuebot reaches an rqd that reports no port at NAME:8444.
        runs.append(("OpenCue RQD (py)", "127.0.0.1",
                     lambda farm, host: start_opencue_rqd(farm, opencue, host)))
    rows = [measure(cuefarm, *run, args, user) for run in runs]
    if args.json == "-":
        print(json.dumps(rows, indent=2))
        return
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    print_table(rows, args)


if __name__ == "__main__":
    main()
