#!/usr/bin/python3
"""cuesubmit, the real binary, against a real farm (api/cuefarm.py): jobs built from flags,
-wait's progress, summary and exit codes, -pretend, cuecmd command files, and the errors a
user meets (a malformed range, no cuebot). Stdout must carry only the launched jobs' names.

Environment (set by CTest): what cuefarm needs, and CUESUBMIT_BIN."""
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import clitools
import cuefarm
from cuefarm import pb

CUESUBMIT = os.environ.get("CUESUBMIT_BIN", "")
J = "job.JobInterface"


class CuesubmitTest(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("cli-host", cores=4)]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="cue-cuesubmit-")
        # Frames may run as another user (nobody, when rqd is root): let them write here.
        os.chmod(self.dir, 0o777)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def cuesubmit(self, *args, server=None, stdin=None):
        server = server or f"127.0.0.1:{self.farm.port}"
        return subprocess.run([CUESUBMIT, "-server", server] + list(args), input=stdin,
                              capture_output=True, text=True, timeout=180)

    def jobs(self, name):
        j = pb["job"]
        return list(self.farm.call(J, "GetJobs", j.JobGetJobsRequest(
            r=j.JobSearchCriteria(jobs=[name], include_finished=True))).jobs.jobs)

    def job(self, name):
        found = self.jobs(name)
        self.assertEqual(len(found), 1, name)
        return found[0]

    def states(self, job):
        """{layer name: sorted frame states}."""
        out = {}
        for name, state in self.farm.frame_states(job).items():
            out.setdefault(name.split("-", 1)[1], []).append(state)
        return {k: sorted(v) for k, v in out.items()}

    def lines(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read().splitlines()

    def test_flags_build_layers_with_depends_and_wait(self):
        first, second, third = (os.path.join(self.dir, n) for n in ("first", "second", "third"))
        # Each frame of "second" checks that its frame of "first" ran (FRAME_BY_FRAME), and
        # "third" that all of "second" did (LAYER_ON_LAYER): without the depends they could
        # start together on the host's four cores, and fail.
        r = self.cuesubmit(
            "-facility", "local", "-name", "flags_layers", "-show", "testing", "-shot", "cli",
            "-user", "tester", "-priority", "5",
            "-layer", "first", "-cmd", f"echo first #IFRAME# >> {first}", "-range", "1-4",
            "-cores", "1", "-memory", "256m",
            "-layer", "second", "-range", "1-4", "-memory", "256m", "-depend", "frame",
            "-cmd", f"grep -qx 'first #IFRAME#' {first} && echo 'second #IFRAME#' >> {second}",
            "-layer", "third", "-range", "1-4", "-chunk", "2", "-memory", "256m",
            "-depend", "layer", "-wait", "-poll", "0.2",
            "--", "sh", "-c", f"test $(wc -l < '{second}') -eq 4 && echo \"third $0-$1\" >> "
            f"'{third}'", "#FRAME_START#", "#FRAME_END#")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "testing-cli-tester_flags_layers\n")
        self.assertIn("frames: 10/10 done", r.stderr)
        self.assertIn("10 succeeded, 0 dead, 0 eaten of 10 frames", r.stderr)
        self.assertIn("wall time", r.stderr)
        self.assertIn("max RSS", r.stderr)
        job = self.job("testing-cli-tester_flags_layers")
        self.assertEqual((job.facility, job.priority), ("local", 5))
        layers = {l.name: l for l in self.farm.layers(job)}
        self.assertEqual(set(layers), {"first", "second", "third"})
        self.assertEqual((layers["first"].chunk_size, layers["first"].min_cores,
                          layers["first"].min_memory), (1, 1.0, 256 * 1024))
        self.assertEqual(layers["third"].chunk_size, 2)
        self.assertEqual(self.states(job), {"first": ["SUCCEEDED"] * 4,
                                            "second": ["SUCCEEDED"] * 4,
                                            "third": ["SUCCEEDED"] * 2})
        self.assertEqual(sorted(self.lines("first")), [f"first {i}" for i in range(1, 5)])
        self.assertEqual(sorted(self.lines("second")), [f"second {i}" for i in range(1, 5)])
        self.assertEqual(sorted(self.lines("third")), ["third 1-2", "third 3-4"])

    def test_dead_frames_make_wait_exit_1_with_a_summary(self):
        r = self.cuesubmit(
            "--name", "flags_dies", "--show", "testing", "--shot", "cli", "--user", "tester",
            "--max-retries", "0", "--layer", "boom", "--cmd", "exit 3", "--range", "1-2",
            "--memory", "256m", "--layer", "after", "--cmd", "true", "--range", "1",
            "--memory", "256m", "--depend", "layer", "--wait", "--poll", "0.2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "testing-cli-tester_flags_dies\n")
        self.assertIn("0 succeeded, 2 dead, 0 eaten of 3 frames", r.stderr)
        self.assertIn("2 frames died, and 1 frames wait on them", r.stderr)
        self.assertEqual(self.states(self.job("testing-cli-tester_flags_dies")),
                         {"boom": ["DEAD", "DEAD"], "after": ["DEPEND"]})

    def test_pretend_prints_the_spec_and_launches_nothing(self):
        r = self.cuesubmit("-pretend", "-name", "flags_pretend", "-show", "testing", "-shot",
                           "cli", "-user", "tester", "-layer", "only", "-cmd",
                           "echo 'a  b' && echo c", "-range", "1-10x2", "-tags", "general",
                           "-service", "shell")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        spec = ET.fromstring(r.stdout.split("\n", 2)[2])  # after the declaration and DOCTYPE
        self.assertEqual(spec.tag, "spec")
        self.assertEqual(spec.find("show").text, "testing")
        layer = spec.find("job/layers/layer")
        self.assertEqual(layer.get("name"), "only")
        self.assertEqual(layer.find("cmd").text, "echo 'a  b' && echo c")
        self.assertEqual(layer.find("range").text, "1-10x2")
        self.assertEqual(layer.find("tags").text, "general")
        self.assertEqual([s.text for s in layer.find("services")], ["shell"])
        self.assertEqual(self.jobs("testing-cli-tester_flags_pretend"), [])
        # The printed spec is what cuebot takes: a spec file submits the same job.
        path = os.path.join(self.dir, "pretend.xml")
        with open(path, "w") as f:
            f.write(r.stdout)
        r = self.cuesubmit(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "testing-cli-tester_flags_pretend\n")

    def test_cuecmd_five_commands_chunk_two_make_three_frames(self):
        path = os.path.join(self.dir, "commands.txt")
        ran = os.path.join(self.dir, "ran")
        with open(path, "w") as f:
            f.write("# five commands, two per frame\n")
            for i in range(1, 6):
                f.write(f"echo 'command {i}' >> {ran}\n")
                if i == 2:
                    f.write("\n")
        r = subprocess.run([CUESUBMIT, "--server", f"127.0.0.1:{self.farm.port}", "--cuecmd",
                            path, "--chunk", "2", "--show", "testing", "--shot", "cli", "--user",
                            "tester", "--memory", "256m", "--wait", "--poll", "0.2"],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "testing-cli-tester_commands\n")
        job = self.job("testing-cli-tester_commands")
        self.assertEqual(self.states(job), {"cuecmd": ["SUCCEEDED"] * 3})
        self.assertEqual(sorted(self.lines("ran")), [f"command {i}" for i in range(1, 6)])

    def test_malformed_range_is_a_usage_error_and_launches_nothing(self):
        r = self.cuesubmit("-name", "flags_badrange", "-show", "testing", "-shot", "cli",
                           "-user", "tester", "-layer", "bad", "-cmd", "true", "-range", "1-x")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("cuesubmit: "), r.stderr)
        self.assertIn("1-x", r.stderr)
        self.assertEqual(self.jobs("testing-cli-tester_flags_badrange"), [])

    def test_no_cuebot_answering_exits_4(self):
        dead_socket, dead = clitools.refusing_address()
        self.addCleanup(dead_socket.close)
        r = self.cuesubmit("-name", "flags_nobot", "-show", "testing", "-user", "tester",
                           "-layer", "only", "-cmd", "true", "-range", "1",
                           server=dead)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertIn("no cuebot answered", r.stderr)

    def test_unknown_show_is_not_found(self):
        r = self.cuesubmit("-name", "flags_noshow", "-show", "nosuchshow", "-user", "tester",
                           "-layer", "only", "-cmd", "true", "-range", "1")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)


if __name__ == "__main__":
    cuefarm.main()
