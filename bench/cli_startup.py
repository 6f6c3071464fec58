#!/usr/bin/python3
"""Start-up to first output of the command-line tools, against a local cuebot holding one
10,000-frame job: Cue's cueadmin -ls and cueman -lf (native), beside the same commands of
OpenCue's Python tools run from their source (when a checkout is given). A measurement,
never a test; results go to docs/PERFORMANCE.md.

    bench/cli_startup.py BUILD_DIR [OPENCUE_SOURCE_DIR] [--runs N] [--frames N]

OPENCUE_SOURCE_DIR holds pycue/, cueadmin/, cueman/ and py/opencue_proto (OpenCue's
compiled protos); its tools run with /usr/bin/python3.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def first_output_and_total(argv, env):
    """Seconds to the first byte on stdout, and to exit; the exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    proc.stdout.read(1)
    first = time.perf_counter() - start
    rest = proc.stdout.read()
    proc.wait()
    return first, time.perf_counter() - start, proc.returncode, len(rest) + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("opencue", nargs="?")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--frames", type=int, default=10000)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ.setdefault("CUEBOT_BIN", f"{build}/src/cuebot/cuebot")
    os.environ.setdefault("RQD_BIN", f"{build}/src/rqd/rqd")
    os.environ.setdefault("CUE_PROTO_DIR", f"{ROOT}/proto")
    sys.path.insert(0, f"{ROOT}/tests/integration/api")
    import cuefarm  # noqa: E402

    farm = cuefarm.Farm()
    try:
        spec = cuefarm.simple_spec("startup", layers=(("render", "true", f"1-{a.frames}"),),
                                   paused=True)
        job = farm.launch(spec)[0].name
        server = f"127.0.0.1:{farm.port}"
        env = dict(os.environ, CUEBOT_HOSTS=server)
        commands = [
            ("Cue cueadmin -ls", [f"{build}/src/cli/cueadmin", "-ls"]),
            ("Cue cueman -lf JOB", [f"{build}/src/cli/cueman", "-lf", job]),
            ("Cue cueman -lf JOB -limit 10000", [f"{build}/src/cli/cueman", "-lf", job, "-limit",
                                                 str(a.frames)]),
        ]
        if a.opencue:
            oc = os.path.abspath(a.opencue)
            py_env = dict(env, PYTHONPATH=":".join(
                f"{oc}/{p}" for p in ["py", "pycue", "cueadmin", "cueman"]))
            env_for = {name: py_env for name in ["OpenCue cueadmin -ls", "OpenCue cueman -lf JOB",
                                                 "OpenCue cueman -lf JOB -limit 10000"]}
            commands += [
                ("OpenCue cueadmin -ls", ["/usr/bin/python3", "-m", "cueadmin", "-ls"]),
                ("OpenCue cueman -lf JOB", ["/usr/bin/python3", "-m", "cueman", "-lf", job]),
                ("OpenCue cueman -lf JOB -limit 10000",
                 ["/usr/bin/python3", "-m", "cueman", "-lf", job, "-limit", str(a.frames)]),
            ]
        else:
            env_for = {}
        print(f"cuebot {server}, one paused job of {a.frames} frames; median of {a.runs} runs")
        print(f"{'command':38s} {'first output':>13s} {'exit':>9s} {'bytes':>9s}")
        for name, argv in commands:
            e = env_for.get(name, env)
            first_output_and_total(argv, e)  # warm the page cache
            runs = [first_output_and_total(argv, e) for _ in range(a.runs)]
            codes = {r[2] for r in runs}
            print(f"{name:38s} {statistics.median(r[0] for r in runs) * 1000:10.1f} ms "
                  f"{statistics.median(r[1] for r in runs) * 1000:6.1f} ms {runs[0][3]:9d}"
                  + ("" if codes == {0} else f"  (exit codes {sorted(codes)})"))
    finally:
        farm.stop()
        farm.cleanup()


if __name__ == "__main__":
    main()
