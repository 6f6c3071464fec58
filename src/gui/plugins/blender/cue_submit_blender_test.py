#!/usr/bin/python3
"""Cue's Blender add-on with a fake bpy (tests/data/blender/bpy.py), no Blender, no processes:
the render command (as OpenCue CueSubmit's Blender job type), the cuesubmit and cuesubmit-gui
argv the operators build from a scene, saving before submitting, the reports, registration."""
import os
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "tests", "data", "blender"))
sys.path.insert(0, HERE)

import bpy  # noqa: E402  (the fake)
import cue_submit_blender as addon  # noqa: E402


def setup(**scene):
    bpy.data.filepath = "/shots/sh010/light v2.blend"
    bpy.data.is_dirty = True
    bpy.saves.clear()
    prefs = bpy.instance(addon.CueSubmitPreferences, cuesubmit_path="/opt/cue/bin/cuesubmit",
                         gui_path="/opt/cue/bin/cuesubmit-gui", server="farm:8443")
    settings = bpy.instance(addon.CueSubmitSettings, show="testing", shot="sh010")
    return bpy.context(addon.__name__, prefs, settings, **scene)


class Done:
    def __init__(self, code, out="", err=""):
        self.returncode, self.stdout, self.stderr = code, out, err


class BlenderAddonTest(unittest.TestCase):
    def setUp(self):
        self.calls = []
        addon.run = lambda argv, **kw: (self.calls.append(argv), self.answer)[1]
        addon.popen = lambda argv: self.calls.append(argv)
        self.answer = Done(0, "testing-sh010-me_light_v2_Scene\n")

    def test_command_as_cuesubmit(self):
        self.assertEqual(
            addon.blender_command("/s/a.blend", "/r/f_####", "PNG"),
            "blender -b -noaudio /s/a.blend -o /r/f_#### -F PNG -s #FRAME_START# -e #FRAME_END# -a")
        self.assertEqual(addon.blender_command("/s/my scene.blend", "", "", step=2),
                         "blender -b -noaudio '/s/my scene.blend' -f #IFRAME#")
        self.assertEqual(addon.frame_range(1, 250), "1-250")
        self.assertEqual(addon.frame_range(1, 250, 5), "1-250x5")
        self.assertEqual(addon.frame_range(7, 7), "7")
        self.assertEqual(addon.blender_format("OPEN_EXR"), "EXR")
        self.assertEqual(addon.blender_format("FFMPEG"), "")
        self.assertEqual(addon.shell_quote("it's"), "'it'\\''s'")
        self.assertEqual(addon.job_name_for("/s/light v2.blend", "Scene"), "light_v2_Scene")

    def test_submit_builds_cuesubmit_argv_and_saves_first(self):
        ctx = setup(frame_start=10, frame_end=20, file_format="OPEN_EXR")
        ctx.scene.cue_submit.chunk = 5
        ctx.scene.cue_submit.cores = 2.0
        op = addon.CUE_OT_submit()
        self.assertEqual(op.execute(ctx), {"FINISHED"})
        self.assertEqual(bpy.saves, ["/shots/sh010/light v2.blend"])
        self.assertEqual(self.calls, [[
            "/opt/cue/bin/cuesubmit", "-server", "farm:8443",
            "-name", "light_v2_Scene", "-show", "testing", "-shot", "sh010",
            "-layer", "render",
            "-cmd", "blender -b -noaudio '/shots/sh010/light v2.blend' -o "
                    "/shots/sh010/render/frame_#### -F EXR -s #FRAME_START# -e #FRAME_END# -a",
            "-range", "10-20", "-chunk", "5", "-cores", "2"]])
        self.assertEqual(op.reports, [({"INFO"}, "Submitted: testing-sh010-me_light_v2_Scene")])

    def test_stepped_range_renders_one_frame_a_task(self):
        ctx = setup(frame_start=1, frame_end=9, frame_step=2)
        ctx.scene.cue_submit.chunk = 4
        job = addon.read_scene(ctx, ctx.scene.cue_submit, bpy.data.filepath)
        self.assertEqual(job["range"], "1-9x2")
        self.assertEqual(job["chunk"], 1)
        self.assertTrue(job["command"].endswith(" -F PNG -f #IFRAME#"), job["command"])

    def test_open_gui_prefills_the_window(self):
        ctx = setup(frame_start=1, frame_end=10)
        ctx.scene.cue_submit.job_name = "lighting"
        self.assertEqual(addon.CUE_OT_open_gui().execute(ctx), {"FINISHED"})
        self.assertEqual(self.calls, [[
            "/opt/cue/bin/cuesubmit-gui", "--server", "farm:8443", "--job-name", "lighting",
            "--show", "testing", "--shot", "sh010", "--layer-type", "blender",
            "--layer-name", "render", "--scene", "/shots/sh010/light v2.blend",
            "--range", "1-10", "--chunk", "1", "--output", "/shots/sh010/render/frame_####",
            "--format", "PNG"]])

    def test_unsaved_file_and_failures_are_reported(self):
        ctx = setup()
        bpy.data.filepath = ""
        op = addon.CUE_OT_submit()
        self.assertEqual(op.execute(ctx), {"CANCELLED"})
        self.assertEqual(self.calls, [])
        self.assertIn("Save the .blend first", op.reports[0][1])
        ctx = setup()
        self.answer = Done(5, "", "cuesubmit: show \"nope\" does not exist\n")
        op = addon.CUE_OT_submit()
        self.assertEqual(op.execute(ctx), {"CANCELLED"})
        self.assertEqual(op.reports, [({"ERROR"}, "cuesubmit: show \"nope\" does not exist")])

    def test_register_adds_the_panel_and_scene_settings(self):
        self.assertEqual(addon.bl_info["category"], "Render")
        self.assertEqual(addon.CUE_PT_submit.bl_context, "render")
        addon.register()
        self.assertIn(addon.CUE_OT_submit, bpy.registered)
        self.assertTrue(hasattr(bpy.types.Scene, "cue_submit"))
        addon.unregister()
        self.assertEqual(bpy.registered, [])
        self.assertFalse(hasattr(bpy.types.Scene, "cue_submit"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
