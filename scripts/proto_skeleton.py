#!/usr/bin/env python3
"""Writes a first draft of Cue's .proto files from a wire table (one file per package).

Usage: proto_skeleton.py WIRE_TSV OUT_DIR

This is a bootstrap tool: the files it writes were then edited and commented by hand
and are the source of truth; rerunning it would overwrite those edits. It exists so
that a newcomer can see how the contract table maps onto proto syntax.
"""
import collections, os, sys

tsv, out = sys.argv[1], sys.argv[2]
rows = [(l.rstrip("\n").split("\t") + [""] * 7)[:7] for l in open(tsv) if l.strip()]

packages = sorted({r[1].split(".")[0] for r in rows})
fields = collections.OrderedDict()   # message full name -> list of field rows
enums = collections.OrderedDict()    # enum full name -> list of (name, number)
rpcs = collections.OrderedDict()     # service full name -> list of (method, req, resp)
messages = set()
for kind, owner, name, num, typ, label, tname in rows:
    if kind == "field":
        fields.setdefault(owner, []).append((name, int(num), typ, label, tname))
        messages.add(owner)
        if typ == "message":
            messages.add(tname)
    elif kind == "enumval":
        enums.setdefault(owner, []).append((name, int(num)))
    elif kind == "rpc":
        rpcs.setdefault(owner, []).append((name, typ, label))
        messages.add(typ)
        messages.add(label)
for m in list(messages):
    parts = m.split(".")
    for i in range(2, len(parts)):
        messages.add(".".join(parts[:i]))
enum_names = set(enums)

def parent(full):
    return full.rsplit(".", 1)[0]

def is_nested(full):
    return parent(full) in messages

def ref(tname, pkg, scope):
    """Shortest reference to tname from inside scope (a message or package)."""
    if tname.split(".")[0] != pkg:
        return tname
    return tname[len(pkg) + 1:]

def is_map_entry(m):
    return m.endswith("Entry") and is_nested(m) and [f[0] for f in fields.get(m, [])] == ["key", "value"]

def field_type(f, pkg, scope):
    name, num, typ, label, tname = f
    if typ in ("message", "enum"):
        return ref(tname, pkg, scope)
    return typ

def emit_enum(full, indent):
    lines = [f"{indent}enum {full.rsplit('.', 1)[1]} {{"]
    for n, v in sorted(enums[full], key=lambda x: x[1]):
        lines.append(f"{indent}  {n} = {v};")
    lines.append(f"{indent}}}")
    return lines

def emit_message(full, pkg, indent):
    short = full.rsplit(".", 1)[1]
    lines = [f"{indent}message {short} {{"]
    for e in enums:
        if parent(e) == full:
            lines += emit_enum(e, indent + "  ")
    for m in sorted(messages):
        if parent(m) == full and not is_map_entry(m):
            lines += emit_message(m, pkg, indent + "  ")
    for f in sorted(fields.get(full, []), key=lambda x: x[1]):
        name, num, typ, label, tname = f
        if typ == "message" and is_map_entry(tname):
            k, v = fields[tname]
            lines.append(f"{indent}  map<{field_type(k, pkg, full)}, {field_type(v, pkg, full)}> {name} = {num};")
            continue
        rep = "repeated " if label == "repeated" else ""
        lines.append(f"{indent}  {rep}{field_type(f, pkg, full)} {name} = {num};")
    lines.append(f"{indent}}}")
    return lines

os.makedirs(out, exist_ok=True)
for pkg in packages:
    deps = set()
    for m in messages:
        if m.split(".")[0] != pkg:
            continue
        for f in fields.get(m, []):
            if f[4] and f[4].split(".")[0] != pkg:
                deps.add(f[4].split(".")[0])
    for s, ms in rpcs.items():
        if s.split(".")[0] == pkg:
            for _, a, b in ms:
                for t in (a, b):
                    if t.split(".")[0] != pkg:
                        deps.add(t.split(".")[0])
    lines = ['syntax = "proto3";', "", f"package {pkg};", ""]
    lines += [f'option java_package = "com.imageworks.spcue.grpc.{pkg.lower()}";',
              "option java_multiple_files = true;", ""]
    for d in sorted(deps):
        lines.append(f'import "{d}.proto";')
    lines.append("")
    for s, ms in rpcs.items():
        if s.split(".")[0] != pkg:
            continue
        lines.append(f"service {s.split('.', 1)[1]} {{")
        for meth, a, b in ms:
            lines.append(f"  rpc {meth}({ref(a, pkg, pkg)}) returns ({ref(b, pkg, pkg)});")
        lines += ["}", ""]
    for e in enums:
        if e.split(".")[0] == pkg and not is_nested(e):
            lines += emit_enum(e, "") + [""]
    for m in sorted(messages):
        if m.split(".")[0] == pkg and not is_nested(m):
            lines += emit_message(m, pkg, "") + [""]
    open(os.path.join(out, f"{pkg}.proto"), "w").write("\n".join(lines))
print("wrote", len(packages), "files")
