"""The default path stays cheap: no heavy module, no subprocess, no entry-point scan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from envdetect.detectors import GATES
from tests.conftest import run_fresh

HEAVY = [
    "distro",
    "psutil",
    "packaging",
    "dataclasses",
    "typing",
    "re",
    "json",
    "subprocess",
    "platform",
    "importlib",
    "importlib.metadata",
    "socket",
    "shlex",
    "argparse",
    "__future__",
]

PROBE = """
import sys, json
before = set(sys.modules)
import envdetect
after_import = set(sys.modules)
envdetect.detect()
after_detect = set(sys.modules)
print(json.dumps({"import": sorted(after_import - before),
                  "detect": sorted(after_detect - before)}))
"""


def _new_modules() -> dict[str, list[str]]:
    modules: dict[str, list[str]] = json.loads(run_fresh(PROBE).splitlines()[-1])
    return modules


def test_import_envdetect_is_tiny() -> None:
    # Not even __future__: the package quotes its annotations instead of
    # importing the switch (about 0.2 ms of every start).
    assert _new_modules()["import"] == ["envdetect"]


QUIET_PROBE = """
import sys, json
before = set(sys.modules)
from envdetect import _context
P = _context.Process
_context.live_ancestry = lambda limit: ANCESTRY
import envdetect
envdetect.detect(_context.LiveContext(environ={}))
print(json.dumps(sorted(set(sys.modules) - before)))
"""

#: Ancestries of a piped run (stdin is /dev/null in the probe).
NOTHING = "[]"
ORDINARY = """[P("python3", "/usr/bin/python3.12", ("python3", "/home/u/tools/build.py")),
               P("bash", "/usr/bin/bash", ("-bash",)), P("tmux: server", None, ()),
               P("sshd", "/usr/sbin/sshd", ("sshd: u@pts/0",)), P("systemd", None, ())]"""
UNDER_AN_IDE = """[P("bash", "/usr/bin/bash", ("bash",)),
                   P("pycharm", "/opt/pycharm/bin/pycharm", ("/opt/pycharm/bin/pycharm",))]"""


def _probe(ancestry: str) -> list[str]:
    output = run_fresh(QUIET_PROBE.replace("ANCESTRY", ancestry), stdin=subprocess.DEVNULL)
    return [name for name in json.loads(output) if name.startswith("envdetect")]


@pytest.mark.parametrize("ancestry", [NOTHING, ORDINARY], ids=["nothing", "ordinary"])
def test_default_path_modules(ancestry: str) -> None:
    # Where nothing names a CI system, a toolkit, an agent, an IDE or a
    # notebook, their detectors are not even imported, and an ancestry of
    # shells, scripts and terminals does not load the ancestry classifier:
    # every module counts.
    loaded = _probe(ancestry)
    expected = [
        "envdetect",
        "envdetect._context",
        "envdetect._engine",
        "envdetect.detectors",
        "envdetect.detectors.container",
        "envdetect.detectors.os",
        "envdetect.detectors.terminal",
    ]
    # The cloud detector loads where the firmware names a cloud (a CI runner's VM).
    vendor = Path("/sys/class/dmi/id/sys_vendor")
    text = vendor.read_text(errors="replace").strip() if vendor.is_file() else ""
    if text in GATES["cloud"]["contents"][0][1]:
        expected.append("envdetect.detectors.cloud")
    # The os facet's macOS and Windows halves load there only; the legacy
    # release files only where os-release lacks an id, a version or a name.
    if sys.platform == "darwin":
        expected.append("envdetect.detectors._macos")
    elif sys.platform == "win32":
        expected.append("envdetect.detectors._windows")
    elif not _os_release_complete():
        expected.append("envdetect.detectors._release_files")
    assert loaded == sorted(expected)


def test_an_ide_among_the_ancestors_loads_the_classifier() -> None:
    loaded = _probe(UNDER_AN_IDE)
    assert {"envdetect.detectors._ancestry", "envdetect.detectors.ide"} <= set(loaded)


def _os_release_complete() -> bool:
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        if path.is_file():
            keys = {
                line.partition("=")[0].strip()
                for line in path.read_text(errors="replace").splitlines()
                if line.partition("=")[2].strip().strip("\"'")
            }
            return {"ID", "VERSION_ID", "NAME"} <= keys
    return False


def test_detect_imports_no_heavy_module() -> None:
    loaded = set(_new_modules()["detect"])
    # json is loaded by the probe itself after detection; check the others.
    assert loaded.isdisjoint(set(HEAVY) - {"json"}), sorted(loaded & set(HEAVY))


def test_detect_spawns_no_process(monkeypatch) -> None:
    import os

    import envdetect

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("detect() must not start a process")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    for name in ("system", "popen", "posix_spawn", "posix_spawnp", "fork", "execv", "execve"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, forbidden)
    env = envdetect.detect(plugins=False)
    assert env.explanation.get("engine") is None
    assert not [info for info in env.explanation.values() if info["error"]]


CLOUD_VM_PROBE = """
import sys, json
from envdetect._fixture import FixtureContext
before = set(sys.modules)
import envdetect
envdetect.detect(FixtureContext({"platform": {"system": "Linux"}, "environ": ENVIRON,
                                 "files": {"/sys/class/dmi/id/sys_vendor": "Google"}}),
                 plugins=False)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize(("environ", "evaluator"), [("{}", False), ('{"K_SERVICE": "x"}', True)])
def test_the_rule_evaluator_loads_only_for_a_rule_to_evaluate(
    environ: str, evaluator: bool
) -> None:
    # The firmware opens the cloud detector's gate on every VM of a cloud (CI
    # runners included); without a cloud variable no rule can hold.
    output = run_fresh(CLOUD_VM_PROBE.replace("ENVIRON", environ), stdin=subprocess.DEVNULL)
    loaded = json.loads(output)
    assert "envdetect.detectors.cloud" in loaded
    assert ("envdetect.detectors._rules" in loaded) is evaluator
