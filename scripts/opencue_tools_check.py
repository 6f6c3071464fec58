#!/usr/bin/python3
"""Runs OpenCue's own tools, from OpenCue's source, against a local Cue farm, and prints a
table of what each command did.

    scripts/opencue_tools_check.py --opencue /path/to/OpenCue [--build build]

OpenCue's checkout is the user's (never part of this repository): its pycue, cueadmin,
cueman and pyoutline run unchanged with Debian's python3-grpcio (plus python3-yaml,
python3-future, python3-packaging, python3-typing-extensions), on messages compiled from
OpenCue's own proto/src. The farm is a real cuebot and two real rqds on free ports in a
temp dir (tests/integration/api/cuefarm.py). pyoutline refuses nothing here, but cuebot
refuses jobs that would run as root: run this as an ordinary user, or as root with
--as-user NAME for pyoutline's submission.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opencue", required=True, help="OpenCue source checkout")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--as-user", default="", help="submit pyoutline's job as this user")
    args = ap.parse_args()

    os.environ.setdefault("CUEBOT_BIN", os.path.join(args.build, "src/cuebot/cuebot"))
    os.environ.setdefault("RQD_BIN", os.path.join(args.build, "src/rqd/rqd"))
    os.environ.setdefault("CUE_PROTO_DIR", os.path.join(ROOT, "proto"))
    sys.path.insert(0, os.path.join(ROOT, "tests/integration/api"))
    import cuefarm  # noqa: E402

    gen = tempfile.mkdtemp(prefix="opencue-proto-")
    pkg = os.path.join(gen, "opencue_proto")
    os.makedirs(pkg)
    src = os.path.join(args.opencue, "proto/src")
    subprocess.check_call(["protoc", f"-I{src}", f"--python_out={pkg}", f"--grpc_out={pkg}",
                           "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] +
                          sorted(os.path.join(src, f) for f in os.listdir(src)
                                 if f.endswith(".proto")), stderr=subprocess.DEVNULL)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    subprocess.check_call([sys.executable, os.path.join(args.opencue, "proto/fix_compiled_proto.py"),
                           pkg])
    os.chmod(gen, 0o755)
    pypath = ":".join([gen] + [os.path.join(args.opencue, d)
                               for d in ("pycue", "cueadmin", "cueman", "pyoutline")])

    farm = cuefarm.Farm(rqds=[cuefarm.RqdSpec("cuehost-a", cores=2),
                              cuefarm.RqdSpec("cuehost-b", cores=2)])
    env = dict(os.environ, PYTHONPATH=pypath, CUEBOT_HOSTS=f"localhost:{farm.port}")
    results = []

    def run(what, argv, expect=None, user=""):
        cmd = list(argv)
        if user:
            home = tempfile.mkdtemp()
            subprocess.check_call(["chown", user, home])
            cmd = ["runuser", "-u", user, "--", "env", f"PYTHONPATH={pypath}",
                   f"CUEBOT_HOSTS=localhost:{farm.port}", f"HOME={home}"] + cmd
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        out = (p.stdout + p.stderr).strip()
        ok = p.returncode == 0 and "Error" not in out and (expect is None or expect(out))
        results.append((what, ok, out))
        print(f"{'PASS' if ok else 'FAIL'}  {what}\n" +
              "\n".join("      " + line for line in out.splitlines()[-12:]))
        return out

    py = sys.executable
    cueadmin = [py, "-m", "cueadmin"]
    cueman = [py, "-m", "cueman"]
    try:
        spec = cuefarm.simple_spec("tools", layers=(("render", "sleep 30", "1-6"),),
                                   paused=True)
        job = farm.launch(spec)[0].name
        run("cueadmin -ls", cueadmin + ["-ls"], lambda o: "testing" in o)
        run("cueadmin -la", cueadmin + ["-la"], lambda o: "local.general" in o)
        run("cueadmin -lb testing", cueadmin + ["-lb", "testing"])
        run("cueadmin -lh", cueadmin + ["-lh"], lambda o: "cuehost-a" in o and "cuehost-b" in o)
        run("cueadmin -lh -query cuehost-a", cueadmin + ["-lh", "cuehost-a"],
            lambda o: "cuehost-a" in o and "cuehost-b" not in o)
        run("cueadmin -lj", cueadmin + ["-lj"], lambda o: job in o)
        run("cueadmin -lp", cueadmin + ["-lp"])
        run("cueadmin -lv", cueadmin + ["-lv"])
        run("cueadmin -create-show newshow", cueadmin + ["-create-show", "newshow", "-force"])
        run("  ... -ls lists it", cueadmin + ["-ls"], lambda o: "newshow" in o)
        run("cueadmin -create-sub newshow local.general 10 20",
            cueadmin + ["-create-sub", "newshow", "local.general", "10", "20", "-force"])
        run("  ... -lb newshow lists it", cueadmin + ["-lb", "newshow"],
            lambda o: "local.general" in o)
        run("cueadmin -lock -host cuehost-b", cueadmin + ["-lock", "-host", "cuehost-b", "-force"])
        run("  ... -lh shows it LOCKED", cueadmin + ["-lh", "cuehost-b"], lambda o: "LOCKED" in o)
        run("cueadmin -unlock -host cuehost-b",
            cueadmin + ["-unlock", "-host", "cuehost-b", "-force"])
        run("cueman -lf", cueman + ["-lf", job], lambda o: "0001-render" in o)
        run("cueman -info", cueman + ["-info", job], lambda o: job in o)
        run("cueman -ll", cueman + ["-ll", job], lambda o: "render" in o)
        run("cueman -resume", cueman + ["-resume", job, "-force"])
        farm.wait_until(lambda: "RUNNING" in farm.frame_states(farm.find_job(job)).values(),
                        what="a frame to run")
        run("cueman -lp", cueman + ["-lp", job], lambda o: "cuehost" in o)
        run("cueman -pause", cueman + ["-pause", job, "-force"])
        run("cueman -eat 0006", cueman + ["-eat", job, "-layer", "render", "-range", "6",
                                          "-force"])
        run("  ... -lf shows 0006 EATEN", cueman + ["-lf", job, "-state", "EATEN"],
            lambda o: "0006-render" in o)
        run("cueman -retry 0006", cueman + ["-retry", job, "-layer", "render", "-range", "6",
                                            "-force"])
        run("cueman -kill", cueman + ["-kill", job, "-force"])
        run("pycue API calls", [py, "-c", PYCUE_SNIPPET], lambda o: "pycue ok" in o)
        with open(os.path.join(farm.dir, "outline_job.py"), "w") as f:
            f.write(OUTLINE_SNIPPET)
        os.chmod(farm.dir, 0o755)
        out = run("pyoutline launch", [py, os.path.join(farm.dir, "outline_job.py")],
                  lambda o: "launched" in o, user=args.as_user)
        if "launched" in out:
            name = out.strip().splitlines()[-1].split()[-1]

            def finished():
                jobs = farm.call("job.JobInterface", "GetJobs", cuefarm.pb["job"].JobGetJobsRequest(
                    r=cuefarm.pb["job"].JobSearchCriteria(jobs=[name], include_finished=True))
                ).jobs.jobs
                return jobs and jobs[0].state == cuefarm.pb["job"].FINISHED and jobs[0]
            j = farm.wait_until(finished, seconds=60, what="pyoutline's job to finish")
            results.append(("  ... pyoutline's job ran to the end",
                            j.job_stats.succeeded_frames == 4, str(j.job_stats)))
            print(f"PASS  pyoutline's job ran to the end: {j.job_stats.succeeded_frames} frames")
    finally:
        farm.stop()
        farm.cleanup()
    failed = [w for w, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} passed")
    for w in failed:
        print("FAILED: " + w)
    return 1 if failed else 0


PYCUE_SNIPPET = """
import opencue
shows = opencue.api.getShows()
show = opencue.api.findShow('testing')
allocs = opencue.api.getAllocations()
hosts = opencue.api.getHosts()
jobs = opencue.api.getJobs(show=['testing'], include_finished=True)
layers = jobs[0].getLayers()
frames = jobs[0].getFrames()
subs = show.getSubscriptions()
groups = show.getGroups()
limits = opencue.api.getLimits()
services = opencue.api.getDefaultServices()
print('pycue ok', len(shows), len(allocs), len(hosts), len(jobs), len(layers), len(frames),
      len(subs), len(groups), len(limits), len(services))
"""

OUTLINE_SNIPPET = """
import outline, outline.cuerun
from outline.modules.shell import Shell
ol = outline.Outline('outline_demo', shot='shot01', show='testing')
ol.add_layer(Shell('hello', command=['/bin/echo', 'hello #IFRAME#'], range='1-3'))
ol.add_layer(Shell('after', command=['/bin/true'], range='1'))
ol.get_layer('after').depend_all('hello')
jobs = outline.cuerun.launch(ol, use_pycuerun=False, pause=False)
print('launched', jobs[0].name())
"""

if __name__ == "__main__":
    sys.exit(main())
