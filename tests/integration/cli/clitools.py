"""Runs Cue's command-line tools (CUEADMIN_BIN, CUEMAN_BIN, CUESUBMIT_BIN) against a real farm
(cuefarm.Farm), and compares their tables with golden files in tests/data/cli after replacing
what changes from run to run (times, ids, ports). CUE_UPDATE_GOLDEN=1 rewrites the files."""
import json
import os
import re
import socket
import subprocess

BINS = {"cueadmin": os.environ.get("CUEADMIN_BIN", ""),
        "cueman": os.environ.get("CUEMAN_BIN", ""),
        "cuesubmit": os.environ.get("CUESUBMIT_BIN", "")}
GOLDEN_DIR = os.environ.get("CUE_GOLDEN_DIR", "")

# Exit codes (docs/CLI.md).
OK, FAILED, USAGE, NOT_FOUND, UNAVAILABLE, REFUSED = 0, 1, 2, 3, 4, 5


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def run(farm, tool, *args, server=None, stdin=subprocess.DEVNULL, env=None):
    """Runs a tool with -server pointing at the farm's cuebot; stdin is not a terminal."""
    argv = [BINS[tool]]
    argv += ["-server", server or f"127.0.0.1:{farm.port}"]
    argv += [str(a) for a in args]
    full_env = dict(os.environ)
    full_env.pop("CUEBOT_HOSTS", None)
    full_env.update(env or {})
    return Result(subprocess.run(argv, stdin=stdin, capture_output=True, text=True, timeout=120,
                                 env=full_env))


def run_bare(tool, *args, env=None):
    """Runs a tool without -server (for --help, usage errors, discovery)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return Result(subprocess.run([BINS[tool]] + [str(a) for a in args], capture_output=True,
                                 text=True, timeout=60, stdin=subprocess.DEVNULL, env=full_env))


def refusing_address():
    """(socket, "127.0.0.1:port"): a port bound but not listening, so connections to it are
    refused for as long as the caller keeps the socket open (no other test can take it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, f"127.0.0.1:{s.getsockname()[1]}"


_NORMALIZE = [
    (re.compile(r"\b\d\d/\d\d \d\d:\d\d\b"), "MM/DD hh:mm"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "hh:mm:ss"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<id>"),
]


def normalize(text):
    for pattern, repl in _NORMALIZE:
        text = pattern.sub(repl, text)
    return text


def assert_golden(test, name, text):
    path = os.path.join(GOLDEN_DIR, name)
    text = normalize(text)
    if os.environ.get("CUE_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        want = f.read()
    test.assertEqual(text, want, f"{name} differs from its golden file")
