#!/usr/bin/python3
"""OpenCue's CueGUI, run from its source against Cue's cuebot, on gui_bench's farm: Monitor
Jobs with 10,000 jobs and Monitor Job Details with one 100,000-frame job (issue 12's
comparison). A measurement, never a test; results go to docs/PERFORMANCE.md.

    bench/opencue_cuegui_bench.py BUILD_DIR OPENCUE_SOURCE_DIR [--jobs N] [--frames N]
                                  [--refreshes N] [--json FILE]

OPENCUE_SOURCE_DIR holds cuegui/, pycue/ and py/opencue_proto (OpenCue's compiled protos,
see bench/rqd_footprint.py); CueGUI runs with /usr/bin/python3 and Debian's PySide2 and
QtPy (apt-get install python3-pyside2.qtwidgets python3-qtpy), on Qt's offscreen platform.

The farm is gui_bench's: a cuebot on SQLite in a temp dir, N paused one-frame jobs of one
user (500 a spec) and one paused job of --frames frames. CueGUI's own widgets do the work,
as its Monitor Jobs and Monitor Job Details plugins use them: a JobMonitorTree that loads
the user's jobs ("load mine") and a FrameMonitorTree given the big job, each 1400x900 and
shown. Each view's update (the RPCs on CueGUI's thread pool, then the tree rebuilt on the UI
thread) is started directly, not on CueGUI's one-second tick, and timed to the end of the
rebuild (first rows), then to the first full render (grab of the widget); then --refreshes
more updates. A 1 ms timer on the UI thread records its longest gap. The frames view is
timed at CueGUI's default page (FrameSearch's 500 frames) and with every frame, as Cue's
Job Details shows them.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def multi_job_spec(names, user, frames="1-1"):
    """One CJSL 1.13 spec holding a paused one-layer job per name."""
    jobs = "".join(
        f'<job name="{n}"><paused>True</paused><layers><layer name="render" type="Render">'
        f"<cmd>true</cmd><range>{frames}</range><chunk>1</chunk><memory>256m</memory>"
        "</layer></layers></job>" for n in names)
    return ('<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue Specification Language" '
            '"http://localhost:8080/spcue/dtd/cjsl-1.13.dtd">'
            "<spec><facility>local</facility><show>testing</show><shot>bench</shot>"
            f"<user>{user}</user><uid>1000</uid>{jobs}<depends/></spec>")


def seed(farm, user, jobs, frames):
    """gui_bench's farm: `jobs` one-frame jobs, 500 a spec, and one job of `frames` frames."""
    job_pb2 = sys.modules["cuefarm"].pb["job"]
    for start in range(0, jobs, 500):
        names = [f"j{i:05d}" for i in range(start, min(jobs, start + 500))]
        farm.call("job.JobInterface", "LaunchSpec",
                  job_pb2.JobLaunchSpecRequest(spec=multi_job_spec(names, user)))
    big = farm.call("job.JobInterface", "LaunchSpec", job_pb2.JobLaunchSpecRequest(
        spec=multi_job_spec(["big"], user, f"1-{frames}"))).names[0]
    return big


def driver(args):
    """Runs inside CueGUI's interpreter: times its two views, prints one JSON line."""
    import time
    from qtpy import QtCore, QtWidgets  # noqa: F401 (QtWidgets: CueGUI needs it loaded)
    import cuegui
    import cuegui.FrameMonitorTree
    import cuegui.JobMonitorTree
    import cuegui.Style
    import cuegui.ThreadPool
    import opencue

    # OpenCue runs CueGUI on PySide6 under Python 3.11; Debian 12 has PySide2 5.15, whose
    # widgets refuse hasattr() before QWidget.__init__, which JobMonitorTree's constructor
    # does (in AbstractTreeWidget.startColumnsForType). The same check, on the instance dict:
    import cuegui.AbstractTreeWidget as atw

    def start_columns_for_type(self, item_type):
        if "columnPrimaryType" not in self.__dict__:
            self.columnPrimaryType = item_type
            self._AbstractTreeWidget__columnPrimaryType = item_type
            self._AbstractTreeWidget__columnInfoByType = {}
        self._AbstractTreeWidget__columnInfoByType[item_type] = []
        self._AbstractTreeWidget__columnCurrent = item_type
    atw.AbstractTreeWidget.startColumnsForType = start_columns_for_type

    app = cuegui.create_app([])
    app.settings = QtCore.QSettings(os.path.join(args.tmp, "cuegui.ini"),
                                    QtCore.QSettings.IniFormat)
    app.threadpool = cuegui.ThreadPool.ThreadPool(3, parent=app)
    cuegui.Style.init()

    gap = {"max": 0.0, "last": time.perf_counter()}

    def beat():
        now = time.perf_counter()
        gap["max"] = max(gap["max"], now - gap["last"])
        gap["last"] = now
    heartbeat = QtCore.QTimer()
    heartbeat.setTimerType(QtCore.Qt.PreciseTimer)
    heartbeat.timeout.connect(beat)
    heartbeat.start(1)

    def rss_mb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def timed_updates(tree, count, refreshes, then=None):
        """Starts tree's update refreshes+1 times, each after the last one's rebuild, and
        calls then(tree) after the first; returns (seconds to each rebuild's end, seconds to
        the first render, UI-thread gaps, rows)."""
        # CueGUI's one-second tick would start updates of its own while these are timed.
        tree._AbstractTreeWidget__ticksTimer.stop()
        done = {"at": None}
        process = tree._processUpdate

        def finish(work, objects):
            process(work, objects)
            done["at"] = time.perf_counter()
        tree._processUpdate = finish  # CueGUI's _update queues self._processUpdate
        times, render, gaps = [], None, []
        for i in range(refreshes + 1):
            done["at"] = None
            gap["max"], gap["last"] = 0.0, time.perf_counter()
            start = time.perf_counter()
            tree._update()
            while done["at"] is None:
                app.processEvents(QtCore.QEventLoop.AllEvents, 5)
            if i == 0 and then is not None:
                then(tree)
            times.append(done["at"] - start)
            if i == 0:
                tree.grab()
                render = time.perf_counter() - start
                if count() == 0:
                    raise SystemExit("CueGUI's view stayed empty")
            app.processEvents()
            gaps.append(gap["max"])
        return times, render, gaps, count()

    out = {}
    opencue.Cuebot.setHosts([args.server])
    jobs_tree = cuegui.JobMonitorTree.JobMonitorTree(None)
    jobs_tree.resize(1400, 900)
    jobs_tree.show()
    jobs_tree.setLoadMine(True)

    def load_pending(tree):
        """What JobMonitorTree.tick does first: the jobs its update found become rows."""
        pending = dict(tree._JobMonitorTree__load)
        tree._JobMonitorTree__load.clear()
        tree._processUpdate(None, pending)
    # The first update finds the user's jobs (then made rows as CueGUI's next tick would);
    # each later one reads them back, 50 a call, as CueGUI does.
    t, r, g, n = timed_updates(jobs_tree, jobs_tree.topLevelItemCount, args.refreshes,
                               then=load_pending)
    out["jobs"] = {"rows": n, "first_rows_s": t[0], "first_render_s": r,
                   "refresh_median_s": statistics.median(t[1:]) if t[1:] else None,
                   "ui_gap_max_s": max(g), "rss_mb": rss_mb()}
    jobs_tree.hide()

    job = opencue.api.findJob(args.big)
    for label, limit in (("frames_default_page", None), ("frames_all", args.frames)):
        tree = cuegui.FrameMonitorTree.FrameMonitorTree(None)
        tree.resize(1400, 900)
        tree.show()
        tree._FrameMonitorTree__setJob(job)  # what setJob's next tick does before _update
        if limit is not None:
            tree.frameSearch.options["limit"] = limit
        t, r, g, n = timed_updates(tree, tree.topLevelItemCount, args.refreshes)
        out[label] = {"rows": n, "first_rows_s": t[0], "first_render_s": r,
                      "refresh_median_s": statistics.median(t[1:]) if t[1:] else None,
                      "ui_gap_max_s": max(g), "rss_mb": rss_mb()}
        tree.hide()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out), flush=True)
    os._exit(0)  # CueGUI's pool threads never stop: Qt would abort on destroying them


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?")
    ap.add_argument("opencue", nargs="?")
    ap.add_argument("--jobs", type=int, default=10000)
    ap.add_argument("--frames", type=int, default=100000)
    ap.add_argument("--refreshes", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--server", help=argparse.SUPPRESS)
    ap.add_argument("--big", help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.driver:
        return driver(a)
    if not a.build or not a.opencue:
        ap.error("BUILD_DIR and OPENCUE_SOURCE_DIR are needed")
    build, oc = os.path.abspath(a.build), os.path.abspath(a.opencue)
    os.environ.setdefault("CUEBOT_BIN", f"{build}/src/cuebot/cuebot")
    os.environ.setdefault("CUE_PROTO_DIR", f"{ROOT}/proto")
    sys.path.insert(0, f"{ROOT}/tests/integration/api")
    import cuefarm  # noqa: E402

    user = "benchartist"
    farm = cuefarm.Farm()
    try:
        big = seed(farm, user, a.jobs, a.frames)
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", USER=user, LOGNAME=user,
                       HOME=tmp, PYTHONPATH=":".join(
                           f"{oc}/{p}" for p in ["py", "pycue", "cuegui"]))
            res = subprocess.run(
                ["/usr/bin/python3", os.path.abspath(__file__), "--driver", "--server",
                 f"127.0.0.1:{farm.port}", "--big", big, "--tmp", tmp, "--frames",
                 str(a.frames), "--refreshes", str(a.refreshes)],
                env=env, stdout=subprocess.PIPE, text=True, check=True)
        figures = json.loads(res.stdout.strip().splitlines()[-1])
    finally:
        farm.stop()
        farm.cleanup()
    print(f"OpenCue CueGUI against Cue's cuebot: {a.jobs} jobs, one {a.frames}-frame job")
    print(f"{'view':22s} {'rows':>7s} {'first rows':>11s} {'render':>9s} {'refresh':>9s}"
          f" {'UI gap':>9s} {'RSS':>8s}")
    for view in ("jobs", "frames_default_page", "frames_all"):
        f = figures[view]
        refresh = f["refresh_median_s"]
        print(f"{view:22s} {f['rows']:7d} {f['first_rows_s'] * 1e3:8.0f} ms"
              f" {f['first_render_s'] * 1e3:6.0f} ms"
              f" {(refresh or 0) * 1e3:6.0f} ms {f['ui_gap_max_s'] * 1e3:6.0f} ms"
              f" {f['rss_mb']:5.0f} MB")
    print(f"peak RSS {figures['peak_rss_mb']:.0f} MB")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
