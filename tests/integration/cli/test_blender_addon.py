#!/usr/bin/python3
"""Cue's Blender add-on (src/gui/plugins/blender) with a fake bpy (tests/data/blender), the
real cuesubmit and a real farm (api/cuefarm.py): "Submit to Cue" launches the job with the
range, chunk and command CueSubmit's Blender job type builds; -pretend's spec carries the same
command; and a fake `blender` run by a real rqd receives each task's frames.

Environment (set by CTest): what cuefarm needs, and CUESUBMIT_BIN."""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "data", "blender"))
sys.path.insert(0, os.path.join(ROOT, "src", "gui", "plugins", "blender"))

import bpy  # noqa: E402  (the fake)
import cue_submit_blender as addon  # noqa: E402
import cuefarm  # noqa: E402

CUESUBMIT = os.environ.get("CUESUBMIT_BIN", "")


class BlenderAddonFarmTest(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("blender-host", cores=4)]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="cue-blender-")
        os.chmod(self.dir, 0o777)  # frames may run as another user
        # A fake blender: records its arguments, one task a line.
        self.blender = os.path.join(self.dir, "blender")
        with open(self.blender, "w") as f:
            f.write('#!/bin/sh\necho "$*" >> "$(dirname "$0")/ran"\n')
        os.chmod(self.blender, 0o755)
        bpy.data.filepath = os.path.join(self.dir, "light v2.blend")
        bpy.data.is_dirty = False

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def context(self, name, **scene):
        prefs = bpy.instance(addon.CueSubmitPreferences, cuesubmit_path=CUESUBMIT,
                             server=f"127.0.0.1:{self.farm.port}", blender_path=self.blender)
        settings = bpy.instance(addon.CueSubmitSettings, job_name=name, show="testing",
                                shot="sh010", user="blenderuser")
        return bpy.context(addon.__name__, prefs, settings, **scene)

    def job(self, name):
        return self.farm.find_job(f"testing-sh010-blenderuser_{name}")

    def test_submit_launches_the_job_and_rqd_renders_each_chunk(self):
        ctx = self.context("addon_chunks", frame_start=1, frame_end=5, file_format="OPEN_EXR")
        ctx.scene.cue_submit.chunk = 2
        op = addon.CUE_OT_submit()
        self.assertEqual(op.execute(ctx), {"FINISHED"}, getattr(op, "reports", None))
        self.assertEqual(op.reports, [({"INFO"}, "Submitted: testing-sh010-blenderuser_addon_chunks")])
        job = self.job("addon_chunks")
        [layer] = self.farm.layers(job)
        self.assertEqual(layer.name, "render")
        self.assertEqual(layer.range, "1-5")
        self.assertEqual(layer.chunk_size, 2)
        self.assertEqual(layer.layer_stats.total_frames, 3)
        ran = os.path.join(self.dir, "ran")

        def tasks():
            if not os.path.exists(ran):
                return []
            with open(ran) as f:
                return f.read().splitlines()
        self.farm.wait_until(lambda: len(tasks()) == 3, seconds=60, what="three blender tasks")
        out = os.path.join(self.dir, "render", "frame_####")
        blend = os.path.join(self.dir, "light v2.blend")
        self.assertEqual(sorted(tasks()), [
            f"-b -noaudio {blend} -o {out} -F EXR -s {s} -e {e} -a" for s, e in ((1, 2), (3, 4), (5, 5))])

    def test_pretend_spec_carries_the_command(self):
        ctx = self.context("addon_pretend", frame_start=1, frame_end=9, frame_step=2)
        job = addon.read_scene(ctx, ctx.scene.cue_submit, bpy.data.filepath, self.blender)
        argv = addon.cuesubmit_argv(job, CUESUBMIT, f"127.0.0.1:{self.farm.port}") + ["-pretend"]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        spec = ET.fromstring(r.stdout.split("\n", 2)[2])  # after the declaration and DOCTYPE
        layer = spec.find("job/layers/layer")
        self.assertEqual(layer.find("range").text, "1-9x2")
        self.assertEqual(layer.find("chunk").text, "1")
        self.assertEqual(layer.find("cmd").text,
                         f"{self.blender} -b -noaudio '{bpy.data.filepath}' -o "
                         f"{self.dir}/render/frame_#### -F PNG -f #IFRAME#")
        code, _ = self.farm.call_error("job.JobInterface", "FindJob", cuefarm.pb["job"].JobFindJobRequest(
            name="testing-sh010-blenderuser_addon_pretend"))
        self.assertEqual(code, cuefarm.grpc.StatusCode.NOT_FOUND)


if __name__ == "__main__":
    cuefarm.main()
