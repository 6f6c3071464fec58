#!/usr/bin/python3
"""Where a frame's turn goes in the drain bench: the steps of each frame's life, from the
logs that `DRAIN_BENCH_LOGS=DIR build/bench/drain_bench ...` copies into DIR (cuebot at
debug level, rqd at info level; timestamps to the millisecond). A measurement, never a test.

    DRAIN_BENCH_LOGS=/tmp/dl build/bench/drain_bench 2000 4 2 /bin/true
    bench/drain_timeline.py /tmp/dl

Steps, per frame (milliseconds; each log line is stamped when its step is over):
  ended -> next launched   rqd saw the frame end; cuebot's LaunchFrame of the next frame
                           on that host was answered (the completion's report, its commit
                           with the booking that replaces it, the LaunchFrame call);
  launched -> started      rqd answered the LaunchFrame; it has spawned the frame (log,
                           cgroups, fork and exec);
  started -> ended         the frame ran and rqd reaped it;
  ended -> completed       rqd saw the frame end; cuebot has committed its completion.
"""
import datetime
import glob
import os
import re
import sys

STAMP = "%Y-%m-%d %H:%M:%S.%f"


def stamp(line):
    return datetime.datetime.strptime(line[:23], STAMP).timestamp() * 1000.0


def read(d):
    launched = {}  # frame name -> (ms, host)
    completed = {}  # frame id -> ms
    started, ended, names = {}, {}, {}
    with open(os.path.join(d, "cuebot.log"), errors="replace") as f:
        for line in f:
            m = re.search(r"\[dispatch\] launched \S+/(\S+) on (\S+) \(", line)
            if m:
                launched[m.group(1)] = (stamp(line), m.group(2))
            m = re.search(r"\] frame (\S+) on \S+ exited ", line)
            if m:
                completed[m.group(1)] = stamp(line)
    for path in glob.glob(os.path.join(d, "rqd-*.log")):
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"\] frame \S+/(\S+) \((\S+)\) (started|ended):", line)
                if m:
                    names[m.group(2)] = m.group(1)
                    (started if m.group(3) == "started" else ended)[m.group(1)] = stamp(line)
    completed = {names[i]: t for i, t in completed.items() if i in names}
    return launched, started, ended, completed


def summary(label, values):
    if not values:
        return f"{label:26} -"
    v = sorted(values)
    pick = lambda p: v[min(len(v) - 1, int(p * len(v)))]
    return (f"{label:26} n={len(v):5d}  mean {sum(v) / len(v):6.2f}  p50 {pick(0.5):5.1f}  "
            f"p90 {pick(0.9):5.1f}  p99 {pick(0.99):5.1f}  max {v[-1]:5.1f}")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    launched, started, ended, completed = read(argv[1])
    # The next frame on a host: the first launch there, not yet taken, after the end.
    by_host = {}
    for name, (t, host) in launched.items():
        by_host.setdefault(host, []).append((t, name))
    for launches in by_host.values():
        launches.sort()
    turn, taken = [], set()
    for name, t_end in ended.items():
        if name not in launched:
            continue
        for t, nxt in by_host[launched[name][1]]:
            if t >= t_end and nxt not in taken:
                taken.add(nxt)
                turn.append(t - t_end)
                break
    print(summary("ended -> next launched", turn))
    print(summary("launched -> started",
                  [started[n] - launched[n][0] for n in started if n in launched]))
    print(summary("started -> ended", [ended[n] - started[n] for n in ended if n in started]))
    print(summary("ended -> completed", [completed[n] - ended[n] for n in completed if n in ended]))


if __name__ == "__main__":
    main(sys.argv)
