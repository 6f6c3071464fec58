"""cueman against a real cuebot and real rqds: listings (golden tables, parsed JSON, nothing but
data on stdout), job and frame actions read back through the API, -why and -log."""
import json
import subprocess
import unittest

import clitools
from clitools import run, run_bare
import cuefarm
from cuefarm import pb


def two_layer_spec(name, paused=False, cmd="echo frame #IFRAME# of #LAYER#", depend=False):
    """Layers first (1-4) and second (1-3); with depend, second waits frame by frame on first."""
    spec = cuefarm.simple_spec(name, layers=(("first", cmd, "1-4"), ("second", cmd, "1-3")),
                               paused=paused)
    if depend:
        spec = spec.replace("<depends/>", (
            f'<depends><depend type="FRAME_BY_FRAME" anyframe="False"><depjob>{name}</depjob>'
            f"<deplayer>second</deplayer><onjob>{name}</onjob><onlayer>first</onlayer>"
            "</depend></depends>"))
    return spec


class CuemanCommands(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("man-a", cores=2)]

    def man(self, *args, code=clitools.OK):
        r = run(self.farm, "cueman", *args)
        self.assertEqual(r.code, code, r)
        return r

    def states(self, job, layer=None):
        frames = self.farm.frames(job, layers=[layer] if layer else [])
        return {f.name: pb["job"].FrameState.Name(f.state) for f in frames}

    def finished_job(self, name):
        job = self.farm.launch(two_layer_spec(name))[0]
        self.farm.wait_until(lambda: set(self.states(job).values()) == {"SUCCEEDED"},
                             what="the job's frames to succeed")
        return job

    def test_listings(self):
        job = self.finished_job("listed")
        r = self.man("-lf", job.name)
        self.assertEqual(r.err, "")
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(), ["Frame", "Status", "Host", "Start", "End", "Runtime",
                                            "Mem", "Retry", "Exit"])
        self.assertEqual(len(lines), 2 + 7)
        # Peak memory varies from run to run (columns 101-106); times are normalized.
        masked = "\n".join(ln if i < 2 else ln[:101] + "  MEM" + ln[106:]
                           for i, ln in enumerate(lines)) + "\n"
        clitools.assert_golden(self, "cueman_lf_columns.txt", masked)
        frames = self.man("-lf", job.name, "-json").json()
        self.assertEqual(len(frames), 7)
        self.assertEqual({f["state"] for f in frames}, {"SUCCEEDED"})
        self.assertEqual({f["host"] for f in frames}, {"man-a"})
        some = self.man("-lf", job.name, "-layer", "second", "-range", "2-3", "-json").json()
        self.assertEqual([f["name"] for f in some], ["0002-second", "0003-second"])
        page = self.man("-lf", job.name, "-limit", "3", "-page", "2", "-json").json()
        self.assertEqual(len(page), 3)
        self.assertEqual(self.man("-lf", job.name, "-state", "DEAD", "-json").json(), [])

        r = self.man("-ll", job.name)
        clitools.assert_golden(self, "cueman_ll.txt", r.out.replace(job.name, "JOB"))
        layers = self.man("-ll", job.name, "-json").json()
        self.assertEqual([(l["name"], l["frames"]["succeeded"]) for l in layers],
                         [("first", 4), ("second", 3)])
        info = self.man("-info", job.name).out
        self.assertIn(f"job: {job.name}", info)
        self.assertRegex(info, r"total number of frames: 7")
        self.assertRegex(info, r"\s+done: 7")
        info_json = self.man("-info", job.name, "-json").json()
        self.assertEqual(info_json["job"]["frames"]["succeeded"], 7)
        self.assertEqual(len(info_json["layers"]), 2)

        log = self.man("-log", job.name, "0003-first").out
        self.assertIn("frame 3 of first", log)
        log = self.man("-log", job.name, "2", "-layer", "second").out
        self.assertIn("frame 2 of second", log)
        r = self.man("-log", job.name, "9-first", code=clitools.NOT_FOUND)
        self.assertEqual(len(r.err.splitlines()), 1, r)

    def test_pipe_gets_only_data(self):
        job = self.finished_job("piped")
        cmd = f"{clitools.BINS['cueman']} -server 127.0.0.1:{self.farm.port} -lf {job.name} " \
              f"-json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'"
        out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
        self.assertEqual((out.returncode, out.stdout), (0, "7\n"), out.stderr)

    def test_job_actions(self):
        job = self.farm.launch(two_layer_spec("acted", paused=True, depend=True))[0]
        r = self.man("-pause", job.name)
        self.assertIn("already paused", r.out)
        why = self.man("-why", job.name, "-json").json()
        self.assertEqual(why["job"], job.name)
        self.assertIn("pause", json.dumps(why).lower())
        self.assertIn("pause", self.man("-why", job.name).out.lower())

        self.man("-eat", job.name, "-layer", "first", "-range", "4", "-force")
        self.assertEqual(self.states(job, "first")["0004-first"], "EATEN")
        # Mark done releases what waits on the frame (as OpenCue's markdoneFrames).
        self.assertEqual(self.states(job, "second")["0001-second"], "DEPEND")
        self.man("-done", job.name, "-layer", "first", "-range", "1", "-force")
        self.assertEqual(self.states(job, "second")["0001-second"], "WAITING")
        self.assertEqual(self.states(job, "second")["0002-second"], "DEPEND")
        self.man("-retries", job.name, "7", "-force")
        self.man("-stagger", job.name, "1-3", "2", "-layer", "first", "-force")
        self.man("-reorder", job.name, "3", "FIRST", "-force")
        first = sorted(self.farm.frames(job, layers=["first"]), key=lambda f: f.dispatch_order)
        self.assertEqual(first[0].name, "0003-first")
        r = self.man("-reorder", job.name, "1", "SIDEWAYS", "-force", code=clitools.USAGE)
        self.assertIn("FIRST, LAST or REVERSE", r.err)
        self.man("-autoeaton", job.name)
        self.assertTrue(self.farm.get_job(job.id).auto_eat)
        self.man("-autoeatoff", job.name)
        self.assertFalse(self.farm.get_job(job.id).auto_eat)
        # Confirmation needed and no terminal: refused, nothing retried.
        r = self.man("-retry", job.name, "-range", "4", "-layer", "first", code=clitools.USAGE)
        self.assertEqual(self.states(job, "first")["0004-first"], "EATEN")
        self.man("-retry", job.name, "-range", "4", "-layer", "first", "-force")
        self.assertEqual(self.states(job, "first")["0004-first"], "WAITING")

        self.man("-resume", job.name)
        self.assertFalse(self.farm.get_job(job.id).is_paused)
        self.farm.wait_until(lambda: set(self.states(job).values()) == {"SUCCEEDED"},
                             what="the resumed job to finish")

    def test_follow_a_running_log_and_kill(self):
        spec = cuefarm.simple_spec("followed", layers=(
            ("slow", "sh -c 'echo begin; sleep 2; echo end'", "1-1"),
            ("hang", "sleep 120", "1-1")))
        job = self.farm.launch(spec)[0]
        self.farm.wait_until(lambda: self.states(job, "slow")["0001-slow"] == "RUNNING",
                             what="the slow frame to start")
        out = self.man("-log", job.name, "0001-slow", "-f").out
        self.assertIn("begin", out)
        self.assertIn("end", out)
        self.farm.wait_until(lambda: self.states(job, "hang")["0001-hang"] == "RUNNING",
                             what="the hanging frame to start")
        procs = self.man("-lp", job.name, "-json").json()
        self.assertEqual([p["frame"] for p in procs], ["0001-hang"])
        # Paused first, so that the killed frame waits instead of being booked again.
        self.man("-pause", job.name)
        self.man("-kill", job.name, "-layer", "hang", "-force")
        self.farm.wait_until(lambda: self.states(job, "hang")["0001-hang"] == "WAITING",
                             what="the frame to be killed")
        self.man("-term", job.name, "-force")
        self.farm.wait_until(lambda: self.farm.get_job(job.id).state == pb["job"].FINISHED,
                             what="the job to finish")

    def test_errors_and_help(self):
        r = self.man("-lf", "no-such-job", code=clitools.NOT_FOUND)
        self.assertEqual(r.err, "cueman: job no-such-job does not exist\n")
        job = self.farm.launch(two_layer_spec("ranged", paused=True))[0]
        r = self.man("-lf", job.name, "-range", "5-1", code=clitools.USAGE)
        self.assertIn("-range", r.err)
        r = run_bare("cueman", "-lf")
        self.assertEqual(r.code, clitools.USAGE, r)
        self.assertIn("-lf needs JOB", r.err)
        help_text = run_bare("cueman", "--help").out
        completion = run_bare("cueman", "--completion", "bash").out
        for flag in ["-lf", "-lp", "-ll", "-info", "-state", "-range", "-layer", "-page",
                     "-limit", "-duration", "-memory", "-pause", "-resume", "-term", "-eat",
                     "-kill", "-retry", "-done", "-stagger", "-reorder", "-retries",
                     "-autoeaton", "-autoeatoff", "-why", "-log", "-server", "-facility",
                     "-json"]:
            self.assertRegex(help_text, rf"(^|[ ,]){flag}\b", flag)
            self.assertIn(f" {flag} ", f" {completion} ".replace('"', " "), flag)


if __name__ == "__main__":
    unittest.main(verbosity=2)
