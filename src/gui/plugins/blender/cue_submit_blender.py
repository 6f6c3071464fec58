# Cue's Blender add-on: a "Cue" panel in Render properties with "Submit to Cue", which saves
# the .blend and submits its frames to a Cue (or OpenCue) cuebot with Cue's command-line
# cuesubmit, and "Open in cuesubmit-gui", which opens the submission window prefilled.
#
# The render command is the one OpenCue's CueSubmit builds for a Blender layer:
#   blender -b -noaudio FILE.blend [-o OUTPUT] [-F FORMAT] -s #FRAME_START# -e #FRAME_END# -a
# for a range with step 1 (each task renders its chunk), and ... -f #IFRAME# for a stepped
# range (one frame per task). cuebot replaces the #TOKENS# per task.
#
# Install: Blender > Edit > Preferences > Add-ons > Install..., pick this file, enable
# "Render: Cue Submit"; in the add-on's preferences set where cuesubmit and cuesubmit-gui are
# (default: found on PATH) and the cuebot (default: cuesubmit's own discovery,
# $CUEBOT_HOSTS then opencue.yaml then localhost).
#
# The functions above the Blender classes take plain values, so tests run them with a fake
# bpy (tests/data/blender/bpy.py) and no Blender.
import os
import shutil
import subprocess

import bpy

bl_info = {
    "name": "Cue Submit",
    "author": "Cue",
    "version": (1, 0, 0),
    "blender": (3, 0, 0),
    "location": "Properties > Render > Cue",
    "description": "Submit the scene's frames to a Cue render farm",
    "category": "Render",
}

# Blender's image_settings.file_format -> the name blender's -F takes.
_FORMATS = {
    "OPEN_EXR": "EXR",
    "OPEN_EXR_MULTILAYER": "MULTILAYER",
    "TARGA": "TGA",
    "TARGA_RAW": "RAWTGA",
    "JPEG2000": "JP2",
    "AVI_JPEG": "AVIJPEG",
    "AVI_RAW": "AVIRAW",
}

# Characters the shell leaves alone (as Cue's client::shellJoin; '#' not first).
_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%#")


def shell_quote(arg):
    """One argument for /bin/sh: kept as is when only safe characters, else single-quoted.
    A #TOKEN# is kept as is too: cuebot replaces it before the shell reads the line."""
    if len(arg) > 2 and arg[0] == arg[-1] == "#" and all(c.isupper() or c == "_" for c in arg[1:-1]):
        return arg
    if arg and not arg.startswith("#") and all(c in _SAFE for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def blender_format(file_format):
    """blender -F's name for an image format; "" for movies (FFMPEG), which -F cannot set
    per frame: the scene's own output is then used."""
    if not file_format or file_format == "FFMPEG":
        return ""
    return _FORMATS.get(file_format, file_format)


def frame_range(start, end, step=1):
    """OpenCue frame range text: "1-250", "1-250x2", or "7" for one frame."""
    if start == end:
        return str(start)
    return f"{start}-{end}" if step <= 1 else f"{start}-{end}x{step}"


def job_name_for(blend_file, scene_name):
    """A job name cuebot takes (letters, digits, _ . -): the .blend's name and the scene's."""
    base = os.path.splitext(os.path.basename(blend_file))[0] or "untitled"
    raw = f"{base}_{scene_name}" if scene_name else base
    name = "".join(c if c.isalnum() or c in "_.-" else "_" for c in raw)
    return name if len(name) >= 3 else name + "_job"


def blender_command(blend_file, output_path, output_format, step=1, blender="blender"):
    """The layer's command, as CueSubmit's Blender job type builds it."""
    args = ["-b", "-noaudio", blend_file]
    if output_path:
        args += ["-o", output_path]
    if output_format:
        args += ["-F", output_format]
    if step <= 1:
        args += ["-s", "#FRAME_START#", "-e", "#FRAME_END#", "-a"]
    else:
        args += ["-f", "#IFRAME#"]
    return " ".join([blender] + [shell_quote(a) for a in args])


def cuesubmit_argv(job, cuesubmit="cuesubmit", server=""):
    """Cue's cuesubmit command line for `job` (a dict from read_scene)."""
    argv = [cuesubmit]
    if server:
        argv += ["-server", server]
    argv += ["-name", job["name"], "-show", job["show"], "-shot", job["shot"]]
    if job.get("user"):
        argv += ["-user", job["user"]]
    argv += ["-layer", job["layer"], "-cmd", job["command"], "-range", job["range"],
             "-chunk", str(job["chunk"])]
    if job.get("cores"):
        argv += ["-cores", f"{job['cores']:g}"]
    if job.get("service"):
        argv += ["-service", job["service"]]
    return argv


def gui_argv(job, gui="cuesubmit-gui", server=""):
    """cuesubmit-gui prefilled with `job`'s fields and one Blender layer."""
    argv = [gui]
    if server:
        argv += ["--server", server]
    argv += ["--job-name", job["name"], "--show", job["show"], "--shot", job["shot"],
             "--layer-type", "blender", "--layer-name", job["layer"], "--scene",
             job["blend_file"], "--range", job["range"], "--chunk", str(job["chunk"])]
    if job["output_path"]:
        argv += ["--output", job["output_path"]]
    if job["output_format"]:
        argv += ["--format", job["output_format"]]
    return argv


def read_scene(context, settings, blend_file, blender="blender"):
    """The job for the open scene: file, frames, output, plus the panel's fields."""
    scene = context.scene
    render = scene.render
    output = bpy.path.abspath(render.filepath) if render.filepath else ""
    fmt = blender_format(render.image_settings.file_format)
    step = max(1, int(scene.frame_step))
    return {
        "name": settings.job_name or job_name_for(blend_file, scene.name),
        "show": settings.show,
        "shot": settings.shot or "default",
        "user": settings.user,
        "layer": settings.layer_name or "render",
        "blend_file": blend_file,
        "scene": scene.name,
        "range": frame_range(int(scene.frame_start), int(scene.frame_end), step),
        # Chunks of a stepped range would skip frames: one frame a task then.
        "chunk": max(1, int(settings.chunk)) if step == 1 else 1,
        "cores": float(settings.cores),
        "service": settings.service,
        "output_path": output,
        "output_format": fmt,
        "command": blender_command(blend_file, output, fmt, step, blender),
    }


def _tool(path, name):
    return path or shutil.which(name) or name


def _prefs(context):
    addon = context.preferences.addons.get(__name__)
    return addon.preferences if addon is not None else None


def _save(context):
    """Saves the .blend (the farm renders the file on disk); its path, or None if unsaved."""
    if not bpy.data.filepath:
        return None
    if bpy.data.is_dirty:
        bpy.ops.wm.save_mainfile()
    return bpy.data.filepath


# How the operators run their tools; tests replace them.
run = subprocess.run
popen = subprocess.Popen


class CueSubmitPreferences(bpy.types.AddonPreferences):
    bl_idname = __name__
    cuesubmit_path: bpy.props.StringProperty(name="cuesubmit", subtype="FILE_PATH",
                                             description="Cue's cuesubmit (default: on PATH)")
    gui_path: bpy.props.StringProperty(name="cuesubmit-gui", subtype="FILE_PATH",
                                       description="cuesubmit-gui (default: on PATH)")
    server: bpy.props.StringProperty(name="Cuebot", description="HOST[:PORT]; default: "
                                     "$CUEBOT_HOSTS, opencue.yaml, localhost")
    blender_path: bpy.props.StringProperty(name="Blender on the farm", default="blender")

    def draw(self, context):
        for prop in ("cuesubmit_path", "gui_path", "server", "blender_path"):
            self.layout.prop(self, prop)


class CueSubmitSettings(bpy.types.PropertyGroup):
    job_name: bpy.props.StringProperty(name="Job", description="default: FILE_SCENE")
    show: bpy.props.StringProperty(name="Show", default=os.environ.get("SHOW", "testing"))
    shot: bpy.props.StringProperty(name="Shot", default=os.environ.get("SHOT", "default"))
    user: bpy.props.StringProperty(name="User", description="default: $USER")
    layer_name: bpy.props.StringProperty(name="Layer", default="render")
    chunk: bpy.props.IntProperty(name="Chunk", default=1, min=1)
    cores: bpy.props.FloatProperty(name="Cores", default=0.0, min=0.0, max=24.0,
                                   description="cores per frame; 0: the service's")
    service: bpy.props.StringProperty(name="Service", description="default: default")


def _job(context):
    prefs = _prefs(context)
    blend_file = _save(context)
    if blend_file is None:
        return None, prefs
    blender = (prefs.blender_path if prefs else "") or "blender"
    return read_scene(context, context.scene.cue_submit, blend_file, blender), prefs


class CUE_OT_submit(bpy.types.Operator):
    """Save the .blend and submit its frames to Cue with cuesubmit"""
    bl_idname = "cue.submit"
    bl_label = "Submit to Cue"

    def execute(self, context):
        job, prefs = _job(context)
        if job is None:
            self.report({"ERROR"}, "Save the .blend first: the farm renders the file on disk")
            return {"CANCELLED"}
        argv = cuesubmit_argv(job, _tool(prefs.cuesubmit_path if prefs else "", "cuesubmit"),
                              prefs.server if prefs else "")
        try:
            done = run(argv, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as e:
            self.report({"ERROR"}, f"cuesubmit did not run: {e}")
            return {"CANCELLED"}
        if done.returncode != 0:
            self.report({"ERROR"}, (done.stderr or "").strip() or f"cuesubmit exit {done.returncode}")
            return {"CANCELLED"}
        self.report({"INFO"}, "Submitted: " + ", ".join(done.stdout.split()))
        return {"FINISHED"}


class CUE_OT_open_gui(bpy.types.Operator):
    """Save the .blend and open cuesubmit-gui prefilled with the scene"""
    bl_idname = "cue.open_gui"
    bl_label = "Open in cuesubmit-gui"

    def execute(self, context):
        job, prefs = _job(context)
        if job is None:
            self.report({"ERROR"}, "Save the .blend first: the farm renders the file on disk")
            return {"CANCELLED"}
        argv = gui_argv(job, _tool(prefs.gui_path if prefs else "", "cuesubmit-gui"),
                        prefs.server if prefs else "")
        try:
            popen(argv)
        except OSError as e:
            self.report({"ERROR"}, f"cuesubmit-gui did not start: {e}")
            return {"CANCELLED"}
        return {"FINISHED"}


class CUE_PT_submit(bpy.types.Panel):
    bl_label = "Cue"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"

    def draw(self, context):
        settings = context.scene.cue_submit
        for prop in ("job_name", "show", "shot", "user", "layer_name", "chunk", "cores", "service"):
            self.layout.prop(settings, prop)
        self.layout.operator(CUE_OT_submit.bl_idname, icon="RENDER_ANIMATION")
        self.layout.operator(CUE_OT_open_gui.bl_idname)


_CLASSES = (CueSubmitPreferences, CueSubmitSettings, CUE_OT_submit, CUE_OT_open_gui, CUE_PT_submit)


def register():
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.cue_submit = bpy.props.PointerProperty(type=CueSubmitSettings)


def unregister():
    del bpy.types.Scene.cue_submit
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
