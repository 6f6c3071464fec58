"""A fake, minimal bpy for testing Cue's Blender add-on without Blender: the classes the add-on
derives from, the property functions (which return a _Prop holding their default), the
register calls (recorded), bpy.path.abspath, bpy.data's file path and dirty flag,
bpy.ops.wm.save_mainfile (recorded), and helpers that build a context for a scene."""
import os
import types as _types


class _Prop:
    def __init__(self, kind, **kwargs):
        self.kind = kind
        self.kwargs = kwargs

    @property
    def default(self):
        return self.kwargs.get("default", {"String": "", "Int": 0, "Float": 0.0,
                                           "Bool": False}.get(self.kind))


class _Props:
    def StringProperty(self, **kw): return _Prop("String", **kw)
    def IntProperty(self, **kw): return _Prop("Int", **kw)
    def FloatProperty(self, **kw): return _Prop("Float", **kw)
    def BoolProperty(self, **kw): return _Prop("Bool", **kw)
    def EnumProperty(self, **kw): return _Prop("Enum", **kw)
    def PointerProperty(self, **kw): return _Prop("Pointer", **kw)


props = _Props()


class _Base:
    def report(self, level, message):
        self.reports = getattr(self, "reports", [])
        self.reports.append((set(level), message))


class _Types:
    class AddonPreferences(_Base): pass
    class PropertyGroup(_Base): pass
    class Operator(_Base): pass
    class Panel(_Base): pass
    class Scene: pass


types = _Types()

registered = []


class _Utils:
    def register_class(self, cls): registered.append(cls)
    def unregister_class(self, cls): registered.remove(cls)


utils = _Utils()

data = _types.SimpleNamespace(filepath="", is_dirty=False)
saves = []


class _Wm:
    def save_mainfile(self):
        saves.append(data.filepath)
        data.is_dirty = False
        return {"FINISHED"}


ops = _types.SimpleNamespace(wm=_Wm())


class _Path:
    def abspath(self, path):
        """Blender's "//" prefix: relative to the .blend's folder."""
        if path.startswith("//"):
            return os.path.normpath(os.path.join(os.path.dirname(data.filepath), path[2:]))
        return path


path = _Path()


def instance(cls, **values):
    """An object of a PropertyGroup/AddonPreferences class with its properties' defaults."""
    obj = cls()
    for name, prop in getattr(cls, "__annotations__", {}).items():
        setattr(obj, name, prop.default if isinstance(prop, _Prop) else None)
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def context(addon_name, prefs, settings, name="Scene", frame_start=1, frame_end=250,
            frame_step=1, filepath="//render/frame_####", file_format="PNG"):
    """A context with one scene and the add-on's preferences."""
    scene = _types.SimpleNamespace(
        name=name, frame_start=frame_start, frame_end=frame_end, frame_step=frame_step,
        render=_types.SimpleNamespace(filepath=filepath, image_settings=_types.SimpleNamespace(
            file_format=file_format)),
        cue_submit=settings)
    addons = {addon_name: _types.SimpleNamespace(preferences=prefs)}
    return _types.SimpleNamespace(scene=scene, preferences=_types.SimpleNamespace(addons=addons))
