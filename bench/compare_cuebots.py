#!/usr/bin/python3
"""Compares cuebot binaries on one simulator scenario: runs alternate between them (A, B,
A, B, ...), one at a time, each on a fresh store, and the figures are printed as ranges
and medians side by side. On a machine where identical runs differ by tens of percent, a
change is only visible in runs made side by side like this. A measurement, never a test.

    bench/compare_cuebots.py [--scenario churn] [--runs 3] [--sim build/bench/farm_sim]
                             [--pg-url-file FILE] [--json FILE] CUEBOT [CUEBOT ...]
                             [-- more farm_sim arguments]

--pg-url-file: the file `cue_pg_test_server start FILE` writes; each run then gets a
database of its own on that server (created and dropped with psql).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (label, how to read it from farm_sim's --json)
FIGURES = [
    ("frames booked/s", lambda j: j["booked_per_s"]),
    ("host reports ingested/s", lambda j: j["reports_per_s"]),
    ("proc freed -> next launch p50 (ms)", lambda j: j["free_to_launch_ms"]["p50"]),
    ("proc freed -> next launch p99 (ms)", lambda j: j["free_to_launch_ms"]["p99"]),
    ("proc freed -> next launch max (ms)", lambda j: j["free_to_launch_ms"]["max"]),
    ("cold fill to 95% (s)", lambda j: j["cold_fill_95_s"]),
    ("submission (s)", lambda j: j["submit_s"]),
    ("cuebot CPU (s)", lambda j: j["cuebot_cpu_s"]),
    ("cuebot peak RSS (MB)", lambda j: j["cuebot_peak_rss_mb"]),
    ("store (MB)", lambda j: j["store_mb"]),
    # the machine: each CPU timed on one fixed piece of work before the run (farm_sim)
    ("fastest CPU on the probe (ms)", lambda j: min(j.get("cpu_probe_ms") or [0])),
    ("slowest CPU on the probe (ms)", lambda j: max(j.get("cpu_probe_ms") or [0])),
]


def psql(url, sql):
    subprocess.run(["psql", url, "-qc", sql], check=True)


def run_once(args, cuebot, extra):
    with tempfile.TemporaryDirectory(prefix="cue-compare-") as tmp:
        out = os.path.join(tmp, "run.json")
        cmd = [args.sim, args.scenario, "--cuebot", cuebot, "--dir", os.path.join(tmp, "sim"),
               "--json", out] + extra
        db = None
        if args.pg_url_file:
            with open(args.pg_url_file) as f:
                url = f.readline().strip()
            db = f"compare{random.randrange(1 << 30)}"
            psql(url, f"CREATE DATABASE {db}")
            cmd += ["--db", url.rsplit("/", 1)[0] + "/" + db]
        try:
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0 or not os.path.exists(out):
                sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
            with open(out) as f:
                return json.load(f)
        finally:
            if db:
                psql(url, f"DROP DATABASE {db}")


def spread(values):
    if not values:
        return "-"
    lo, hi, med = min(values), max(values), statistics.median(values)
    fmt = (lambda v: f"{v:,.0f}") if max(abs(v) for v in values) >= 100 else (lambda v: f"{v:.2f}")
    if len(values) == 1:
        return fmt(lo)
    return f"{fmt(lo)}-{fmt(hi)} (median {fmt(med)})"


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="churn")
    ap.add_argument("--runs", type=int, default=3, help="runs of each cuebot")
    ap.add_argument("--sim", default=os.path.join(ROOT, "build", "bench", "farm_sim"))
    ap.add_argument("--pg-url-file")
    ap.add_argument("--json", help="write every run's figures here")
    ap.add_argument("cuebots", nargs="+")
    args = ap.parse_args(argv)
    results = {c: [] for c in args.cuebots}
    for i in range(args.runs):
        for c in args.cuebots:
            r = run_once(args, c, extra)
            failed = [a["name"] for a in r["audits"] if not a["passed"]]
            print(f"run {i + 1}, {c}: {r['booked_per_s']:.0f} frames/s, "
                  f"p99 {r['free_to_launch_ms']['p99']:.2f} ms, "
                  f"audits {'FAILED: ' + '; '.join(failed) if failed else 'pass'}", flush=True)
            results[c].append(r)
    print(f"\n{args.scenario}: runs alternating, {args.runs} of each\n")
    print("| figure | " + " | ".join(args.cuebots) + " |")
    print("| --- |" + " --- |" * len(args.cuebots))
    for label, get in FIGURES:
        cells = []
        for c in args.cuebots:
            vals = [get(r) for r in results[c]]
            vals = [v for v in vals if v is not None and v > 0]  # 0 or -1: not measured
            cells.append(spread(vals))
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
