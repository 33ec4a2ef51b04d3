"""The detector registry: a shut gate never costs an answer.

A gated detector is not even imported when its gate is shut, so a gate that
misses a signal its detector reads would silently lose a detection.  These
tests hold every gate to its detector three ways: over every fixture the
gated engine answers exactly like the ungated one; in every fixture stripped
of the gate's signals the detector answers ``None`` and reads nothing the
gate does not list; and every name in the detectors' own tables is in their
gate.  The ancestry screen, which decides whether the ancestry classifier is
loaded at all, is held to every rule of that classifier the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect import _context, _engine
from envdetect import detectors as registry
from envdetect._context import Process
from envdetect._fixture import FixtureContext
from envdetect.detectors import BUILTIN, GATES, _ancestry, agent, ci, cloud, ide, notebook, toolkit
from tests.conftest import ROOT, Recording, WindowsContext, fixture_id, fixture_paths, load

ALL = fixture_paths()
#: A few worlds no fixture describes: nothing set, on each OS, piped and at a terminal.
EMPTY_WORLDS = [
    {"platform": {"system": system}, "tty": {"stdin": tty, "stdout": tty}}
    for system in ("Linux", "Darwin", "Windows", "FreeBSD")
    for tty in (True, False)
]


def _detect(document: dict[str, Any]) -> envdetect.Environment:
    return envdetect.detect(FixtureContext(document), plugins=False)


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_gates_never_change_an_answer(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = load(path)
    gated = _detect(document)
    monkeypatch.setattr(_engine, "GATES", {})
    ungated = _detect(document)
    assert gated.to_dict() == ungated.to_dict()
    assert gated.explanation == ungated.explanation


def test_gates_cover_every_gated_detector() -> None:
    assert set(GATES) == {"cloud", "ci", "toolkit", "agent", "ide", "notebook"}
    assert set(GATES) <= set(BUILTIN)
    for gate in GATES.values():
        assert set(gate) <= {"variables", "paths", "contents", "facets", "command_line", "ancestry"}


def _interesting(process: Process) -> bool:
    hit = _ancestry.classify(process)
    return (
        (hit is not None and hit[0] != "terminal")
        or _ancestry.agent_process(process.name, process.cmdline) is not None
        or _ancestry.ci_process(process) is not None
    )


def _shut(document: dict[str, Any], gate: dict[str, Any]) -> dict[str, Any]:
    """The document without anything that opens ``gate``."""
    shut = copy.deepcopy(document)
    variables = gate.get("variables", ())
    shut["environ"] = {k: v for k, v in shut.get("environ", {}).items() if k not in variables}
    files = dict(shut.get("files", {}))
    for root in gate.get("paths", ()):
        files = {
            name: text
            for name, text in files.items()
            if name != root and not name.startswith(root.rstrip("/") + "/")
        }
    for path, values in gate.get("contents", ()):
        if path in files and files[path].strip() in values:
            files[path] = "Some Other Vendor\n"
    shut["files"] = files
    if gate.get("command_line"):
        shut.pop("command_line", None)
    if gate.get("ancestry"):
        shut["processes"] = [
            p
            for p in shut.get("processes", [])
            if not _interesting(Process(p["name"], p.get("exe"), tuple(p.get("cmdline", ()))))
        ]
    return shut


class _Recorded(Mapping[str, str]):
    def __init__(self, environ: Mapping[str, str], names: set[str]) -> None:
        self._environ, self._names = environ, names

    def __getitem__(self, name: str) -> str:
        self._names.add(name)
        return self._environ[name]

    def __iter__(self) -> Iterator[str]:
        self._names.add("*")  # the detector scans every name
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)


class RecordingFixture(Recording):
    """:class:`Recording`, which also remembers every variable name looked up."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__(document)
        self.names: set[str] = set()
        self._environ = _Recorded(self._environ, self.names)  # type: ignore[assignment]


def _check_shut(document: dict[str, Any], facet: str) -> None:
    gate = GATES[facet]
    shut = _shut(document, gate)
    found = _detect(shut).to_dict()
    for earlier, ids in gate.get("facets", ()):
        if isinstance(found.get(earlier), dict) and found[earlier].get("id") in ids:
            found[earlier] = None
    ctx = RecordingFixture(shut)
    order = list(BUILTIN)
    ctx.found = {name: found.get(name) for name in order[: order.index(facet)]}
    probe = FixtureContext(shut)
    probe.found = ctx.found
    assert not _engine._gate_open(probe, gate, {})
    module = import_module(f"envdetect.detectors.{facet}")
    assert module.detect(ctx) is None, "the gate is shut but the detector answered"
    # ci and cloud scan the names once; ci then reads every name of its table
    # that is set (pull-request variables too), so its own table bounds it.
    allowed = set(gate.get("variables", ())) | ({"*"} if facet in ("ci", "cloud") else set())
    if facet == "ci":
        allowed |= ci.NAMES
    if facet == "agent":  # the Jules row reads HOME and USER; its gate is a path
        allowed |= agent.UBIQUITOUS
    assert ctx.names <= allowed, f"read variables the gate does not list: {ctx.names - allowed}"
    paths = set(gate.get("paths", ())) | {path for path, _ in gate.get("contents", ())}
    assert ctx.paths <= paths, f"read files the gate does not list: {ctx.paths - paths}"


@pytest.mark.parametrize("facet", sorted(GATES))
@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_a_shut_gate_leaves_nothing_to_find(path: Path, facet: str) -> None:
    _check_shut(load(path), facet)


@pytest.mark.parametrize("facet", sorted(GATES))
@pytest.mark.parametrize("world", EMPTY_WORLDS, ids=repr)
def test_an_empty_world_shuts_every_gate(world: dict[str, Any], facet: str) -> None:
    _check_shut(world, facet)
    assert not _engine._gate_open(FixtureContext(world), GATES[facet], {})


def _necessary(rule: Any) -> set[str] | None:
    """Variables one of which ``rule`` cannot hold without (None: no such set)."""
    if isinstance(rule, str):
        return {rule}
    if rule[0] in ("flag", "eq", "in", "prefix", "is", "word", "lword"):
        return {rule[1]}
    if rule[0] == "all":
        for part in rule[1:]:
            found = _necessary(part)
            if found is not None:
                return found
        return None
    if rule[0] == "any":
        union: set[str] = set()
        for part in rule[1:]:
            found = _necessary(part)
            if found is None:
                return None
            union |= found
        return union
    return None  # "not" and "probe" need no variable


def test_the_ci_gate_is_derived_from_the_vendor_table() -> None:
    expected = set(ci.GENERIC)
    for vendor_id, _, rule, _ in ci.VENDORS:
        found = _necessary(rule)
        if found is None:  # the probes: their gate is a path and the ancestry
            assert rule[0] == "probe", vendor_id
            continue
        expected |= found
    assert expected == GATES["ci"]["variables"]
    assert GATES["ci"]["variables"] <= ci.NAMES


def test_every_table_name_is_in_its_gate() -> None:
    assert set(ci.MIXED_CASE) <= ci.NAMES
    assert GATES["cloud"]["variables"] >= cloud._GATE_NAMES
    assert {toolkit.VARIABLE, toolkit.LEGACY_VARIABLE} == set(GATES["toolkit"]["variables"])
    agent_names = {"AI_AGENT"}
    for _, rule in agent.ENV_RULES:
        needed = _necessary(rule)
        assert needed is not None, rule
        if needed & agent.UBIQUITOUS:  # Jules: HOME and USER; gated by its home instead
            assert "/home/jules" in GATES["agent"]["paths"]
            continue
        agent_names |= needed
    assert agent_names == set(GATES["agent"]["variables"])
    assert not agent.UBIQUITOUS & GATES["agent"]["variables"]
    ide_names = {
        *ide.VSCODE_TERMINAL_MARKERS,
        *ide.VSCODE_EXTENSION_MARKERS,
        *ide.VSCODE_PATH_VARIABLES,
        *(name for name, _, _ in ide.VSCODE_FORK_MARKERS),
        *ide.JETBRAINS_VARIABLES,
        ide.JETBRAINS_LAUNCHER_VARIABLE,
        *ide.SPYDER_VARIABLES,
        *ide.CLOUD9_VARIABLES,
        *(name for name, _ in ide._EDITOR_VARIABLES),
        *ide._VIM_HINTS,
    }
    assert ide_names <= GATES["ide"]["variables"]
    notebook_names = {
        *notebook.COLAB_VARIABLES,
        *notebook.JUPYTER_VARIABLES,
        *notebook.SAGEMAKER_VARIABLES,
    }
    assert notebook_names <= GATES["notebook"]["variables"]


@pytest.mark.parametrize("facet", sorted(GATES))
def test_every_gate_name_is_read_by_its_detector(facet: str) -> None:
    # No stale entries: each name appears in the detector's own source.
    source = (ROOT / "envdetect" / "detectors" / f"{facet}.py").read_text()
    if facet == "ci":
        return  # derived from the vendor table by the test above
    stale = {name for name in GATES[facet].get("variables", ()) if f'"{name}"' not in source}
    if facet == "cloud":
        stale -= cloud._GATE_NAMES  # held to the rules by test_cloud
    assert not stale


def test_windows_gates_ignore_case(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bamboo's variables are mixed case; Windows lists them upper-cased.
    monkeypatch.setattr("sys.platform", "win32")
    document = {
        "environ": {"bamboo_planKey": "W-CI", "bamboo_buildKey": "W-CI-7"},
        "platform": {"system": "Windows"},
    }
    env = envdetect.detect(WindowsContext(document), plugins=False)
    assert env.to_dict()["ci"] == {"id": "bamboo", "name": "Bamboo", "is_pr": False}
    quiet = envdetect.detect(
        WindowsContext({"environ": {"PATH": "C:\\Windows"}, "platform": {"system": "Windows"}}),
        plugins=False,
    )
    assert quiet.to_dict()["ci"] is None


@pytest.mark.parametrize(
    ("gate", "document", "expected"),
    [
        ({"paths": ("/opt/x",)}, {"files": {"/opt/x/y": ""}}, True),
        ({"paths": ("/opt/x",)}, {"files": {"/opt/xy": ""}}, False),
        ({"contents": (("/v", ("A",)),)}, {"files": {"/v": " A\n"}}, True),
        ({"contents": (("/v", ("A",)),)}, {"files": {"/v": "AB"}}, False),
        ({"variables": frozenset({"X"})}, {"environ": {"X": "1"}}, True),
        ({"ancestry": True}, {"processes": [{"name": "aider"}], "tty": {"stdin": False}}, True),
        (
            {"ancestry": True},
            {"processes": [{"name": "aider"}], "tty": {"stdin": True, "stdout": True}},
            False,
        ),
        ({"ancestry": True}, {"processes": [{"name": "bash"}]}, False),
        ({}, {"environ": {"X": "1"}, "files": {"/v": "A"}}, False),
    ],
)
def test_each_kind_of_gate_signal(
    gate: dict[str, Any], document: dict[str, Any], expected: bool
) -> None:
    assert _engine._gate_open(FixtureContext(document), gate, {}) is expected


def test_gates_of_one_detection_share_their_groundwork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "win32")
    calls: list[object] = []
    classify = _ancestry.ancestry_matters

    def counting(ctx: Any) -> bool:
        calls.append(ctx)
        return classify(ctx)

    monkeypatch.setattr(_ancestry, "ancestry_matters", counting)
    ctx = WindowsContext(
        {
            "environ": {"Path": "C:\\Windows"},
            "processes": [{"name": "aider"}],
            "tty": {"stdin": False},
        }
    )
    shared: dict[str, Any] = {}
    assert _engine._gate_open(ctx, GATES["agent"], shared)  # by the ancestry
    assert shared == {"names": {"PATH"}, "ancestry": True}
    assert _engine._gate_open(ctx, GATES["ide"], shared)
    assert len(calls) == 1


# -- the ancestry screen: checked before the classifier is imported ---------------


def _processes(document: dict[str, Any]) -> list[Process]:
    return [
        Process(p["name"], p.get("exe"), tuple(p.get("cmdline", ())))
        for p in document.get("processes", [])
    ]


def _assert_screened(process: Process) -> None:
    if _interesting(process):
        assert _context.may_be_recognised(process), (
            f"the classifier knows {process.name!r} ({process.exe!r}, {process.cmdline!r}) "
            "but the screen would not load it"
        )


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_the_screen_passes_every_ancestor_the_classifier_knows(path: Path) -> None:
    for process in _processes(load(path)):
        _assert_screened(process)


def _decorated(key: str) -> list[str]:
    return [
        key,
        key.upper(),
        f"{key}.exe",
        f"{key.title()}.app",
        f" {key} ",
        f"{key} Helper (Plugin)",
        f"{key.title()} Helper (Renderer).app",
    ]


def test_the_screen_passes_every_table_entry_in_every_place_it_is_looked_for() -> None:
    names = [
        *registry.PROCESS_IDES,
        *registry.AGENT_PROCESSES,
        "java",
        "javaw",
        "studio",
        "emacs-29.4",
        "idle3.12",
        "idle-python3.12",
        "codex-x86_64-unknown-linux-musl",
        "concourse",
        "buildbot-worker",
        "twistd",
    ]
    checked = 0
    for key in names:
        for name in _decorated(key):
            for process in (
                Process(name),
                Process("launcher", f"/opt/{name}/bin/{name}", (f"/opt/{name}/bin/{name}",)),
                Process("launcher", None, (name, "--flag")),
                Process("electron", f"/Applications/{name}.app/Contents/MacOS/Electron"),
                Process("electron", f"C:\\Program Files\\{name}\\resources\\app\\x.exe"),
                Process("node", f"/home/u/.config/{name}/CachedData/x/node"),
                Process(
                    "java",
                    "/usr/bin/java",
                    ("java", f"-Didea.paths.selector={name}2024.3", "com.intellij.idea.Main"),
                ),
            ):
                _assert_screened(process)
                checked += 1
    for directory in _ancestry.DISTINCTIVE_DIRS:
        for where in ("exe", "argv0", "argv1"):
            path = f"/home/u/{directory}/bin/abc123/node"
            process = {
                "exe": Process("node", path),
                "argv0": Process("node", None, (path,)),
                "argv1": Process("sh", None, ("sh", path)),
            }[where]
            _assert_screened(process)
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    "cmdline",
    [
        ("python3", "-m", "ipykernel_launcher", "-f", "/run/k.json"),
        ("python", "/usr/lib/python3/site-packages/ipykernel_launcher.py", "-f", "k.json"),
        ("python3.12", "-m", "colab_kernel_launcher"),
        ("python", "-m", "spyder_kernels.console"),
        ("python3", "/usr/bin/spyder"),
        ("python", "-m", "idlelib"),
        ("pythonw.exe", "C:\\Python312\\Lib\\idlelib\\idle.pyw"),
        ("python3", "/usr/bin/idle-python3.12"),
        ("python3", "/home/u/.local/bin/aider", "--model", "x"),
        ("python", "-m", "aider"),
        ("py", "-m", "aider"),
        ("/usr/bin/python3", "/usr/bin/buildbot-worker", "start", "/srv/worker"),
        ("/usr/bin/python3", "/usr/bin/twistd", "--nodaemon", "--python=buildbot.tac"),
    ],
)
def test_the_screen_passes_every_python_role(cmdline: tuple[str, ...]) -> None:
    assert _interesting(Process("python3", "/usr/bin/python3.12", cmdline)), cmdline
    for name in (cmdline[0].rsplit("/", 1)[-1], "MainThread"):
        _assert_screened(Process(name, "/usr/bin/python3.12", cmdline))


def test_the_screen_holds_against_a_fuzzed_world() -> None:
    # Processes assembled from the classifier's own vocabulary, path pieces
    # and noise: whatever the classifier makes of one, the screen must pass.
    import random

    rng = random.Random(20261126)
    words = [
        *registry.PROCESS_IDES,
        *registry.AGENT_PROCESSES,
        *_ancestry.TERMINAL_PROCESSES,
        *_ancestry.DISTINCTIVE_DIRS,
        *_ancestry._KERNEL_MODULES,
        *_ancestry.BUILDBOT_SCRIPTS,
        "java",
        "javaw",
        "python3",
        "py",
        "-m",
        "idlelib",
        "spyder",
        "aider",
        "studio",
        "android",
        "Contents",
        "MacOS",
        "Resources",
        "resources",
        "app",
        "CachedData",
        "Application Support",
        "bin",
        "usr",
        "opt",
        ".app",
        ".exe",
        " Helper",
        "worker",
        "start",
        "buildbot.tac",
        "concourse",
        "emacs-29",
        "idle3.11",
        "codex-linux",
        "-Didea.platform.prefix=Python",
        "com.intellij.idea.Main",
        "bash",
        "node",
        "x",
        "tmux: server",
        "sshd: u@pts/0",
    ]
    separators = ["/", "\\", "", " ", "-"]

    def token() -> str:
        parts = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        joined = parts[0]
        for part in parts[1:]:
            joined += rng.choice(separators) + part
        return joined.upper() if rng.random() < 0.1 else joined

    recognised = 0
    for _ in range(20000):
        cmdline = tuple(token() for _ in range(rng.randint(0, 5)))
        exe = token() if rng.random() < 0.7 else None
        process = Process(token(), exe, cmdline)
        recognised += _interesting(process)
        _assert_screened(process)
    assert recognised > 1000  # the fuzz reaches the classifier's rules


def test_the_screen_keeps_ordinary_ancestries_from_loading_the_classifier() -> None:
    ordinary = [
        Process("python3", "/usr/bin/python3.12", ("python3", "/home/u/tools/build.py", "-v")),
        Process("bash", "/usr/bin/bash", ("-bash",)),
        Process("make", "/usr/bin/make", ("make", "test")),
        Process("sshd", "/usr/sbin/sshd", ("sshd: u@pts/0",)),
        Process("systemd", "/usr/lib/systemd/systemd", ("/sbin/init",)),
        Process("containerd-shim", None, ()),
    ]
    assert not any(_context.may_be_recognised(process) for process in ordinary)
    ctx = FixtureContext(
        {
            "processes": [
                {"name": p.name, "exe": p.exe, "cmdline": list(p.cmdline)} for p in ordinary
            ],
            "tty": {"stdin": False},
        }
    )
    assert not _engine._gate_open(ctx, GATES["ide"], {})


def test_the_screen_tables_are_the_classifiers() -> None:
    screen = registry.ANCESTRY_SCREEN
    assert _ancestry._PATH_MARKERS is screen["path_markers"]
    prefixes = {
        "emacs-",
        *_ancestry._IDLE_PREFIXES,
        *(prefix for prefix, _, _ in _ancestry.AGENT_PROCESS_PREFIXES),
    }
    assert prefixes == set(screen["prefixes"])
    for word in (*_ancestry._KERNEL_MODULES, "spyder_kernels", "idlelib", *_ancestry.AGENT_SCRIPTS):
        assert any(part in word for part in screen["python"]["words"]), word
    for script in _ancestry.BUILDBOT_SCRIPTS:
        assert any(part in script for part in screen["ci_words"]), script
