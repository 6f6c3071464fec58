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
    head = proc.stdout.read(1)
    first = time.perf_counter() - start
    rest = proc.stdout.read()
    proc.wait()
    return first, time.perf_counter() - start, proc.returncode, len(head) + len(rest)


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
        everything = f"-limit {a.frames}"
        # (label, argv, environment)
        commands = [
            ("Cue cueadmin -ls", [f"{build}/src/cli/cueadmin", "-ls"], env),
            ("Cue cueman -lf JOB", [f"{build}/src/cli/cueman", "-lf", job], env),
            (f"Cue cueman -lf JOB {everything}",
             [f"{build}/src/cli/cueman", "-lf", job] + everything.split(), env),
        ]
        if a.opencue:
            oc = os.path.abspath(a.opencue)
            py_env = dict(env, PYTHONPATH=":".join(
                f"{oc}/{p}" for p in ["py", "pycue", "cueadmin", "cueman"]))
            py = ["/usr/bin/python3", "-m"]
            commands += [
                ("OpenCue cueadmin -ls", py + ["cueadmin", "-ls"], py_env),
                ("OpenCue cueman -lf JOB", py + ["cueman", "-lf", job], py_env),
                (f"OpenCue cueman -lf JOB {everything}",
                 py + ["cueman", "-lf", job] + everything.split(), py_env),
            ]
        print(f"cuebot {server}, one paused job of {a.frames} frames; median of {a.runs} runs")
        print(f"{'command':38s} {'first output':>13s} {'exit':>9s} {'bytes':>9s}")
        for name, argv, e in commands:
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
